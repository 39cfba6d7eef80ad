import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COUNT_ISSUE } from './send-common.schemas.ts';
import { MessageContentSchema, SendBodySchema, toSendBody } from './send.schemas.ts';

const s = (n: number, ch = 'a') => ch.repeat(n);
const rows = (n: number, prefix = 'r') =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `T${i}` }));
const buttons = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `b${i}`, title: `B${i}` } }));
const text = (body: string) => ({ type: 'text', text: { body } });
const interactive = (i: Record<string, unknown>) => ({ type: 'interactive', interactive: i });
const buttonMsg = (over: Record<string, unknown> = {}) =>
  interactive({ type: 'button', body: { text: 'Pick' }, action: { buttons: buttons(2) }, ...over });
const listMsg = (action: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  interactive({ type: 'list', body: { text: 'Pick' }, action: { button: 'Menu', ...action }, ...over });
const template = (components: unknown[], over: Record<string, unknown> = {}) => ({
  type: 'template',
  template: { name: 'order_update', language: { code: 'ja' }, components, ...over },
});
const bodyParams = (...texts: string[]) => ({
  type: 'body',
  parameters: texts.map((t) => ({ type: 'text', text: t })),
});
const flow = (params: Record<string, unknown>) =>
  interactive({
    type: 'flow',
    body: { text: 'Book' },
    action: {
      name: 'flow',
      parameters: { flow_message_version: '3', flow_id: '1', flow_cta: 'Book', ...params },
    },
  });
const productList = (sections: unknown[]) =>
  interactive({
    type: 'product_list',
    header: { type: 'text', text: 'H' },
    body: { text: 'B' },
    action: { catalog_id: 'C', sections },
  });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ product_retailer_id: `sku${i}` }));

