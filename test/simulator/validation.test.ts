import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER, NUMBER, VERSION, startHarness } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const templates = [
    {
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
        { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships {{3}}.' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Stop' },
            { type: 'URL', text: 'Track', url: 'https://x.example/t/{{1}}' },
          ],
        },
      ],
    },
    {
      name: 'promo_named',
      language: 'ja',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      components: [{ type: 'BODY', text: '{{first_name}}様、クーポン {{code}}' }],
    },
    {
      name: 'season_named',
      language: 'ja',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: '{{season}}のセール' },
        { type: 'BODY', text: 'ご来店お待ちしています' },
      ],
    },
    {
      name: 'pic_header',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'IMAGE' },
        { type: 'BODY', text: 'See attached' },
      ],
    },
    {
      name: 'in_review',
      language: 'en_US',
      category: 'UTILITY',
      status: 'PENDING',
      components: [{ type: 'BODY', text: 'Soon' }],
    },
  ];
  for (const t of templates) {
    const r = await h.control('POST', '/templates', { wabaId: NUMBER.wabaId, ...t });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  }
});
afterAll(async () => {
  await h.close();
});

const base = { messaging_product: 'whatsapp', to: CUSTOMER };
const s = (n: number, ch = 'a') => ch.repeat(n);
const interactive = (i: Record<string, unknown>) => ({ ...base, type: 'interactive', interactive: i });
const buttons = (list: { id: string; title: string }[], extra: Record<string, unknown> = {}) =>
  interactive({
    type: 'button',
    body: { text: 'Pick' },
    action: { buttons: list.map((reply) => ({ type: 'reply', reply })) },
    ...extra,
  });
const list = (sections: unknown[], extra: Record<string, unknown> = {}) =>
  interactive({ type: 'list', body: { text: 'Pick' }, action: { button: 'Options', sections }, ...extra });
