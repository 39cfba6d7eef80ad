import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

const HOUR = 3600_000;
const template = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
const text = (body: string) => ({ type: 'text', text: { body } });

describe('REST messages', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let number: { id: string; phoneNumberId: string };
  let conversationId: string;
  let waCounter = 0;
  const nextWaId = () => `8190888800${String(waCounter++).padStart(2, '0')}`;

  const sendTo = (convId: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${convId}/messages`,
      headers: { ...ws.auth, ...headers },
      payload: body as Record<string, unknown>,
    });
  const sendNumber = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { ...ws.auth, ...headers },
      payload: body,
    });

  beforeAll(async () => {
    t = await createTestApp();
    ws = await seedWorkspace(t.ctx);
    number = await seedPhoneNumber(t.ctx, ws.workspaceId);
    ({ conversationId } = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: nextWaId(),
      name: '田中',
      at: new Date(t.clock.nowMs() - 1000),
    }));
  });
  afterAll(async () => t.close());

  it('queues a free-form reply inside the window: 202, status queued, origin api', async () => {
    const res = await sendTo(conversationId, {
      ...text('ご連絡ありがとうございます'),
      context: { message_id: 'wamid.X' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.json()).toMatchObject({
      conversationId,
      direction: 'outbound',
      type: 'text',
      status: 'queued',
      origin: 'api',
      content: {
        type: 'text',
        text: { body: 'ご連絡ありがとうございます' },
        context: { message_id: 'wamid.X' },
      },
    });
    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/messages/${res.json().id}`,
      headers: ws.auth,
    });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(res.json());
    expect(got.json().timestamps.queued).toBe(t.clock.now().toISOString());
  });

  it('validates message content against Cloud API limits, naming the field', async () => {
    const unknown = await sendTo(conversationId, { type: 'fax', fax: {} });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('validation_failed');
    const long = await sendTo(conversationId, text('x'.repeat(4097)));
    expect(long.json().error.message).toContain('text.body must be at most 4096 characters');
    const buttons = await sendTo(conversationId, {
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [] } },
    });
    expect(buttons.statusCode).toBe(400);
  });

  it('refuses free-form content outside the 24 h window with window_closed, accepts a template', async () => {
    const w = await seedWorkspace(t.ctx, 'Window');
    const n = await seedPhoneNumber(t.ctx, w.workspaceId);
    const { conversationId: conv } = await seedInboundConversation(t.ctx, {
      workspaceId: w.workspaceId,
      phoneNumberId: n.id,
      waId: nextWaId(),
      at: t.clock.now(),
    });
    const send = (body: unknown) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${conv}/messages`,
        headers: w.auth,
        payload: body as Record<string, unknown>,
      });
    t.clock.advance(23 * HOUR);
    expect((await send(text('still open'))).statusCode).toBe(202);
    t.clock.advance(1 * HOUR + 1);
    const closed = await send(text('too late'));
    expect(closed.statusCode).toBe(422);
    expect(closed.json().error).toMatchObject({
      code: 'window_closed',
      details: { hint: expect.any(String) },
    });
    expect(
      (await send({ type: 'image', image: { link: 'https://example.com/a.png' } })).json().error.code,
    ).toBe('window_closed');
    const tpl = await send(template);
    expect(tpl.statusCode).toBe(202);
    expect(tpl.json()).toMatchObject({ type: 'template', status: 'queued' });
  });

  it('POST /api/v1/messages: a contact who never wrote gets only a template; contact and conversation are created', async () => {
    const to = '+81 90-8888-7777';
    const refused = await sendNumber({ phoneNumberId: number.id, to, ...text('hello') });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('window_closed');
    // The Cloud API's own body, as written for Meta, plus phoneNumberId (here the Cloud API id).
    const res = await sendNumber({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      phoneNumberId: number.phoneNumberId,
      to,
      ...template,
    });
    expect(res.statusCode).toBe(202);
    const msg = res.json();
    expect(msg.content).toEqual(template);
    const conv = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/conversations/${msg.conversationId}`,
        headers: ws.auth,
      })
    ).json();
    expect(conv).toMatchObject({
      phoneNumberId: number.id,
      windowOpen: false,
      contact: { phone: '+819088887777', waId: '819088887777' },
    });
    expect(conv.lastMessagePreview).toBe('[template: hello_world]');
  });

  it('POST /api/v1/messages: unknown sending number is not_found, a bad recipient is invalid_recipient', async () => {
    expect(
      (
        await sendNumber({
          phoneNumberId: '0190b6a4-0000-7000-8000-000000000000',
          to: '+819000000000',
          ...template,
        })
      ).json().error.code,
    ).toBe('not_found');
    const bad = await sendNumber({ phoneNumberId: number.id, to: 'not-a-number', ...template });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('invalid_recipient');
    const missing = await sendNumber({ ...template });
    expect(missing.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['/phoneNumberId', '/to']),
    );
  });

  describe('Idempotency-Key', () => {
    // A conversation whose window is open now (earlier tests move the clock).
    beforeAll(async () => {
      ({ conversationId } = await seedInboundConversation(t.ctx, {
        workspaceId: ws.workspaceId,
        phoneNumberId: number.id,
        waId: nextWaId(),
        at: t.clock.now(),
      }));
    });

    it('same key and body: the same message, 200 with Idempotent-Replayed: true', async () => {
      const key = 'order-1001-confirmation';
      const first = await sendTo(conversationId, text('Order 1001 confirmed'), { 'idempotency-key': key });
      expect(first.statusCode).toBe(202);
      const again = await sendTo(conversationId, text('Order 1001 confirmed'), { 'idempotency-key': key });
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      const rows = await t.ctx.db
        .selectFrom('messages')
        .select('id')
        .where('workspace_id', '=', ws.workspaceId)
        .where('idempotency_key', '=', key)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('same key with a different body: 422 idempotency_key_reused', async () => {
      const key = 'reused-key';
      expect((await sendTo(conversationId, text('one'), { 'idempotency-key': key })).statusCode).toBe(202);
      const res = await sendTo(conversationId, text('two'), { 'idempotency-key': key });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('idempotency_key_reused');
      const other = await sendNumber(
        { phoneNumberId: number.id, to: '+819088887777', ...template },
        { 'idempotency-key': key },
      );
      expect(other.json().error.code).toBe('idempotency_key_reused');
    });

    it('concurrent duplicates make one row', async () => {
      const key = 'concurrent-key';
      const results = await Promise.all(
        [...Array(6).keys()].map(() =>
          sendNumber(
            { phoneNumberId: number.id, to: '+819011119999', ...template },
            { 'idempotency-key': key },
          ),
        ),
      );
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 202)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
      const rows = await t.ctx.db
        .selectFrom('messages')
        .select('id')
        .where('workspace_id', '=', ws.workspaceId)
        .where('idempotency_key', '=', key)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('a key longer than 255 characters is a validation error on the header', async () => {
      const res = await sendTo(conversationId, text('x'), { 'idempotency-key': 'k'.repeat(256) });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.issues[0].path).toBe('/idempotency-key');
    });
  });

  it("lists a conversation's messages newest first, paging back with a cursor", async () => {
    const w = await seedWorkspace(t.ctx, 'History');
    const n = await seedPhoneNumber(t.ctx, w.workspaceId);
    const { conversationId: conv, messageId: inbound } = await seedInboundConversation(t.ctx, {
      workspaceId: w.workspaceId,
      phoneNumberId: n.id,
      waId: nextWaId(),
      at: t.clock.now(),
    });
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      t.clock.advance(1000);
      sent.push(
        (
          await t.app.inject({
            method: 'POST',
            url: `/api/v1/conversations/${conv}/messages`,
            headers: w.auth,
            payload: text(`reply ${i}`),
          })
        ).json().id,
      );
    }
    const expected = [...sent].reverse().concat(inbound);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url = `/api/v1/conversations/${conv}/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: w.auth });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { data: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...page.data.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
    const first = (
      await t.app.inject({ method: 'GET', url: `/api/v1/messages/${inbound}`, headers: w.auth })
    ).json();
    expect(first).toMatchObject({
      direction: 'inbound',
      status: 'received',
      origin: 'customer',
      type: 'text',
    });
    expect(first.timestamps.whatsapp).toBeTruthy();
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/conversations/0190b6a4-0000-7000-8000-000000000000/messages',
          headers: w.auth,
        })
      ).statusCode,
    ).toBe(404);
  });
});