/** Every issue as `path: message`. */
function issues(value: unknown): string[] {
  const r = MessageContentSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('MessageContentSchema limits (reference §1.12)', () => {
  // [label, accepted at the limit, rejected beyond it, expected message fragment]
  // prettier-ignore
  const cases: [string, unknown, unknown, string][] = [
    ['text.body', text(s(4096)), text(s(4097)), 'text.body must be at most 4096 characters'],
    ['caption', { type: 'image', image: { id: '1', caption: s(1024) } }, { type: 'image', image: { id: '1', caption: s(1025) } }, 'image.caption must be at most 1024'],
    ['button body', buttonMsg({ body: { text: s(1024) } }), buttonMsg({ body: { text: s(1025) } }), 'interactive.body.text must be at most 1024'],
    ['list body', listMsg({ sections: [{ rows: rows(1) }] }, { body: { text: s(4096) } }), listMsg({ sections: [{ rows: rows(1) }] }, { body: { text: s(4097) } }), 'interactive.body.text must be at most 4096'],
    ['header text', buttonMsg({ header: { type: 'text', text: s(60) } }), buttonMsg({ header: { type: 'text', text: s(61) } }), 'interactive.header.text must be at most 60'],
    ['footer', buttonMsg({ footer: { text: s(60) } }), buttonMsg({ footer: { text: s(61) } }), 'interactive.footer.text must be at most 60'],
    ['reply buttons', buttonMsg({ action: { buttons: buttons(3) } }), buttonMsg({ action: { buttons: buttons(4) } }), 'at most 3 buttons'],
    ['reply button title', buttonMsg({ action: { buttons: [{ type: 'reply', reply: { id: 'a', title: s(20) } }] } }), buttonMsg({ action: { buttons: [{ type: 'reply', reply: { id: 'a', title: s(21) } }] } }), 'button reply.title must be at most 20'],
    ['reply button id', buttonMsg({ action: { buttons: [{ type: 'reply', reply: { id: s(256), title: 'a' } }] } }), buttonMsg({ action: { buttons: [{ type: 'reply', reply: { id: s(257), title: 'a' } }] } }), 'button reply.id must be at most 256'],
    ['list button', listMsg({ button: s(20), sections: [{ rows: rows(1) }] }), listMsg({ button: s(21), sections: [{ rows: rows(1) }] }), 'interactive.action.button must be at most 20'],
    ['list rows total', listMsg({ sections: [{ title: 'A', rows: rows(5) }, { title: 'B', rows: rows(5, 'q') }] }), listMsg({ sections: [{ title: 'A', rows: rows(5) }, { title: 'B', rows: rows(6, 'q') }] }), 'at most 10 rows in total'],
    ['list sections', listMsg({ sections: Array.from({ length: 10 }, (_, i) => ({ title: `S${i}`, rows: [{ id: `r${i}`, title: 't' }] })) }), listMsg({ sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [{ id: `r${i}`, title: 't' }] })) }), 'at most 10 sections'],
    ['list section title', listMsg({ sections: [{ title: s(24), rows: rows(1) }] }), listMsg({ sections: [{ title: s(25), rows: rows(1) }] }), 'list section title must be at most 24'],
    ['list row id', listMsg({ sections: [{ rows: [{ id: s(200), title: 't' }] }] }), listMsg({ sections: [{ rows: [{ id: s(201), title: 't' }] }] }), 'list row id must be at most 200'],
    ['list row title', listMsg({ sections: [{ rows: [{ id: 'i', title: s(24) }] }] }), listMsg({ sections: [{ rows: [{ id: 'i', title: s(25) }] }] }), 'list row title must be at most 24'],
    ['list row description', listMsg({ sections: [{ rows: [{ id: 'i', title: 't', description: s(72) }] }] }), listMsg({ sections: [{ rows: [{ id: 'i', title: 't', description: s(73) }] }] }), 'list row description must be at most 72'],
    ['cta display_text', interactive({ type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: s(20), url: 'https://x.example' } } }), interactive({ type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: s(21), url: 'https://x.example' } } }), 'cta_url display_text must be at most 20'],
    ['product_list items', productList([{ title: 'A', product_items: items(15) }, { title: 'B', product_items: items(15) }]), productList([{ title: 'A', product_items: items(15) }, { title: 'B', product_items: items(16) }]), 'at most 30 products in total'],
    ['product_list sections', productList(Array.from({ length: 10 }, (_, i) => ({ title: `S${i}`, product_items: items(1) }))), productList(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, product_items: items(1) }))), 'at most 10 sections'],
    ['flow_cta', flow({ flow_cta: s(30) }), flow({ flow_cta: s(31) }), 'flow_cta must be at most 30'],
    ['contacts per message', { type: 'contacts', contacts: Array.from({ length: 257 }, () => ({ name: { formatted_name: 'X' } })) }, { type: 'contacts', contacts: Array.from({ length: 258 }, () => ({ name: { formatted_name: 'X' } })) }, 'at most 257 cards'],
    ['template name', template([], { name: s(512) }), template([], { name: s(513) }), 'template.name must be at most 512'],
    ['template body param (with other components)', template([bodyParams(s(1024)), { type: 'header', parameters: [{ type: 'text', text: 'h' }] }]), template([bodyParams(s(1025)), { type: 'header', parameters: [{ type: 'text', text: 'h' }] }]), 'at most 1024 characters'],
    ['template body param (body only)', template([bodyParams(s(32768))]), template([bodyParams(s(32769))]), 'at most 32768 characters'],
    ['template header param', template([{ type: 'header', parameters: [{ type: 'text', text: s(60) }] }]), template([{ type: 'header', parameters: [{ type: 'text', text: s(61) }] }]), 'template header text parameter must be at most 60'],
    ['coupon code', template([{ type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: s(15) }] }]), template([{ type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: s(16) }] }]), 'button coupon_code must be at most 15'],
  ];

  it.each(cases)('%s', (_label, ok, tooBig, message) => {
    expect(issues(ok)).toEqual([]);
    expect(issues(tooBig).join('\n')).toContain(message);
  });

  it('limits biz_opaque_callback_data to 512 on the send body', () => {
    const body = (n: number) => ({
      messaging_product: 'whatsapp',
      to: '+81 90-1234-5678',
      biz_opaque_callback_data: s(n),
      ...text('hi'),
    });
    expect(SendBodySchema.safeParse(body(512)).success).toBe(true);
    expect(SendBodySchema.safeParse(body(513)).error?.issues[0]?.message).toBe(
      'biz_opaque_callback_data must be at most 512 characters',
    );
  });
});