const rows = (n: number, prefix = 'r') =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));
const products = (n: number) => Array.from({ length: n }, (_, i) => ({ product_retailer_id: `sku${i}` }));
const productList = (sections: unknown[], header: unknown = { type: 'text', text: 'Menu' }) =>
  interactive({
    type: 'product_list',
    header,
    body: { text: 'Pick' },
    action: { catalog_id: '1', sections },
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
const cta = (display: string, bodyText = 'Tap') =>
  interactive({
    type: 'cta_url',
    body: { text: bodyText },
    action: { name: 'cta_url', parameters: { display_text: display, url: 'https://example.com' } },
  });
const template = (t: Record<string, unknown>) => ({ ...base, type: 'template', template: t });
const orderUpdate = (components: unknown[]) =>
  template({ name: 'order_update', language: { code: 'en_US' }, components });
const body3 = {
  type: 'body',
  parameters: [
    { type: 'text', text: 'Ann' },
    { type: 'text', text: 'A-1' },
    { type: 'text', text: 'today' },
  ],
};
const header1 = { type: 'header', parameters: [{ type: 'text', text: 'A-1' }] };
const url1 = { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-1' }] };

/** [case, body, Graph code, text the details must contain, HTTP status]. */
const rejected: [string, Record<string, unknown>, number, string, number?][] = [
  ['text.body > 4096', { ...base, type: 'text', text: { body: s(4097) } }, 100, 'text.body'],
  [
    'image caption > 1024',
    { ...base, type: 'image', image: { link: 'https://x.example/a.jpg', caption: s(1025) } },
    100,
    'image.caption',
  ],
  [
    'video caption > 1024',
    { ...base, type: 'video', video: { id: '1', caption: s(1025) } },
    100,
    'video.caption',
  ],
  [
    'document caption > 1024',
    { ...base, type: 'document', document: { id: '1', caption: s(1025) } },
    100,
    'document.caption',
  ],
  [
    'button body > 1024',
    buttons([{ id: 'a', title: 'A' }], { body: { text: s(1025) } }),
    100,
    'interactive.body.text',
  ],
  ['cta_url body > 1024', cta('Go', s(1025)), 100, 'interactive.body.text'],
  [
    'product body > 1024',
    interactive({
      type: 'product',
      body: { text: s(1025) },
      action: { catalog_id: '1', product_retailer_id: 'x' },
    }),
    100,
    'interactive.body.text',
  ],
  [
    'catalog body > 1024',
    interactive({ type: 'catalog_message', body: { text: s(1025) }, action: { name: 'catalog_message' } }),
    100,
    'interactive.body.text',
  ],
  ['list body > 4096', list([{ rows: rows(1) }], { body: { text: s(4097) } }), 100, 'interactive.body.text'],
  [
    'interactive header text > 60',
    buttons([{ id: 'a', title: 'A' }], { header: { type: 'text', text: s(61) } }),
    100,
    'interactive.header.text',
  ],
  [
    'interactive footer > 60',
    buttons([{ id: 'a', title: 'A' }], { footer: { text: s(61) } }),
    100,
    'interactive.footer.text',
  ],
  ['0 reply buttons', buttons([]), 131009, 'interactive.action.buttons'],
  [
    '4 reply buttons',
    buttons([1, 2, 3, 4].map((i) => ({ id: `b${i}`, title: `B${i}` }))),
    131009,
    'interactive.action.buttons',
  ],
  ['button id > 256', buttons([{ id: s(257), title: 'A' }]), 100, 'interactive.action.buttons[0].reply.id'],
  [
    'button title > 20',
    buttons([{ id: 'a', title: s(21) }]),
    100,
    'interactive.action.buttons[0].reply.title',
  ],
  [
    'duplicate button ids',
    buttons([
      { id: 'a', title: 'A' },
      { id: 'a', title: 'B' },
    ]),
    131009,
    'interactive.action.buttons',
  ],
  [
    'duplicate button titles',
    buttons([
      { id: 'a', title: 'A' },
      { id: 'b', title: 'A' },
    ]),
    131009,
    'interactive.action.buttons',
  ],
  [
    'list button label > 20',
    interactive({
      type: 'list',
      body: { text: 'x' },
      action: { button: s(21), sections: [{ rows: rows(1) }] },
    }),
    100,
    'interactive.action.button',
  ],
  [
    '11 list sections',
    list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}`) }))),
    131009,
    'interactive.action.sections',
  ],
  [
    '11 rows in total',
    list([
      { title: 'A', rows: rows(6, 'a') },
      { title: 'B', rows: rows(5, 'b') },
    ]),
    131009,
    'interactive.action.sections',
  ],
  [
    'section title > 24',
    list([{ title: s(25), rows: rows(1) }]),
    100,
    'interactive.action.sections[0].title',
  ],
  [
    'row id > 200',
    list([{ rows: [{ id: s(201), title: 'x' }] }]),
    100,
    'interactive.action.sections[0].rows[0].id',
  ],
  [
    'row title > 24',
    list([{ rows: [{ id: 'x', title: s(25) }] }]),
    100,
    'interactive.action.sections[0].rows[0].title',
  ],
  [
    'row description > 72',
    list([{ rows: [{ id: 'x', title: 'x', description: s(73) }] }]),
    100,
    'interactive.action.sections[0].rows[0].description',
  ],
  ['cta display_text > 20', cta(s(21)), 100, 'interactive.action.parameters.display_text'],
  [
    '11 product sections',
    productList(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, product_items: products(1) }))),
    131009,
    'interactive.action.sections',
  ],
  [
    '31 products',
    productList([
      { title: 'A', product_items: products(16) },
      { title: 'B', product_items: products(15) },
    ]),
    131009,
    'interactive.action.sections',
  ],
  [
    'product_list without header',
    interactive({
      type: 'product_list',
      body: { text: 'x' },
      action: { catalog_id: '1', sections: [{ product_items: products(1) }] },
    }),
    100,
    'interactive.header',
  ],
  [
    'untitled sections',
    list([{ rows: rows(1, 'a') }, { rows: rows(1, 'b') }]),
    131009,
    'interactive.action.sections',
  ],
  [
    'duplicate row ids',
    list([
      { title: 'A', rows: rows(1) },
      { title: 'B', rows: rows(1) },
    ]),
    131009,
    'interactive.action.sections',
  ],
  [
    'product with a header',
    interactive({
      type: 'product',
      header: { type: 'text', text: 'x' },
      action: { catalog_id: '1', product_retailer_id: 'x' },
    }),
    100,
    'interactive.header',
  ],
  ['flow_cta > 30', flow({ flow_cta: s(31) }), 100, 'interactive.action.parameters.flow_cta'],
  ['flow_cta with emoji', flow({ flow_cta: 'Book 📅' }), 100, 'interactive.action.parameters.flow_cta'],
  [
    '258 contacts',
    {
      ...base,
      type: 'contacts',
      contacts: Array.from({ length: 258 }, () => ({ name: { formatted_name: 'X' } })),
    },
    131009,
    'contacts',
  ],
  [
    'biz_opaque_callback_data > 512',
    { ...base, type: 'text', text: { body: 'x' }, biz_opaque_callback_data: s(513) },
    100,
    'biz_opaque_callback_data',
  ],
  [
    'missing messaging_product',
    { to: CUSTOMER, type: 'text', text: { body: 'x' } },
    100,
    'messaging_product',
  ],
  ['missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 100, 'to'],
  ['missing type', { messaging_product: 'whatsapp', to: CUSTOMER, image: { id: '1' } }, 100, 'type'],
  ['object does not match type', { ...base, type: 'text', image: { id: '1' } }, 100, 'text'],
  ['unsupported type', { ...base, type: 'poll', poll: {} }, 131051, 'poll'],
  [
    'recipient is the sender',
    { ...base, to: NUMBER.displayPhoneNumber, type: 'text', text: { body: 'x' } },
    131021,
    'sender',
  ],
  [
    'placeholder recipient',
    { ...base, to: '{{Recipient-Phone-Number}}', type: 'text', text: { body: 'x' } },
    100,
    'to',
  ],
  ['caption on audio', { ...base, type: 'audio', audio: { id: '1', caption: 'x' } }, 100, 'audio.caption'],
  [
    'media with id and link',
    { ...base, type: 'image', image: { id: '1', link: 'https://x.example/a.jpg' } },
    100,
    'image',
  ],
  [
    'unknown interactive type',
    interactive({ type: 'poll', body: { text: 'x' }, action: {} }),
    100,
    'interactive.type',
  ],
  [
    'reaction as a reply',
    {
      ...base,
      type: 'reaction',
      reaction: { message_id: 'wamid.x', emoji: '👍' },
      context: { message_id: 'wamid.y' },
    },
    131009,
    'context',
  ],
  [
    'unknown template',
    template({ name: 'nope', language: { code: 'en_US' } }),
    132001,
    'template name (nope) does not exist in en_US',
    404,
  ],
  [
    'template in another language',
    template({ name: 'hello_world', language: { code: 'ja' } }),
    132001,
    'does not exist in ja',
    404,
  ],
  [
    'template not approved yet',
    template({ name: 'in_review', language: { code: 'en_US' } }),
    132001,
    'in_review',
    404,
  ],
  [
    'too few body params',
    orderUpdate([header1, { type: 'body', parameters: [{ type: 'text', text: 'Ann' }] }, url1]),
    132000,
    'body: number of localizable_params (1) does not match the expected number of params (3)',
  ],
  ['missing header param', orderUpdate([body3, url1]), 132000, 'header'],
  [
    'named header parameter without its name',
    template({
      name: 'season_named',
      language: { code: 'ja' },
      components: [{ type: 'header', parameters: [{ type: 'text', text: '春' }] }],
    }),
    132000,
    "header: parameter_name 'undefined'",
  ],
  [
    'header text parameter > 60',
    orderUpdate([{ type: 'header', parameters: [{ type: 'text', text: s(61) }] }, body3, url1]),
    132005,
    'header',
  ],
  [
    'quick reply with a text parameter',
    orderUpdate([
      header1,
      body3,
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'text', text: 'x' }] },
      url1,
    ]),
    132012,
    'button at index 0',
  ],
  [
    'params for hello_world',
    template({
      name: 'hello_world',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }],
    }),
    132000,
    'body',
  ],
  ['missing dynamic url param', orderUpdate([header1, body3]), 132000, 'button at index 1'],
  [
    'image where text is expected',
    orderUpdate([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.jpg' } }] },
      body3,
      url1,
    ]),
    132012,
    'header',
  ],
  [
    'text where image header is expected',
    template({
      name: 'pic_header',
      language: { code: 'en_US' },
      components: [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }],
    }),
    132012,
    'header',
  ],
  [
    'non-string text param',
    orderUpdate([
      header1,
      {
        type: 'body',
        parameters: [
          { type: 'text', text: true },
          { type: 'text', text: 'A-1' },
          { type: 'text', text: 'x' },
        ],
      },
      url1,
    ]),
    132012,
    'body',
  ],
  [
    'empty text param',
    orderUpdate([
      header1,
      {
        type: 'body',
        parameters: [
          { type: 'text', text: '' },
          { type: 'text', text: 'A-1' },
          { type: 'text', text: 'x' },
        ],
      },
      url1,
    ]),
    100,
    "Parameter 'text' is mandatory",
  ],
  [
    'wrong button sub_type',
    orderUpdate([header1, body3, { ...url1, sub_type: 'quick_reply' }]),
    132012,
    'button at index 1',
  ],
  [
    'currency code not ISO 4217 (contracts, after the definition check)',
    orderUpdate([
      header1,
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'A' },
          { type: 'currency', currency: { fallback_value: '$1', code: 'usd', amount_1000: 1000 } },
          { type: 'text', text: 'x' },
        ],
      },
      url1,
    ]),
    100,
    'template.components[1].parameters[1].currency.code',
  ],
  [
    'wrong named parameter',
    template({
      name: 'promo_named',
      language: { code: 'ja' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'first_name', text: 'A' },
            { type: 'text', parameter_name: 'coupon', text: 'B' },
          ],
        },
      ],
    }),
    132000,
    'coupon',
  ],
];

describe('request validation', () => {
  it.each(rejected)(
    'rejects %s',
    async (_name, body, code, details, status = code === 132001 ? 404 : 400) => {
      const r = await h.send(body);
      expect(r.status).toBe(status);
      const err = r.body.error as {
        code: number;
        message: string;
        type: string;
        error_data: { messaging_product: string; details: string };
        fbtrace_id: string;
      };
      expect(err.code).toBe(code);
      expect(err.type).toBe('OAuthException');
      expect(err.message).toMatch(new RegExp(`^\\(#${code}\\) `));
      expect(err.error_data.messaging_product).toBe('whatsapp');
      expect(err.error_data.details).toContain(details);
      expect(err.fbtrace_id).toMatch(/^[A-Za-z0-9_-]{10,}$/);
    },
  );

  it('never logs rejected sends', () => {
    expect(h.server.sim.sent()).toEqual([]);
  });

  it('answers invalid JSON with a Graph 100 error', async () => {
    const res = await fetch(`${h.server.url}/${VERSION}/${NUMBER.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${NUMBER.accessToken}`, 'content-type': 'application/json' },
      body: '{"messaging_product": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 100, error_data: { details: 'Invalid JSON in request body' } },
    });
  });

  const accepted: [string, Record<string, unknown>][] = [
    ['text at 4096', { ...base, type: 'text', text: { body: s(4096) } }],
    ['text without type (defaults to text)', { ...base, text: { body: 'x' } }],
    [
      'order_details (Meta accepts it, Tsunagi does not send it)',
      interactive({ type: 'order_details', body: { text: 'Pay' }, action: { name: 'review_and_pay' } }),
    ],
    [
      'list body at 4096 with 10 rows over sections',
      list(
        [
          { title: 'A', rows: rows(5, 'a') },
          { title: 'B', rows: rows(5, 'b') },
        ],
        { body: { text: s(4096) } },
      ),
    ],
    [
      '3 reply buttons at the limits',
      buttons([1, 2, 3].map((i) => ({ id: s(256, String(i)), title: s(20, String(i)) }))),
    ],
    [
      '30 products in 10 sections',
      productList(Array.from({ length: 10 }, (_, i) => ({ title: `S${i}`, product_items: products(3) }))),
    ],
    [
      '257 contacts',
      {
        ...base,
        type: 'contacts',
        contacts: Array.from({ length: 257 }, () => ({ name: { formatted_name: 'X' } })),
      },
    ],
    [
      'full order_update',
      orderUpdate([
        header1,
        body3,
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: 0,
          parameters: [{ type: 'payload', payload: 'STOP' }],
        },
        url1,
      ]),
    ],
    [
      'named params in any order',
      template({
        name: 'promo_named',
        language: { code: 'ja' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'code', text: 'B' },
              { type: 'text', parameter_name: 'first_name', text: '花子' },
            ],
          },
        ],
      }),
    ],
    [
      'named header parameter',
      template({
        name: 'season_named',
        language: { code: 'ja' },
        components: [
          { type: 'header', parameters: [{ type: 'text', parameter_name: 'season', text: '春' }] },
        ],
      }),
    ],
    [
      'image header by link',
      template({
        name: 'pic_header',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.jpg' } }] },
        ],
      }),
    ],
    [
      'currency and date_time body params',
      orderUpdate([
        header1,
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'A' },
            { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } },
            { type: 'date_time', date_time: { fallback_value: 'Feb 25' } },
          ],
        },
        url1,
      ]),
    ],
  ];
  it.each(accepted)('accepts %s', async (_name, body) => {
    await h.server.sim.reset();
    const r = await h.send(body);
    expect(r.body).not.toHaveProperty('error');
    expect(r.status).toBe(200);
  });
});
