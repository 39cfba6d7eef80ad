import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, NUMBER, VERSION, messagesOf, startHarness, statusesOf, text } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const inbound = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  h.control('POST', '/inbound', {
    phoneNumberId: NUMBER.phoneNumberId,
    from: CUSTOMER,
    name: 'Sheena',
    message,
    ...extra,
  });

describe('inbound messages', () => {
  it('delivers every §3.5 type in the webhook shape, filling context.from and unsupported errors', async () => {
    const first = await inbound({ type: 'text', text: { body: 'hi' } });
    const cases: Record<string, unknown>[] = [
      {
        type: 'image',
        image: { id: '1003383421387256', mime_type: 'image/jpeg', sha256: 'abc=', caption: 'Taj' },
      },
      { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz' } },
      {
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Barbara' }, phones: [{ phone: '+1 415', wa_id: '1415' }] }],
      },
      {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
        context: { id: 'wamid.business' },
      },
      {
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row', description: 'd' } },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"t"}' },
        },
      },
      { type: 'button', button: { payload: 'STOP', text: 'Stop' }, context: { id: 'wamid.tpl' } },
      { type: 'reaction', reaction: { message_id: first.body.wamid, emoji: '😮' } },
      {
        type: 'order',
        order: {
          catalog_id: '1',
          product_items: [{ product_retailer_id: 'a', quantity: 2, item_price: 30, currency: 'USD' }],
        },
      },
      {
        type: 'text',
        text: { body: 'from an ad' },
        referral: { source_url: 'https://fb.me/x', source_type: 'ad', ctwa_clid: 'abc' },
      },
      { type: 'unsupported' },
    ];
    for (const m of cases) expect((await inbound(m)).status).toBe(200);
    await h.server.sim.flush();
    const msgs = messagesOf(h.receiver.hits);
    expect(msgs).toHaveLength(cases.length + 1);
    for (const m of msgs)
      expect(m).toMatchObject({
        from: CUSTOMER,
        id: expect.stringMatching(/^wamid\./),
        timestamp: '1767571200',
      });
    expect(msgs[4]).toMatchObject({
      context: { from: '15550783881', id: 'wamid.business' },
      interactive: { type: 'button_reply' },
    });
    expect(msgs[10]).toMatchObject({ referral: { ctwa_clid: 'abc' }, text: { body: 'from an ad' } });
    expect(msgs[11]).toMatchObject({ type: 'unsupported', errors: [{ code: 131051 }] });
    expect(h.receiver.hits[0]?.json.entry[0]?.changes[0]?.value.contacts).toEqual([
      { profile: { name: 'Sheena' }, wa_id: CUSTOMER },
    ]);
  });

  it('system messages carry no contacts and do not open the window', async () => {
    await inbound({
      type: 'system',
      system: { body: 'User changed number', wa_id: '12195555358', type: 'user_changed_number' },
    });
    await h.server.sim.flush();
    expect(h.receiver.hits[0]?.json.entry[0]?.changes[0]?.value).not.toHaveProperty('contacts');
    await h.send(text(CUSTOMER));
    await h.server.sim.flush();
    expect(h.server.sim.violations().map((v) => v.kind)).toEqual(['outside_window']);
  });

  it('validates control bodies strictly', async () => {
    expect((await inbound({ type: 'text', text: { body: 'x' } }, { phoneNumberId: '404' })).status).toBe(404);
    expect((await inbound({ type: 'text', text: {} })).status).toBe(400);
    expect((await inbound({ type: 'text', text: { body: 'x' } }, { unexpected: true })).status).toBe(400);
    expect((await inbound({ type: 'sms', sms: {} })).status).toBe(400);
    expect((await h.control('POST', '/numbers', { phoneNumberId: '1' })).body).toMatchObject({
      error: { code: 'invalid_request' },
    });
    expect((await h.control('POST', '/customers', { waId: 'abc' })).status).toBe(400);
  });

  it('shows both directions of a conversation in order', async () => {
    await inbound({ type: 'text', text: { body: 'hi' } });
    h.clock.advance(1000);
    await h.send(text(CUSTOMER, 'hello back'));
    h.clock.advance(1000);
    await h.server.sim.flush();
    const r = await h.control(
      'GET',
      `/conversations?phoneNumberId=${NUMBER.phoneNumberId}&customer=${CUSTOMER}`,
    );
    expect(r.body).toMatchObject({
      count: 2,
      messages: [
        {
          direction: 'inbound',
          type: 'text',
          message: { text: { body: 'hi' } },
          at: '2026-01-05T00:00:00.000Z',
        },
        {
          direction: 'outbound',
          type: 'text',
          message: { text: { body: 'hello back' } },
          status: 'delivered',
          statuses: [{ status: 'sent' }, { status: 'delivered' }],
        },
      ],
    });
  });
});