describe('MessageContentSchema rules', () => {
  // prettier-ignore
  it.each([
    ['empty text', text(''), 'text.body: text.body must not be empty'],
    ['unknown type', { type: 'poll', poll: {} }, 'type: type must be one of text, image'],
    ['media with id and link', { type: 'image', image: { id: '1', link: 'https://x.example/a.jpg' } }, 'image: image needs exactly one of id or link'],
    ['media with neither', { type: 'video', video: { caption: 'c' } }, 'video: video needs exactly one of id or link'],
    ['non-http link', { type: 'document', document: { link: 'ftp://x.example/a.pdf' } }, 'document.link: document.link must be an http(s) URL'],
    ['caption on audio', { type: 'audio', audio: { id: '1', caption: 'c' } }, 'audio.caption: audio.caption is not allowed'],
    ['caption on sticker', { type: 'sticker', sticker: { id: '1', caption: 'c' } }, 'sticker.caption: sticker.caption is not allowed'],
    ['filename on image', { type: 'image', image: { id: '1', filename: 'a.jpg' } }, 'image.filename: image.filename is not allowed'],
    ['voice on video', { type: 'video', video: { id: '1', voice: true } }, 'video.voice: video.voice is not allowed'],
    ['latitude out of range', { type: 'location', location: { latitude: 91, longitude: 0 } }, 'location.latitude must be between -90 and 90'],
    ['non-numeric longitude', { type: 'location', location: { latitude: 0, longitude: 'east' } }, 'location.longitude must be a number or a numeric string'],
    ['contact without formatted_name', { type: 'contacts', contacts: [{ name: { first_name: 'A' } }] }, 'contacts.0.name.formatted_name: contacts[].name.formatted_name is required'],
    ['no contacts', { type: 'contacts', contacts: [] }, 'contacts must contain at least one card'],
    ['template name casing', template([], { name: 'Order-Update' }), 'template.name must contain only lowercase letters, digits and _'],
    ['template language', template([], { language: { code: 'language-and-locale-code' } }), 'template.language.code must be a locale such as en_US'],
    ['mixed named and positional', template([{ type: 'body', parameters: [{ type: 'text', text: 'a', parameter_name: 'first_name' }, { type: 'text', text: 'b' }] }]), 'all named (parameter_name) or all positional'],
    ['empty template text parameter', template([bodyParams('')]), 'template body text parameter must not be empty'],
    ['two header parameters', template([{ type: 'header', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]), 'a template header takes exactly one parameter'],
    ['wrong button parameter', template([{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'payload', payload: 'p' }] }]), 'button sub_type url takes text parameters, not payload'],
    ['duplicate button index', template([{ type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'a' }] }, { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'b' }] }]), 'template button index 0 is used twice'],
    ['duplicate reply ids', buttonMsg({ action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }, { type: 'reply', reply: { id: 'a', title: 'B' } }] } }), 'button reply ids must be unique'],
    ['duplicate reply titles', buttonMsg({ action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }, { type: 'reply', reply: { id: 'b', title: 'A' } }] } }), 'button reply titles must be unique'],
    ['padded reply id', buttonMsg({ action: { buttons: [{ type: 'reply', reply: { id: ' a', title: 'A' } }] } }), 'must not have leading or trailing spaces'],
    ['no buttons', buttonMsg({ action: { buttons: [] } }), 'needs at least 1 button'],
    ['untitled sections', listMsg({ sections: [{ rows: rows(1) }, { rows: rows(1, 'q') }] }), 'every section needs a title when there are several'],
    ['duplicate row ids', listMsg({ sections: [{ title: 'A', rows: rows(1) }, { title: 'B', rows: rows(1) }] }), 'list row id "r0" is used twice'],
    ['image header on a list', listMsg({ sections: [{ rows: rows(1) }] }, { header: { type: 'image', image: { id: '1' } } }), 'interactive.header.type'],
    ['product_list without header', interactive({ type: 'product_list', body: { text: 'B' }, action: { catalog_id: 'C', sections: [{ product_items: items(1) }] } }), 'interactive.header'],
    ['flow with id and name', flow({ flow_name: 'n' }), 'a flow needs exactly one of flow_id or flow_name'],
    ['flow payload with data_exchange', flow({ flow_action: 'data_exchange', flow_action_payload: { screen: 'S' } }), 'only allowed with flow_action navigate'],
    ['flow with empty data', flow({ flow_action_payload: { screen: 'S', data: {} } }), 'data must not be empty when given'],
    ['flow_cta emoji', flow({ flow_cta: 'Book 📅' }), 'flow_cta must not contain emoji'],
    ['flow version', flow({ flow_message_version: '2' }), 'flow_message_version must be "3"'],
    ['unsupported interactive', interactive({ type: 'order_details', action: {} }), 'interactive.type'],
    ['header on a product', interactive({ type: 'product', header: { type: 'text', text: 'H' }, action: { catalog_id: 'C', product_retailer_id: 'P' } }), 'interactive.header is not allowed on product messages'],
  ])('rejects %s', (_label, value, message) => {
    expect(issues(value).join('\n')).toContain(message);
  });

  it('tags count and uniqueness rules with Graph code 131009 and leaves shape rules untagged', () => {
    const params = (value: unknown) =>
      MessageContentSchema.safeParse(value).error?.issues.map((i) =>
        i.code === 'custom' ? i.params : 'n/a',
      );
    const reply = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
    // prettier-ignore
    const counted: unknown[] = [
      buttonMsg({ action: { buttons: [reply('a', 'A'), reply('a', 'B')] } }),
      buttonMsg({ action: { buttons: [reply('a', 'A'), reply('b', 'A')] } }),
      listMsg({ sections: [{ title: 'A', rows: rows(6) }, { title: 'B', rows: rows(5, 'q') }] }),
      listMsg({ sections: [{ title: 'A', rows: rows(1) }, { title: 'B', rows: rows(1) }] }),
      listMsg({ sections: [{ rows: rows(1) }, { rows: rows(1, 'q') }] }),
      productList([{ title: 'A', product_items: items(16) }, { title: 'B', product_items: items(15) }]),
      productList([{ product_items: items(1) }, { product_items: items(1) }]),
      flow({ flow_action: 'data_exchange', flow_action_payload: { screen: 'S' } }),
    ];
    for (const value of counted) expect(params(value)).toEqual([COUNT_ISSUE]);
    expect(params({ type: 'image', image: { id: '1', link: 'https://x.example/a.jpg' } })).toEqual([
      undefined,
    ]);
    const reaction = { type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } };
    const wire = {
      messaging_product: 'whatsapp',
      to: '+15551234567',
      context: { message_id: 'wamid.Y' },
      ...reaction,
    };
    expect(SendBodySchema.safeParse(wire).error?.issues[0]).toMatchObject({ params: COUNT_ISSUE });
  });

  it('normalizes upper-case interactive, component and sub_type names to the wire form', () => {
    const parsed = MessageContentSchema.parse(
      interactive({
        type: 'LIST',
        body: { text: 'b' },
        action: { button: 'Menu', sections: [{ rows: rows(1) }] },
      }),
    );
    expect(parsed.type === 'interactive' && parsed.interactive.type).toBe('list');
    const t = MessageContentSchema.parse(
      template([
        {
          type: 'BUTTON',
          sub_type: 'CATALOG',
          index: 0,
          parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: 'x' } }],
        },
      ]),
    );
    expect(t.type === 'template' && t.template.components?.[0]).toMatchObject({
      type: 'button',
      sub_type: 'catalog',
    });
  });

  it('accepts string coordinates, named parameters, empty reaction emoji and forwards date_time fields', () => {
    expect(issues({ type: 'location', location: { latitude: '35.6812', longitude: '139.7671' } })).toEqual(
      [],
    );
    expect(
      issues(
        template([
          { type: 'body', parameters: [{ type: 'text', text: 'Aki', parameter_name: 'first_name' }] },
        ]),
      ),
    ).toEqual([]);
    expect(issues({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '' } })).toEqual([]);
    const dt = { type: 'date_time', date_time: { fallback_value: 'Feb 25', day_of_month: 25 } };
    const parsed = MessageContentSchema.parse(template([{ type: 'body', parameters: [dt] }]));
    expect(parsed.type === 'template' && parsed.template.components?.[0]).toEqual({
      type: 'body',
      parameters: [dt],
    });
  });

  it('converts to JSON Schema (for OpenAPI) without throwing', () => {
    expect(() => z.toJSONSchema(MessageContentSchema, { io: 'input' })).not.toThrow();
    expect(() => z.toJSONSchema(SendBodySchema, { io: 'input' })).not.toThrow();
  });
});

