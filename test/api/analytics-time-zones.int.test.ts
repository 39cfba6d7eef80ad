import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  HeatmapAnalytics,
  MessagingAnalytics,
  ServiceAnalytics,
} from '../../src/contracts/analytics.schemas.ts';
import { refreshWorkspace } from '../../src/server/modules/analytics/analytics-refresh.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { createTestApp, seedInboundConversation, seedPhoneNumber, type TestApp } from '../support/app.ts';

/**
 * Day buckets and heatmap hours computed in SQL agree with the pure rules across local midnight and daylight saving
 * (America/New_York, 2026-03-08: 02:00 EST → 03:00 EDT), and a workspace's figures never include another's.
 */
describe('analytics in the workspace time zone', () => {
  let t: TestApp;
  let ny: { workspaceId: string; auth: { authorization: string } };
  let tokyo: { workspaceId: string; auth: { authorization: string } };

  async function workspace(name: string, timezone: string) {
    const ws = await createWorkspace(t.ctx.db, t.clock, { name, timezone });
    return { workspaceId: ws.workspaceId, auth: { authorization: `Bearer ${ws.apiKey}` } };
  }
  async function inbound(workspaceId: string, waId: string, iso: string) {
    const number = await seedPhoneNumber(t.ctx, workspaceId);
    await seedInboundConversation(t.ctx, { workspaceId, phoneNumberId: number.id, waId, at: new Date(iso) });
  }
  const get = async <T>(auth: { authorization: string }, url: string) =>
    (await t.app.inject({ method: 'GET', url, headers: auth })).json() as T;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-10T00:00:00.000Z' });
    ny = await workspace('New York', 'America/New_York');
    tokyo = await workspace('Tokyo', 'Asia/Tokyo');
    // New York: Saturday 23:30 EST, Sunday 00:30 EST, Sunday 03:30 EDT (02:xx does not exist that day).
    await inbound(ny.workspaceId, '12125550001', '2026-03-08T04:30:00Z');
    await inbound(ny.workspaceId, '12125550002', '2026-03-08T05:30:00Z');
    await inbound(ny.workspaceId, '12125550003', '2026-03-08T07:30:00Z');
    // Tokyo: the same instants are Sunday 13:30, 14:30 and 16:30; plus 23:59:59 and 00:00:00 across midnight.
    await inbound(tokyo.workspaceId, '819000000001', '2026-03-08T04:30:00Z');
    await inbound(tokyo.workspaceId, '819000000002', '2026-03-08T14:59:59Z');
    await inbound(tokyo.workspaceId, '819000000003', '2026-03-08T15:00:00Z');
    for (const ws of [ny, tokyo]) await refreshWorkspace({ db: t.ctx.db, clock: t.clock }, ws.workspaceId);
  });
  afterAll(async () => t.close());

  it('buckets days in New York across the DST change', async () => {
    const m = await get<MessagingAnalytics>(
      ny.auth,
      '/api/v1/analytics/messaging?from=2026-03-07&to=2026-03-09',
    );
    expect(m.range.timeZone).toBe('America/New_York');
    expect(m.series.map((d) => [d.date, d.inbound])).toEqual([
      ['2026-03-07', 1],
      ['2026-03-08', 2],
      ['2026-03-09', 0],
    ]);
    const h = await get<HeatmapAnalytics>(ny.auth, '/api/v1/analytics/heatmap?from=2026-03-07&to=2026-03-09');
    expect(h.cells.filter((c) => c.count > 0)).toEqual([
      { weekday: 6, hour: 23, count: 1 },
      { weekday: 7, hour: 0, count: 1 },
      { weekday: 7, hour: 3, count: 1 },
    ]);
    const s = await get<ServiceAnalytics>(ny.auth, '/api/v1/analytics/service?from=2026-03-08&to=2026-03-08');
    // The Saturday case is backlog when Sunday starts; two new cases on Sunday.
    expect(s.totals).toMatchObject({ newCases: 2, backlogStart: 1, backlogEnd: 3 });
  });

  it('buckets days in Tokyo across midnight, and keeps workspaces apart', async () => {
    const m = await get<MessagingAnalytics>(
      tokyo.auth,
      '/api/v1/analytics/messaging?from=2026-03-08&to=2026-03-09',
    );
    expect(m.series.map((d) => [d.date, d.inbound])).toEqual([
      ['2026-03-08', 2],
      ['2026-03-09', 1],
    ]);
    const h = await get<HeatmapAnalytics>(
      tokyo.auth,
      '/api/v1/analytics/heatmap?from=2026-03-08&to=2026-03-09',
    );
    expect(h.cells.filter((c) => c.count > 0)).toEqual([
      { weekday: 1, hour: 0, count: 1 },
      { weekday: 7, hour: 13, count: 1 },
      { weekday: 7, hour: 23, count: 1 },
    ]);
    expect(h.total).toBe(3);
  });
});