describe('templates and objects over the Graph API', () => {
  const path = `/${VERSION}/${NUMBER.wabaId}/message_templates`;

  it('lists hello_world, creates templates and pages through them', async () => {
    const list = await h.graph('GET', path);
    expect(list.body).toMatchObject({
      data: [
        {
          name: 'hello_world',
          language: 'en_US',
          category: 'UTILITY',
          status: 'APPROVED',
          components: [{ type: 'BODY', text: 'Hello World' }],
          id: expect.any(String),
        },
      ],
      paging: { cursors: { before: expect.any(String), after: expect.any(String) } },
    });
    const created = await h.graph('POST', path, {
      name: 'shipping_update',
      language: 'ja',
      category: 'utility',
      components: [{ type: 'BODY', text: '{{1}}様、ご注文は{{2}}に発送されました。' }],
    });
    expect(created.body).toEqual({ id: expect.any(String), status: 'PENDING', category: 'UTILITY' });
    const page1 = await h.graph('GET', `${path}?limit=1&fields=name,status`);
    expect(page1.body.data).toEqual([{ name: 'hello_world', status: 'APPROVED', id: expect.any(String) }]);
    const next = (page1.body.paging as { next: string }).next;
    const page2 = await fetch(next, { headers: { authorization: `Bearer ${NUMBER.accessToken}` } }).then(
      (r) => r.json() as Promise<{ data: unknown[]; paging: { next?: string } }>,
    );
    expect(page2).toMatchObject({ data: [{ name: 'shipping_update' }] });
    expect(page2.paging.next).toBeUndefined();

    const dup = await h.graph('POST', path, {
      name: 'shipping_update',
      language: 'ja',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'x' }],
    });
    expect(dup.body).toMatchObject({ error: { code: 100, error_subcode: 2388024 } });
    const badName = await h.graph('POST', path, {
      name: 'Bad Name',
      language: 'ja',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'x' }],
    });
    expect(badName.body).toMatchObject({
      error: { code: 100, error_data: { details: expect.stringContaining('name') } },
    });
    expect((await h.graph('GET', path, undefined, 'other')).status).toBe(401);
    expect((await h.graph('DELETE', `${path}?name=shipping_update`)).body).toEqual({ success: true });
  });

  it('emits message_template_status_update and blocks sends of paused templates', async () => {
    await h.control('POST', '/templates/status', {
      wabaId: NUMBER.wabaId,
      name: 'hello_world',
      language: 'en_US',
      status: 'PAUSED',
    });
    await h.server.sim.flush();
    const change = h.receiver.hits[0]?.json.entry[0]?.changes[0];
    expect(change).toMatchObject({
      field: 'message_template_status_update',
      value: { event: 'PAUSED', message_template_name: 'hello_world' },
    });
    const r = await h.send({
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(r.body).toMatchObject({ error: { code: 132015 } });
    expect(statusesOf(h.receiver.hits)).toEqual([]);
  });

  it('describes a phone number', async () => {
    const r = await h.graph(
      'GET',
      `/${VERSION}/${NUMBER.phoneNumberId}?fields=display_phone_number,throughput`,
    );
    expect(r.body).toEqual({
      display_phone_number: NUMBER.displayPhoneNumber,
      throughput: { level: 'STANDARD' },
      id: NUMBER.phoneNumberId,
    });
  });
});