describe('toSendBody / SendBodySchema', () => {
  it('builds a send body that round-trips through the wire schema', () => {
    const content = MessageContentSchema.parse(text('こんにちは'));
    const body = toSendBody('+819012345678', content, {
      replyToWamid: 'wamid.Q',
      bizOpaqueCallbackData: 'msg-1',
    });
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      to: '+819012345678',
      context: { message_id: 'wamid.Q' },
      biz_opaque_callback_data: 'msg-1',
      type: 'text',
      text: { body: 'こんにちは' },
    });
    expect(SendBodySchema.parse(body)).toEqual(body);
    expect(toSendBody('US.1234', content, { recipientType: 'individual' })).toMatchObject({
      recipient_type: 'individual',
      to: 'US.1234',
    });
  });

  it('refuses a reaction as a contextual reply, in the builder and in the schema', () => {
    const reaction = MessageContentSchema.parse({
      type: 'reaction',
      reaction: { message_id: 'wamid.X', emoji: '👍' },
    });
    expect(() => toSendBody('+1555', reaction, { replyToWamid: 'wamid.Y' })).toThrow(RangeError);
    const wire = { ...toSendBody('+15551234567', reaction), context: { message_id: 'wamid.Y' } };
    expect(SendBodySchema.safeParse(wire).error?.issues[0]?.message).toBe(
      'a reaction cannot be a contextual reply',
    );
  });

  it('treats a body without type as text (Meta default) and validates the recipient', () => {
    expect(
      SendBodySchema.parse({ messaging_product: 'whatsapp', to: '16505551234', text: { body: 'x' } }),
    ).toMatchObject({ type: 'text' });
    const bad = SendBodySchema.safeParse({
      messaging_product: 'whatsapp',
      to: '{{Recipient-Phone-Number}}',
      ...text('x'),
    });
    expect(bad.error?.issues[0]?.message).toBe(
      'to must be a phone number with country code, a BSUID or a group id',
    );
    const noProduct = SendBodySchema.safeParse({ to: '16505551234', ...text('x') });
    expect(noProduct.error?.issues[0]?.path).toEqual(['messaging_product']);
  });
});
