import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto } from '../../src/contracts/api.schemas.ts';
import { callbackDataFor } from '../../src/server/modules/messages/message-status.rules.ts';
import { Dispatcher, WIRE_MARK_VALID_MS } from '../../src/server/pipeline/dispatcher.ts';
import { acquireNumberLease, releaseNumberLease } from '../../src/server/pipeline/outbox.repository.ts';
import type { GraphClient } from '../../src/server/whatsapp/graph-client.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/**
 * The outbound pipeline against the simulator over real HTTP: retries, backoff by error class, the window at
 * send time, and reconciliation of sends whose outcome was lost.
 */
describe('dispatcher', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };
  let seq = 0;

  beforeAll(async () => {
    s = await startTestTsunagi({ statusDelaysMs: { sent: 0, delivered: 0, read: null } });
    number = await s.addNumber({ phoneNumberId: '100000000000301' });
  });
  afterAll(async () => s?.close());
  beforeEach(async () => {
    s.t.simulator!.resetFaults();
  });

  /** A customer writes in (opening the window) and we get their conversation. */
  async function customer(): Promise<{ conv: ConversationDto; waId: string }> {
    const waId = `8190555${String(++seq).padStart(5, '0')}`;
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: waId,
      name: `客 ${seq}`,
      message: { type: 'text', text: { body: 'もしもし' } },
    });
    await s.t.drain();
    const list = await s.api<{ data: ConversationDto[] }>('GET', `/api/v1/conversations?limit=100`);
    const conv = list.body.data.find((c) => c.contact?.waId === waId);
    if (!conv) throw new Error('conversation not created');
    return { conv, waId };
  }

  const send = (convId: string, body: unknown) =>
    s.api<MessageDto>('POST', `/api/v1/conversations/${convId}/messages`, body);
  const get = async (id: string) => (await s.api<MessageDto>('GET', `/api/v1/messages/${id}`)).body;
  const sentTo = (waId: string) => s.t.simulator!.sent({ phoneNumberId: number.phoneNumberId, to: waId });

  it('hands a number over with the instant its last holder’s sends stop counting, only to another worker', async () => {
    const db = s.t.ctx.db;
    const lease = (owner: string) =>
      acquireNumberLease(db, {
        phoneNumberId: number.id,
        owner,
        now: s.clock.now(),
        until: new Date(s.clock.nowMs() + 15_000),
      });
    const quietAt = Date.now() + 800;
    expect(await lease('worker-a')).toEqual({ handedOverQuietAt: null });
    expect(await lease('worker-b'), 'held by another worker').toBeNull();
    await releaseNumberLease(db, { phoneNumberId: number.id, owner: 'worker-a', quietAt });
    // The same worker's pacer saw its own sends: nothing to wait for.
    expect(await lease('worker-a')).toEqual({ handedOverQuietAt: null });
    await releaseNumberLease(db, { phoneNumberId: number.id, owner: 'worker-a', quietAt });
    expect(await lease('worker-b')).toEqual({ handedOverQuietAt: quietAt });
    // A renewal by the new holder has nothing to wait for any more.
    expect(await lease('worker-b')).toEqual({ handedOverQuietAt: null });
    await releaseNumberLease(db, { phoneNumberId: number.id, owner: 'worker-b', quietAt: -Infinity });
    expect(await lease('worker-a')).toEqual({ handedOverQuietAt: null });
    await releaseNumberLease(db, { phoneNumberId: number.id, owner: 'worker-a', quietAt: -Infinity });
  });

  it('retries server errors with backoff and sends exactly once when the API recovers', async () => {
    const { conv, waId } = await customer();
    s.t.simulator!.setFaults({ errorRate: 1, errorCodes: [131000], seed: 1 });
    const msg = (await send(conv.id, { type: 'text', text: { body: 'retry me' } })).body;
    await s.t.dispatcher.drain();
    let row = await get(msg.id);
    expect(row.status).toBe('queued');
    expect(row.error?.code).toBe(131000);
    expect(sentTo(waId)).toHaveLength(0);

    s.t.simulator!.resetFaults();
    await s.t.dispatcher.drain(); // backoff not yet elapsed: nothing happens
    expect(sentTo(waId)).toHaveLength(0);
    s.clock.advance(2000);
    await s.t.drain();
    row = await get(msg.id);
    expect(['accepted', 'sent', 'delivered']).toContain(row.status);
    expect(sentTo(waId)).toHaveLength(1);
  });

  it('never retries a permanent error', async () => {
    const { conv, waId } = await customer();
    const msg = (
      await send(conv.id, {
        type: 'template',
        template: { name: 'no_such_template', language: { code: 'en_US' } },
      })
    ).body;
    await s.t.drain();
    const row = await get(msg.id);
    expect(row.status).toBe('failed');
    expect(row.error?.code).toBe(132001);
    s.clock.advance(3600_000);
    await s.t.drain();
    expect((await get(msg.id)).status).toBe('failed');
    expect(sentTo(waId)).toHaveLength(0);
  });

  it('backs off the recipient on the pair rate limit (131056) without holding up others', async () => {
    const a = await customer();
    const b = await customer();
    s.t.simulator!.setFaults({ errorRate: 1, errorCodes: [131056], seed: 2 });
    const m1 = (await send(a.conv.id, { type: 'text', text: { body: 'to a' } })).body;
    await s.t.dispatcher.drain();
    expect((await get(m1.id)).status).toBe('queued');
    s.t.simulator!.resetFaults();
    const m2 = (await send(b.conv.id, { type: 'text', text: { body: 'to b' } })).body;
    await s.t.dispatcher.drain();
    expect(['accepted', 'sent', 'delivered']).toContain((await get(m2.id)).status);
    expect((await get(m1.id)).status).toBe('queued');
    s.clock.advance(1000);
    await s.t.drain();
    expect(sentTo(a.waId)).toHaveLength(1);
  });

  it('pauses the number on throughput errors (130429) and resumes after the backoff', async () => {
    const { conv, waId } = await customer();
    s.t.simulator!.setFaults({ errorRate: 1, errorCodes: [130429], seed: 3 });
    const msgs = [];
    for (let i = 0; i < 10; i++)
      msgs.push((await send(conv.id, { type: 'text', text: { body: `burst ${i}` } })).body);
    await s.t.dispatcher.drain();
    // After the first 130429 the number pauses: only the sends already in flight were attempted.
    const attempted = (await Promise.all(msgs.map((m) => get(m.id)))).filter((m) => m.error?.code === 130429);
    expect(attempted.length).toBeGreaterThanOrEqual(1);
    expect(attempted.length).toBeLessThan(msgs.length);
    s.t.simulator!.resetFaults();
    s.clock.advance(1000);
    await s.t.drain();
    expect(sentTo(waId)).toHaveLength(msgs.length);
  });

  it('does not send free-form text queued in the window once the window has closed', async () => {
    const { conv, waId } = await customer();
    const msg = (await send(conv.id, { type: 'text', text: { body: 'too late' } })).body;
    s.clock.advance(24 * 3600_000 + 1);
    await s.t.drain();
    const row = await get(msg.id);
    expect(row.status).toBe('failed');
    expect(row.error?.title).toBe('window_closed');
    expect(sentTo(waId)).toHaveLength(0);
    expect(s.t.simulator!.violations()).toEqual([]);
  });

  it('reconciles a send whose outcome was lost from its status webhook instead of resending', async () => {
    const { conv, waId } = await customer();
    const db = s.t.ctx.db;
    const lost = (await send(conv.id, { type: 'text', text: { body: 'sent before the crash' } })).body;
    const never = (await send(conv.id, { type: 'text', text: { body: 'never reached Meta' } })).body;
    // Simulate a process that claimed both, put both on the wire, sent the first, and died before recording
    // anything (the second request died with it).
    await db
      .updateTable('messages')
      .set({
        status: 'sending',
        lease_owner: 'dead-worker',
        lease_expires_at: new Date(s.clock.nowMs() - 1),
        wire_at: new Date(s.clock.nowMs() - 1000),
      })
      .where('id', 'in', [lost.id, never.id])
      .execute();
    const res = await fetch(`${s.t.url}/simulator/graph/v23.0/${number.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer EAAG-test-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        to: waId,
        type: 'text',
        text: { body: 'sent before the crash' },
        biz_opaque_callback_data: callbackDataFor(lost.id),
      }),
    });
    expect(res.status).toBe(200);
    await s.t.drain(); // the 'sent' status webhook arrives and settles `lost` by our id
    expect(['sent', 'delivered']).toContain((await get(lost.id)).status);
    expect((await get(never.id)).status).toBe('sending');

    const before = await metric('tsunagi_outbound_possible_duplicates_total');
    s.clock.advance(s.t.ctx.config.reconcileTimeoutSeconds * 1000 + 1);
    await s.t.drain();
    expect(['accepted', 'sent', 'delivered']).toContain((await get(never.id)).status);
    const bodies = sentTo(waId).map(
      (r) => (r.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data,
    );
    expect(bodies.filter((b) => b === callbackDataFor(lost.id))).toHaveLength(1);
    expect(bodies.filter((b) => b === callbackDataFor(never.id))).toHaveLength(1);
    expect((await metric('tsunagi_outbound_possible_duplicates_total')) - before).toBe(1);
  });

  /** Queues `n` template messages (no window needed) on the number `pnid` to `waId`; their ids in order. */
  async function queueTemplates(pnid: string, waId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await s.api<{ id: string }>('POST', '/api/v1/messages', {
        phoneNumberId: pnid,
        to: '+' + waId,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    return ids;
  }

  /** How many times each message reached the simulator (by our `biz_opaque_callback_data`). */
  function sendsPerMessage(pnid: string, ids: string[]): number[] {
    const bodies = s.t
      .simulator!.sent({ phoneNumberId: pnid })
      .map((r) => (r.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data);
    return ids.map((id) => bodies.filter((b) => b === callbackDataFor(id)).length);
  }

  it('requeues a dead worker’s claims that never went on the wire as soon as their lease expires', async () => {
    const other = await s.addNumber({ phoneNumberId: '100000000000303', mps: 10 });
    const waId = '819055500303';
    const ids = await queueTemplates(other.phoneNumberId, waId, 3);
    const [onWire, ...claimedOnly] = ids as [string, ...string[]];
    // A worker claimed all three (lease 10 s), marked only the first on the wire, and died.
    await s.t.ctx.db
      .updateTable('messages')
      .set({
        status: 'sending',
        lease_owner: 'dead-worker',
        lease_expires_at: new Date(s.clock.nowMs() + 10_000),
      })
      .where('id', 'in', ids)
      .execute();
    await s.t.ctx.db
      .updateTable('messages')
      .set({ wire_at: s.clock.now() })
      .where('id', '=', onWire)
      .execute();
    const before = await metric('tsunagi_outbound_possible_duplicates_total');
    await s.t.drain();
    expect(sendsPerMessage(other.phoneNumberId, ids)).toEqual([0, 0, 0]); // claims still held
    s.clock.advance(10_001);
    await s.t.drain();
    // The two claims never on the wire are sent at once; the one on the wire waits for reconciliation.
    expect(sendsPerMessage(other.phoneNumberId, ids)).toEqual([0, 1, 1]);
    for (const id of claimedOnly) expect(['accepted', 'sent', 'delivered']).toContain((await get(id)).status);
    expect((await get(onWire)).status).toBe('sending');
    expect(await metric('tsunagi_outbound_possible_duplicates_total')).toBe(before);
    s.clock.advance(s.t.ctx.config.reconcileTimeoutSeconds * 1000);
    await s.t.drain();
    expect(sendsPerMessage(other.phoneNumberId, ids)).toEqual([1, 1, 1]);
    expect((await metric('tsunagi_outbound_possible_duplicates_total')) - before).toBe(1);
  });

  it('never sends a claim it no longer holds: a pump stalled past its claim lease skips what another worker took', async () => {
    const other = await s.addNumber({ phoneNumberId: '100000000000302', mps: 10 });
    const waId = '819055500302';
    const ids = await queueTemplates(other.phoneNumberId, waId, 10);
    // Worker A's first HTTP call hangs until the test lets it go; with one request in flight at a time, its pump
    // stalls there holding the rest of its claimed batch (one message marked on the wire ahead, eight only claimed).
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const hanging = new Promise<void>((resolve) => (entered = resolve));
    const base = s.t.ctx.graph;
    let calls = 0;
    const stalled: GraphClient = {
      ...base,
      sendMessage: async (target, body) => {
        if (calls++ === 0) {
          entered();
          await gate;
        }
        return base.sendMessage(target, body);
      },
    };
    const deps = {
      db: s.t.ctx.db,
      clock: s.clock,
      logger: s.t.ctx.logger,
      metrics: s.t.ctx.metrics,
      secrets: s.t.ctx.secrets,
      reconcileTimeoutMs: s.t.ctx.config.reconcileTimeoutSeconds * 1000,
    };
    const a = new Dispatcher({ ...deps, graph: stalled, workerId: 'worker-a', maxInFlightPerNumber: 1 });
    const b = new Dispatcher({ ...deps, graph: base, workerId: 'worker-b' });
    const aDone = a.drain();
    await hanging;
    const wireMarks = async () =>
      (
        await s.t.ctx.db
          .selectFrom('messages')
          .select('id')
          .where('id', 'in', ids)
          .where('wire_at', 'is not', null)
          .execute()
      ).length;
    for (let i = 0; i < 1000 && (await wireMarks()) < 2; i++) await new Promise((r) => setImmediate(r));
    expect(await wireMarks()).toBe(2);

    // A stalls for 20 s of the fake clock: past its claim lease (14 s) and its number lease (15 s). Worker B puts
    // the claims A never put on the wire back in the queue, takes the number and sends them.
    s.clock.advance(20_000);
    await b.drain();
    expect(sendsPerMessage(other.phoneNumberId, ids)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);

    // A wakes up: its hanging call completes; the message it had marked ahead is older than a mark may be
    // (WIRE_MARK_VALID_MS) and goes back to the queue; the rest are not its claims any more and are not sent.
    expect(20_000).toBeGreaterThan(WIRE_MARK_VALID_MS);
    release();
    await aDone;
    await b.drain();
    expect(sendsPerMessage(other.phoneNumberId, ids)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    for (const id of ids) expect(['accepted', 'sent', 'delivered']).toContain((await get(id)).status);
    expect(s.t.simulator!.violations()).toEqual([]);
  });

  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${s.t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(name + ' '));
    return line ? Number(line.split(' ')[1]) : 0;
  }
});
