import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  HeatmapAnalytics,
  MessagingAnalytics,
  NumbersAnalytics,
  ServiceAnalytics,
} from '../../src/contracts/analytics.schemas.ts';
import {
  rebuildWorkspace,
  refreshWorkspace,
} from '../../src/server/modules/analytics/analytics-refresh.service.ts';
import { seedApiKey } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const text = (body: string) => ({ type: 'text' as const, text: { body } });
const DAY = '2026-03-02';

/**
 * A small history made through the real API and the simulator over HTTP (fake clock, Monday 2026-03-02 10:00 in
 * Tokyo): replies, statuses duplicated, reordered, without `delivered`, arriving after a refresh; a refused send;
 * a resolution and a reopening. The API's figures for the day must equal a hand count from the messages table, the
 * incremental refresh must equal a rebuild, and access follows roles.
 */
describe('analytics API', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };
  const conversations = new Map<string, string>();
  const deps = () => ({ db: s.t.ctx.db, clock: s.clock });

  async function customer(from: string, body: string) {
    s.t.simulator!.inbound({ phoneNumberId: number.phoneNumberId, from, message: text(body) as never });
    await s.t.drain();
    const list = await s.api<{ data: Array<{ id: string; contact: { waId: string } }> }>(
      'GET',
      '/api/v1/conversations?limit=100',
    );
    for (const c of list.body.data) conversations.set(c.contact.waId, c.id);
  }
  const reply = (to: string, body: string) =>
    s.api('POST', `/api/v1/conversations/${conversations.get(to)}/messages`, text(body));
  const get = <T>(path: string, headers?: Record<string, string>) =>
    s.api<T>('GET', path, undefined, headers);

  beforeAll(async () => {
    s = await startTestTsunagi({ statusDelaysMs: { sent: 0, delivered: 1000, read: 2000 } });
    number = await s.addNumber();
    // A: writes at 10:00, answered 60 s later; statuses arrive in order.
    await customer('819011110001', 'A: こんにちは');
    s.clock.advance(60_000);
    expect((await reply('819011110001', 'A: いらっしゃいませ')).status).toBe(202);
    await s.t.drain();
    s.clock.advance(3000);
    await s.t.drain();
    // B: answered after 120 s; its webhooks are duplicated and reordered, and `delivered` never comes.
    await customer('819011110002', 'B: 質問です');
    s.clock.advance(120_000);
    s.t.simulator!.setFaults({
      duplicateWebhookRate: 1,
      reorderWebhooks: true,
      dropStatuses: ['delivered'],
      seed: 7,
    });
    expect((await reply('819011110002', 'B: お答えします')).status).toBe(202);
    await s.t.drain();
    s.clock.advance(3000);
    await s.t.drain();
    s.t.simulator!.resetFaults();
    // C: the reply is refused by the Cloud API (131047): failed, never sent, not a response.
    await customer('819011110003', 'C: もしもし');
    s.clock.advance(30_000);
    s.t.simulator!.setFaults({ errorRate: 1, errorCodes: [131047] });
    await reply('819011110003', 'C: 返信');
    await s.t.drain();
    s.t.simulator!.resetFaults();
    // A's conversation is resolved 10 min after it started, then A writes again (a reopening).
    s.clock.advance(5 * 60_000);
    const resolved = await s.api('PATCH', `/api/v1/conversations/${conversations.get('819011110001')}`, {
      status: 'resolved',
    });
    expect(resolved.status).toBe(200);
    s.clock.advance(60_000);
    await customer('819011110001', 'A: もう一つ');
    await refreshWorkspace(deps(), s.workspaceId);
  });
  afterAll(async () => s?.close());

  /** The day's figures counted by hand from the raw messages table. */
  async function handCount() {
    const rows = await s.t.ctx.db
      .selectFrom('messages')
      .select(['direction', 'status', 'wamid', 'error_code'])
      .where('workspace_id', '=', s.workspaceId)
      .execute();
    const out = rows.filter((r) => r.direction === 'outbound');
    return {
      sent: out.filter((r) => r.wamid !== null).length,
      delivered: out.filter((r) => r.status === 'delivered' || r.status === 'read').length,
      read: out.filter((r) => r.status === 'read').length,
      failed: out.filter((r) => r.status === 'failed').length,
      inbound: rows.length - out.length,
      failedCodes: out.filter((r) => r.status === 'failed').map((r) => r.error_code),
    };
  }

  it("matches a hand count of the day's messages (duplicated, reordered and missing statuses included)", async () => {
    const res = await get<MessagingAnalytics>(`/api/v1/analytics/messaging?from=${DAY}&to=${DAY}`);
    expect(res.status).toBe(200);
    const hand = await handCount();
    expect(hand).toEqual({ sent: 2, delivered: 2, read: 2, failed: 1, inbound: 4, failedCodes: [131047] });
    expect(res.body.totals).toMatchObject({
      sent: hand.sent,
      delivered: hand.delivered,
      read: hand.read,
      failed: hand.failed,
      inbound: hand.inbound,
      deliveryRate: 1,
      readRate: 1,
    });
    // Both delivered replies were followed by a customer message within 24 h? Only A's (A wrote again).
    expect(res.body.totals.replied).toBe(1);
    expect(res.body.totals.replyRate).toBe(0.5);
    expect(res.body.failures).toEqual([
      { code: 131047, title: 'Re-engagement message', category: 'policy', failed: 1 },
    ]);
    expect(res.body.series).toHaveLength(1);
    expect(res.body.byNumber).toEqual([expect.objectContaining({ phoneNumberId: number.id, sent: 2 })]);
  });

  it('measures service cases: reopenings, first responses, resolution, backlog', async () => {
    const res = await get<ServiceAnalytics>(`/api/v1/analytics/service?from=${DAY}&to=${DAY}`);
    expect(res.status).toBe(200);
    const t = res.body.totals;
    expect(t).toMatchObject({
      newCases: 4,
      reopenedCases: 1,
      resolvedCases: 1,
      backlogStart: 0,
      backlogEnd: 3,
    });
    // First human responses: A 60 s, B 120 s (C's reply failed; A's second case is unanswered).
    expect(t.firstResponse).toEqual({ count: 2, median: 90, p90: 114 });
    expect(t.averageResponseSeconds).toBe(90);
    // A: started 10:00:00, resolved 60 + 3 + 120 + 3 + 30 + 300 s later.
    expect(t.resolution).toMatchObject({ count: 1, median: 516 });
    expect(t.automationOnlyShare).toBe(0);
    // Default target 1 h: A and B met; C and A's reopening still within the target (pending).
    expect(t.sla).toEqual({ met: 2, missed: 0, pending: 2, attainment: 1 });
    expect(res.body.series).toEqual([{ date: DAY, newCases: 4, resolvedCases: 1, backlog: 3 }]);
  });

  it('puts inbound messages in the local weekday × hour (Monday 10:00 Tokyo)', async () => {
    const res = await get<HeatmapAnalytics>(`/api/v1/analytics/heatmap?from=${DAY}&to=${DAY}`);
    expect(res.body.cells).toHaveLength(168);
    expect(res.body.total).toBe(4);
    expect(res.body.cells.filter((c) => c.count > 0)).toEqual([{ weekday: 1, hour: 10, count: 4 }]);
  });

  it('reports number health and compares with the previous period', async () => {
    const res = await get<NumbersAnalytics>(
      `/api/v1/analytics/numbers?from=${DAY}&to=${DAY}&compare=previous`,
    );
    expect(res.body.numbers).toEqual([
      expect.objectContaining({
        phoneNumberId: number.id,
        mps: 80,
        sent: 2,
        previous: expect.objectContaining({ sent: 0 }),
      }),
    ]);
    const m = await get<MessagingAnalytics>(
      `/api/v1/analytics/messaging?from=${DAY}&to=${DAY}&compare=previous`,
    );
    expect(m.body.previous?.range).toMatchObject({ from: '2026-03-01', to: '2026-03-01' });
  });

  it('stays exact when a status arrives after a refresh, and equals a rebuild from facts', async () => {
    // D is answered; the statuses arrive only after a refresh ran.
    await customer('819011110004', 'D: こんにちは');
    await reply('819011110004', 'D: はい');
    await s.t.drain();
    await refreshWorkspace(deps(), s.workspaceId);
    const before = await get<MessagingAnalytics>(`/api/v1/analytics/messaging?from=${DAY}&to=${DAY}`);
    expect(before.body.totals).toMatchObject({ sent: 3, read: 2 });
    s.clock.advance(3000);
    await s.t.drain();
    await refreshWorkspace(deps(), s.workspaceId);
    // A second refresh with nothing new changes nothing.
    await refreshWorkspace(deps(), s.workspaceId);
    const after = await get<MessagingAnalytics>(`/api/v1/analytics/messaging?from=${DAY}&to=${DAY}`);
    const hand = await handCount();
    expect(after.body.totals).toMatchObject({ sent: hand.sent, delivered: hand.delivered, read: hand.read });
    expect(hand.read).toBe(3);
    const service = await get<ServiceAnalytics>(`/api/v1/analytics/service?from=${DAY}&to=${DAY}`);
    await rebuildWorkspace(deps(), s.workspaceId);
    expect((await get(`/api/v1/analytics/messaging?from=${DAY}&to=${DAY}`)).body).toEqual(after.body);
    expect((await get(`/api/v1/analytics/service?from=${DAY}&to=${DAY}`)).body).toEqual(service.body);
  });

  it('is for owners, admins and analysts; settings are changed by admins; bad ranges are refused', async () => {
    const analyst = await seedApiKey(s.t.ctx, s.workspaceId, 'analyst');
    const agent = await seedApiKey(s.t.ctx, s.workspaceId, 'agent');
    const admin = await seedApiKey(s.t.ctx, s.workspaceId, 'admin');
    expect((await get('/api/v1/analytics/heatmap', analyst)).status).toBe(200);
    const forbidden = await get<{ error: { code: string } }>('/api/v1/analytics/service', agent);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    const settings = { firstResponseTargetSeconds: 100, slaBusinessHours: false };
    expect((await s.api('PUT', '/api/v1/analytics/settings', settings, analyst)).status).toBe(403);
    const saved = await s.api('PUT', '/api/v1/analytics/settings', settings, admin);
    expect(saved.body).toEqual(settings);
    // With a 100 s target: A (60 s) and D (0 s) met; B (120 s) missed, C (unanswered for 6 min) missed; A's
    // reopening, unanswered for a few seconds, is pending.
    const res = await get<ServiceAnalytics>(`/api/v1/analytics/service?from=${DAY}&to=${DAY}`);
    expect(res.body.totals.sla).toEqual({ met: 2, missed: 2, pending: 1, attainment: 0.5 });
    const bad = await get<{ error: { code: string; details: { issues: Array<{ path: string }> } } }>(
      '/api/v1/analytics/messaging?from=2026-03-05&to=2026-03-01',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await get('/api/v1/analytics/messaging?from=2026-02-30')).status).toBe(400);
    expect((await get('/api/v1/analytics/messaging?from=2025-01-01&to=2026-03-01')).status).toBe(400);
  });
});
