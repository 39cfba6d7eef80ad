import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, NUMBER, VERSION, startHarness, statusesOf, text } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('send acceptance and the service window', () => {
  it('accepts a text inside the window with the §1.11 shape, then sent → delivered → read as the clock advances', async () => {
    await h.inbound();
    await h.server.sim.flush();
    h.receiver.hits.length = 0;

    const r = await h.send(text(`+${CUSTOMER}`, 'hello', { biz_opaque_callback_data: 'ref-1' }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }],
      messages: [{ id: expect.stringMatching(/^wamid\.HBg[A-Za-z0-9+/=]+$/) }],
    });
    const wamid = (r.body.messages as { id: string }[])[0]?.id;

    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits).map((s) => s.status)).toEqual(['sent']);
    h.clock.advance(1000);
    await h.server.sim.flush();
    h.clock.advance(2000);
    await h.server.sim.flush();
    const statuses = statusesOf(h.receiver.hits);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    const [sent, delivered, read] = statuses;
    expect(sent).toMatchObject({
      id: wamid,
      recipient_id: CUSTOMER,
      timestamp: String(Date.parse('2026-01-05T00:00:00Z') / 1000),
      biz_opaque_callback_data: 'ref-1',
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
      conversation: { origin: { type: 'service' }, expiration_timestamp: expect.any(String) },
    });
    expect(delivered?.pricing).toBeDefined();
    expect(read?.pricing).toBeUndefined();
    expect(read?.timestamp).toBe(String(Date.parse('2026-01-05T00:00:03Z') / 1000));
    const entry = h.receiver.hits[0]?.json.entry[0];
    expect(entry?.id).toBe(NUMBER.wabaId);
    expect(entry?.changes[0]?.field).toBe('messages');
    expect(entry?.changes[0]?.value.metadata).toEqual({
      display_phone_number: '15550783881',
      phone_number_id: NUMBER.phoneNumberId,
    });
    expect(h.server.sim.violations()).toEqual([]);
  });

  it('omits conversation for v24+ versions', async () => {
    await h.inbound();
    const r = await h.graph('POST', `/v24.0/${NUMBER.phoneNumberId}/messages`, text(CUSTOMER));
    expect(r.status).toBe(200);
    await h.server.sim.flush();
    const sent = statusesOf(h.receiver.hits)[0];
    expect(sent?.status).toBe('sent');
    expect(sent?.pricing).toBeDefined();
    expect(sent).not.toHaveProperty('conversation');
  });

  it('accepts free-form outside the window, then fails it with 131047 and records a violation', async () => {
    const r = await h.send(text(CUSTOMER));
    expect(r.status).toBe(200);
    await h.server.sim.flush();
    const [failed] = statusesOf(h.receiver.hits);
    expect(failed).toMatchObject({
      status: 'failed',
      recipient_id: CUSTOMER,
      errors: [{ code: 131047, title: 'Re-engagement message' }],
    });
    expect(failed).not.toHaveProperty('pricing');
    const v = await h.control('GET', '/violations');
    expect(v.body).toMatchObject({
      count: 1,
      violations: [{ kind: 'outside_window', phoneNumberId: NUMBER.phoneNumberId, to: CUSTOMER }],
    });
  });

  it('closes the window 24 h after the last inbound message', async () => {
    await h.inbound();
    h.clock.advance(24 * 3600 * 1000 - 1);
    await h.send(text(CUSTOMER));
    h.clock.advance(1);
    await h.send(text(CUSTOMER));
    await h.server.sim.flush();
    expect(h.server.sim.violations().map((v) => v.kind)).toEqual(['outside_window']);
  });

  it('accepts hello_world anywhere with message_status accepted and regular utility pricing', async () => {
    const r = await h.send({
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(r.status).toBe(200);
    expect((r.body.messages as unknown[])[0]).toMatchObject({ message_status: 'accepted' });
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits)[0]?.pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'utility',
    });
    expect(h.server.sim.violations()).toEqual([]);
  });

  it('prices a utility template inside the window as free_customer_service', async () => {
    await h.inbound();
    await h.send({
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits)[0]?.pricing).toMatchObject({
      type: 'free_customer_service',
      category: 'utility',
    });
  });

  it('sends only "sent" for reactions and never reads when read delay is null', async () => {
    const wamid = await h.inbound();
    await h.send({
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'reaction',
      reaction: { message_id: wamid, emoji: '👍' },
    });
    h.clock.advance(10_000);
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits).map((s) => s.status)).toEqual(['sent']);
  });

  it('answers mark-as-read and typing indicators with success', async () => {
    const wamid = await h.inbound();
    expect((await h.send({ messaging_product: 'whatsapp', status: 'read', message_id: wamid })).body).toEqual(
      { success: true },
    );
    const typing = await h.send({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid,
      typing_indicator: { type: 'text' },
    });
    expect(typing.body).toEqual({ success: true });
    const conv = await h.control(
      'GET',
      `/conversations?phoneNumberId=${NUMBER.phoneNumberId}&customer=${CUSTOMER}`,
    );
    expect((conv.body.messages as { readAt?: string }[])[0]?.readAt).toBeDefined();
  });

  it('lets the customer read a message now through the control API', async () => {
    await h.inbound();
    const r = await h.send(text(CUSTOMER));
    const wamid = (r.body.messages as { id: string }[])[0]?.id;
    const read = await h.control('POST', '/read', { phoneNumberId: NUMBER.phoneNumberId, wamid });
    expect(read.status).toBe(200);
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits).map((s) => s.status)).toEqual(['sent', 'read']);
    expect(statusesOf(h.receiver.hits)[1]?.pricing).toBeDefined();
    h.clock.advance(5000);
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits)).toHaveLength(2);
    expect((await h.control('POST', '/read', { phoneNumberId: NUMBER.phoneNumberId, wamid })).status).toBe(
      409,
    );
  });
});

