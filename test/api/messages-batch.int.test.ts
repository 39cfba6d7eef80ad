import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDto } from '../../src/contracts/api.schemas.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { seedApiKey } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129342001';
type Result = { index: number; id?: string; replayed?: boolean; error?: { code: string; message: string } };
type BatchBody = { results: Result[]; error?: { code: string } };

/** `POST /api/v1/messages/batch` over real HTTP on a fresh database, sends through the simulator. */
describe('messages batch API', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };
  const template = (name = 'order_shipped') => ({
    type: 'template',
    template: { name, language: { code: 'ja' } },
  });
  const batch = (messages: unknown[], headers: Record<string, string> = {}) =>
    s.api<BatchBody>('POST', '/api/v1/messages/batch', { messages }, headers);

  beforeAll(async () => {
    s = await startTestTsunagi();
    const sim = s.t.simulator!;
    sim.addTemplate(WABA, {
      name: 'order_shipped',
      language: 'ja',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'ご注文を発送しました。' }],
    });
    sim.addTemplate(WABA, {
      name: 'winter_sale',
      language: 'ja',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: '冬のセール開催中！' }],
    });
    number = await s.addNumber({ wabaId: WABA });
    const optedOut = await s.api('POST', '/api/v1/contacts', {
      phone: '+819022220009',
      consentState: 'opted_out',
    });
    expect(optedOut.status).toBe(201);
    await s.t.drain(); // the registration's template sync
  });
  afterAll(async () => s?.close());

  it('queues valid items in the bulk lane in one request; an invalid item fails only itself', async () => {
    const single = await s.api<MessageDto>(
      'POST',
      '/api/v1/messages',
      { phoneNumberId: number.phoneNumberId, to: '+819022220005', ...template() },
      { 'idempotency-key': 'crm-order-5' },
    );
    expect(single.status).toBe(202);
    const to = (n: number) => `+81902222000${n}`;
    const res = await batch([
      { phoneNumberId: number.phoneNumberId, to: to(1), idempotencyKey: 'crm-order-1', ...template() },
      { phoneNumberId: number.id, to: to(2), idempotencyKey: 'crm-order-2', ...template() },
      { phoneNumberId: number.phoneNumberId, idempotencyKey: 'crm-order-3', ...template() }, // no `to`
      {
        phoneNumberId: number.phoneNumberId,
        to: to(4),
        idempotencyKey: 'crm-order-4',
        type: 'text',
        text: { body: 'Hi' },
      },
      { phoneNumberId: number.phoneNumberId, to: to(5), idempotencyKey: 'crm-order-5', ...template() }, // sent before
      { phoneNumberId: number.phoneNumberId, to: to(6), idempotencyKey: 'crm-order-5', ...template() }, // other body
      { phoneNumberId: number.phoneNumberId, to: to(1), idempotencyKey: 'crm-order-1', ...template() }, // repeated
      { phoneNumberId: '999999999999999', to: to(7), idempotencyKey: 'crm-order-7', ...template() },
      { phoneNumberId: number.phoneNumberId, to: '+8190', idempotencyKey: 'crm-order-8', ...template() },
      {
        phoneNumberId: number.phoneNumberId,
        to: to(9),
        idempotencyKey: 'crm-order-9',
        ...template('winter_sale'),
      },
      { phoneNumberId: number.phoneNumberId, to: to(9), idempotencyKey: 'crm-order-10', ...template() },
      { phoneNumberId: number.phoneNumberId, to: to(1), idempotencyKey: 'campaign:x:y:0', ...template() },
      'not an object',
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const r = res.body.results;
    expect(r.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const code = (i: number) => r[i]?.error?.code ?? 'ok';
    expect(r.map((_, i) => code(i))).toEqual([
      'ok',
      'ok',
      'validation_failed',
      'window_closed',
      'ok',
      'idempotency_key_reused',
      'ok',
      'not_found',
      'invalid_recipient',
      'contact_opted_out', // a marketing template to an opted-out contact
      'ok', // a utility template to the same contact goes
      'validation_failed', // reserved key prefix
      'validation_failed',
    ]);
    expect(r[4]).toMatchObject({ id: single.body.id, replayed: true });
    expect(r[6]).toMatchObject({ id: r[0]?.id, replayed: true });
    expect(r[0]?.replayed).toBe(false);

    const ids = [r[0]?.id, r[1]?.id, r[10]?.id] as string[];
    const rows = await s.t.ctx.db
      .selectFrom('messages')
      .select(['id', 'lane', 'origin', 'status', 'idempotency_key'])
      .where('id', 'in', ids)
      .orderBy('idempotency_key')
      .execute();
    expect(rows).toHaveLength(3);
    expect(rows.every((m) => m.lane === 'bulk' && m.origin === 'api' && m.status === 'queued')).toBe(true);

    // The dispatcher sends them like any other message.
    await s.t.drain();
    await s.t.simulator!.flush();
    await s.t.drain();
    for (const n of [1, 2]) {
      const sent = s.t.simulator!.sent({ phoneNumberId: number.phoneNumberId, to: `81902222000${n}` });
      expect(sent.filter((x) => x.type === 'template')).toHaveLength(1);
    }
    const message = await s.api<MessageDto>('GET', `/api/v1/messages/${r[0]?.id}`);
    expect(message.body.status).not.toBe('queued');

    // The same batch again: every accepted item answers its original message, nothing new is queued.
    const again = await batch([
      { phoneNumberId: number.phoneNumberId, to: to(1), idempotencyKey: 'crm-order-1', ...template() },
      { phoneNumberId: number.id, to: to(2), idempotencyKey: 'crm-order-2', ...template() },
    ]);
    expect(again.body.results).toEqual([
      { index: 0, id: r[0]?.id, replayed: true },
      { index: 1, id: r[1]?.id, replayed: true },
    ]);
  });

  it('takes at most 1,000 items, in one transaction', async () => {
    const items = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({
        phoneNumberId: number.phoneNumberId,
        to: `+8190${String(30_000_000 + i)}`,
        idempotencyKey: `${prefix}-${i}`,
        ...template(),
      }));
    const tooMany = await batch(items(1001, 'big'));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.code).toBe('validation_failed');
    const full = await batch(items(1000, 'full'));
    expect(full.status).toBe(202);
    expect(full.body.results.filter((x) => x.id)).toHaveLength(1000);
    const count = await s.t.ctx.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('idempotency_key', 'like', 'full-%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1000);
    const contacts = await s.t.ctx.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('wa_id', 'like', '81903%')
      .executeTakeFirstOrThrow();
    expect(Number(contacts.n)).toBe(1000);
  });

  it('stores a batched text message searchable like one sent alone (its words find the conversation)', async () => {
    // A customer writes first, so a free-form text is inside the 24-hour window.
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819033330001',
      message: { type: 'text', text: { body: 'こんにちは' } } as never,
    });
    await s.t.drain();
    const res = await batch([
      {
        phoneNumberId: number.phoneNumberId,
        to: '+819033330001',
        idempotencyKey: 'restock-1',
        type: 'text',
        text: { body: '冬物コートの再入荷のお知らせ restock notice' },
      },
    ]);
    expect(res.body.results[0]?.error).toBeUndefined();
    const found = async (q: string) =>
      (
        await s.api<{ data: Array<{ contact: { waId: string } }> }>(
          'GET',
          `/api/v1/conversations?q=${encodeURIComponent(q)}`,
        )
      ).body.data.map((c) => c.contact.waId);
    for (const q of ['restock', '再入荷', 'さいにゅうか'])
      expect(await found(q), q).toEqual(['819033330001']);
  });

  it('answers concurrent requests with the same keys with one message per key', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({
      phoneNumberId: number.phoneNumberId,
      to: `+8190${String(31_000_000 + i)}`,
      idempotencyKey: `race-${i}`,
      ...template(),
    }));
    const [a, b] = await Promise.all([batch(items), batch(items)]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    const ids = (r: BatchBody) => r.results.map((x) => x.id);
    expect(ids(b.body)).toEqual(ids(a.body));
    expect(ids(a.body).every((id) => typeof id === 'string')).toBe(true);
    // One of the two created them, the other answered with the same messages.
    const replayed = [...a.body.results, ...b.body.results].filter((x) => x.replayed).length;
    expect(replayed).toBe(50);
    const count = await s.t.ctx.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('idempotency_key', 'like', 'race-%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(50);
  });

  it('is scoped to the workspace and needs a role that sends', async () => {
    const other = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other shop' });
    const res = await batch(
      [{ phoneNumberId: number.id, to: '+819022220001', idempotencyKey: 'crm-order-1', ...template() }],
      { authorization: `Bearer ${other.apiKey}` },
    );
    expect(res.status).toBe(202);
    // Another workspace's number is not found, and its keys are its own.
    expect(res.body.results[0]?.error?.code).toBe('not_found');
    const analyst = await seedApiKey(s.t.ctx, s.workspaceId, 'analyst');
    const denied = await batch(
      [{ phoneNumberId: number.id, to: '+819022220001', idempotencyKey: 'x', ...template() }],
      analyst,
    );
    expect(denied.status).toBe(403);
  });
});
