import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagingAnalytics, ServiceAnalytics } from '../../src/contracts/analytics.schemas.ts';
import { newId } from '../../src/lib/ids.ts';
import { refreshWorkspace } from '../../src/server/modules/analytics/analytics-refresh.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { createTestApp, seedInboundConversation, seedPhoneNumber, type TestApp } from '../support/app.ts';

const DAY = '2026-03-02';

/**
 * The team and tag filters of the service figures (the dashboard's filters): three cases started on one day, one in
 * the Support team's queue, one whose contact is tagged VIP, one with neither; another workspace's team and tag never
 * match. Messaging figures are per number and day, so these filters leave them whole.
 */
describe('analytics service figures by team and tag', () => {
  let t: TestApp;
  let ws: { workspaceId: string; auth: { authorization: string } };
  let other: { workspaceId: string; auth: { authorization: string } };
  const teamId = newId();
  const otherTeamId = newId();

  const workspace = async (name: string) => {
    const w = await createWorkspace(t.ctx.db, t.clock, { name, timezone: 'Asia/Tokyo' });
    return { workspaceId: w.workspaceId, auth: { authorization: `Bearer ${w.apiKey}` } };
  };
  const get = async <T>(auth: { authorization: string }, url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  };
  const newCases = async (auth: { authorization: string }, filter: string) =>
    (await get<ServiceAnalytics>(auth, `/api/v1/analytics/service?from=${DAY}&to=${DAY}${filter}`)).totals
      .newCases;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-03T00:00:00.000Z' });
    ws = await workspace('Filters');
    other = await workspace('Other');
    const number = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const at = (hh: string) => new Date(`${DAY}T${hh}:00:00+09:00`);
    const support = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '819011112001',
      at: at('10'),
    });
    const vip = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '819011112002',
      at: at('11'),
    });
    await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '819011112003',
      at: at('12'),
    });
    const now = t.clock.now();
    await t.ctx.db
      .insertInto('teams')
      .values([
        { id: teamId, workspace_id: ws.workspaceId, name: 'Support', created_at: now, updated_at: now },
        {
          id: otherTeamId,
          workspace_id: other.workspaceId,
          name: 'Support',
          created_at: now,
          updated_at: now,
        },
      ])
      .execute();
    await t.ctx.db
      .updateTable('conversations')
      .set({ team_id: teamId })
      .where('id', '=', support.conversationId)
      .execute();
    await t.ctx.db
      .insertInto('contact_tags')
      .values({ workspace_id: ws.workspaceId, contact_id: vip.contactId, tag: 'VIP', created_at: now })
      .execute();
    await refreshWorkspace({ db: t.ctx.db, clock: t.clock }, ws.workspaceId);
  });
  afterAll(async () => t.close());

  it('counts only the cases of the team or the tag, and nothing for another workspace', async () => {
    expect(await newCases(ws.auth, '')).toBe(3);
    expect(await newCases(ws.auth, `&teamId=${teamId}`)).toBe(1);
    expect(await newCases(ws.auth, '&tag=VIP')).toBe(1);
    expect(await newCases(ws.auth, `&teamId=${teamId}&tag=VIP`)).toBe(0);
    expect(await newCases(ws.auth, '&tag=nobody')).toBe(0);
    expect(await newCases(ws.auth, `&teamId=${otherTeamId}`)).toBe(0);
    expect(await newCases(other.auth, '&tag=VIP')).toBe(0);
    const service = await get<ServiceAnalytics>(
      ws.auth,
      `/api/v1/analytics/service?from=${DAY}&to=${DAY}&tag=VIP&compare=previous`,
    );
    expect(service.totals.backlogEnd).toBe(1);
    expect(service.byNumber).toEqual([expect.objectContaining({ newCases: 1 })]);
    expect(service.series).toEqual([{ date: DAY, newCases: 1, resolvedCases: 0, backlog: 1 }]);
  });

  it('leaves the messaging figures whole and refuses a malformed team', async () => {
    const m = await get<MessagingAnalytics>(
      ws.auth,
      `/api/v1/analytics/messaging?from=${DAY}&to=${DAY}&tag=VIP`,
    );
    expect(m.totals.inbound).toBe(3);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analytics/service?teamId=support`,
      headers: ws.auth,
    });
    expect(bad.statusCode).toBe(400);
  });
});