describe('auth and unknown objects', () => {
  it('rejects a missing or wrong token with 190 / HTTP 401', async () => {
    for (const token of [null, 'nope']) {
      const r = await h.graph('POST', `/${VERSION}/${NUMBER.phoneNumberId}/messages`, text(CUSTOMER), token);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({
        error: { code: 190, type: 'OAuthException', fbtrace_id: expect.any(String) },
      });
    }
  });

  it('rejects an unknown phone number id with 100/33 / HTTP 400', async () => {
    const r = await h.graph('POST', `/${VERSION}/999999/messages`, text(CUSTOMER));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 100, error_subcode: 33, type: 'GraphMethodException' } });
  });
});

describe('limits and recipient state', () => {
  it('answers 130429 at mps+1 within one second, and recovers after the window slides', async () => {
    await h.control('POST', '/numbers', { ...NUMBER, mps: 5 });
    const results: number[] = [];
    for (let i = 0; i < 6; i++)
      results.push(
        (
          await h.send({
            messaging_product: 'whatsapp',
            to: `1650555${String(1000 + i)}`,
            type: 'template',
            template: { name: 'hello_world', language: { code: 'en_US' } },
          })
        ).status,
      );
    expect(results).toEqual([200, 200, 200, 200, 200, 400]);
    const last = await h.send(text('16505559999'));
    expect(last.body).toMatchObject({ error: { code: 130429 } });
    expect(h.server.sim.violations().map((v) => v.kind)).toEqual(['throughput', 'throughput']);
    expect(h.server.sim.sent()).toHaveLength(5);
    h.clock.advance(1000);
    expect((await h.send(text('16505559999'))).status).toBe(200);
  });

  it('answers 131056 when the pair bucket is empty and refills at one per 6 s', async () => {
    await h.inbound();
    for (let i = 0; i < 45; i++) expect((await h.send(text(CUSTOMER, `m${i}`))).status).toBe(200);
    const r = await h.send(text(CUSTOMER, 'one too many'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 131056, error_data: { messaging_product: 'whatsapp' } } });
    expect(h.server.sim.violations()).toMatchObject([{ kind: 'pair_rate', to: CUSTOMER }]);
    expect(h.server.sim.sent({ to: CUSTOMER })).toHaveLength(45);
    expect((await h.send(text('16505550000'))).status).toBe(200);
    h.clock.advance(6000);
    expect((await h.send(text(CUSTOMER, 'after refill'))).status).toBe(200);
  });

  it('fails unreachable recipients with 131026 (prefix 999 and control-registered)', async () => {
    await h.control('POST', '/customers', { waId: '16505550100', status: 'unreachable' });
    const tpl = (to: string) => ({
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect((await h.send(tpl('9991234567'))).status).toBe(200);
    expect((await h.send(tpl('16505550100'))).status).toBe(200);
    await h.server.sim.flush();
    const failed = statusesOf(h.receiver.hits);
    expect(failed.map((s) => [s.status, (s.errors as { code: number }[])[0]?.code])).toEqual([
      ['failed', 131026],
      ['failed', 131026],
    ]);
  });

  it('opt-out emits user_preferences, then a marketing template fails with 131050 and is a violation', async () => {
    await h.control('POST', '/templates', {
      wabaId: NUMBER.wabaId,
      name: 'summer_sale',
      language: 'en_US',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Sale! {{1}} off' }],
    });
    const o = await h.control('POST', '/opt-out', {
      phoneNumberId: NUMBER.phoneNumberId,
      waId: CUSTOMER,
      category: 'marketing',
    });
    expect(o.status).toBe(200);
    await h.server.sim.flush();
    const pref = h.receiver.hits[0]?.json.entry[0]?.changes[0];
    expect(pref?.field).toBe('user_preferences');
    expect(pref?.value.user_preferences).toMatchObject([
      { wa_id: CUSTOMER, value: 'stop', category: 'marketing_messages' },
    ]);

    const r = await h.send({
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'template',
      template: {
        name: 'summer_sale',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: '20%' }] }],
      },
    });
    expect(r.status).toBe(200);
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits)[0]).toMatchObject({ status: 'failed', errors: [{ code: 131050 }] });
    expect(h.server.sim.violations()).toMatchObject([
      { kind: 'marketing_opt_out', details: 'marketing to a user who opted out' },
    ]);
    // Utility templates still go through.
    await h.send({
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits)[1]?.status).toBe('sent');
  });

  it('enforces the messaging limit on unique recipients outside the window', async () => {
    await h.control('POST', '/numbers', { ...NUMBER, messagingLimit: 2 });
    const tpl = (to: string) => ({
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    for (const to of ['16505550001', '16505550002', '16505550001', '16505550003'])
      expect((await h.send(tpl(to))).status).toBe(200);
    await h.server.sim.flush();
    expect(statusesOf(h.receiver.hits).map((s) => s.status)).toEqual(['sent', 'sent', 'sent', 'failed']);
    expect(h.server.sim.violations().map((v) => v.kind)).toEqual(['messaging_limit']);
    h.clock.advance(24 * 3600 * 1000);
    const again = await h.send(tpl('16505550003'));
    const wamid = (again.body.messages as { id: string }[])[0]?.id;
    await h.server.sim.flush();
    expect(
      statusesOf(h.receiver.hits)
        .filter((s) => s.id === wamid)
        .map((s) => s.status),
    ).toEqual(['sent']);
  });

  it('keeps the sent log queryable by number, recipient, since and limit', async () => {
    await h.inbound();
    await h.send(text(CUSTOMER, 'a'));
    h.clock.advance(10_000);
    await h.send(text(CUSTOMER, 'b'));
    await h.send({
      messaging_product: 'whatsapp',
      to: '16505557777',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    const all = await h.control('GET', `/sent?phoneNumberId=${NUMBER.phoneNumberId}`);
    expect(all.body.count).toBe(3);
    const mine = await h.control('GET', `/sent?to=%2B${CUSTOMER}&since=2026-01-05T00:00:05.000Z`);
    expect(mine.body).toMatchObject({
      count: 1,
      sent: [
        {
          to: CUSTOMER,
          phoneNumberId: NUMBER.phoneNumberId,
          body: { text: { body: 'b' } },
          acceptedAt: '2026-01-05T00:00:10.000Z',
        },
      ],
    });
    const last = await h.control('GET', '/sent?limit=1');
    expect(last.body).toMatchObject({ count: 3, sent: [{ to: '16505557777' }] });
    expect((await h.control('GET', '/sent?limit=abc')).status).toBe(400);
  });

  it('reset clears sent log and violations but keeps numbers', async () => {
    await h.send(text(CUSTOMER));
    await h.control('POST', '/reset');
    expect((await h.control('GET', '/sent')).body.count).toBe(0);
    expect((await h.control('GET', '/violations')).body.count).toBe(0);
    expect((await h.control('GET', '/numbers')).body.numbers).toHaveLength(1);
  });
});
