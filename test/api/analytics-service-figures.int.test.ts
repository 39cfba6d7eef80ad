import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceAnalytics, ServiceFigures } from '../../src/contracts/analytics.schemas.ts';
import { BusinessHoursSchema } from '../../src/contracts/business-hours.schemas.ts';
import { newId } from '../../src/lib/ids.ts';
import { businessMs, localDate } from '../../src/server/modules/analytics/analytics-time.rules.ts';
import { percentile } from '../../src/server/modules/analytics/service-cases.rules.ts';
import {
  CompiledAutomationCache,
  saveAutomation,
} from '../../src/server/modules/automation/automation-config.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { createTestApp, seedInboundConversation, seedPhoneNumber, type TestApp } from '../support/app.ts';

const TZ = 'Asia/Tokyo';
const HOURS = BusinessHoursSchema.parse({
  timeZone: TZ,
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '10:00', close: '19:00' }]]),
  ),
});

/** A service case as stored in `analytics_cases` (the columns the service figures read). */
interface Case {
  conversation_id: string;
  seq: number;
  phone_number_id: string;
  agent_id: string | null;
  reopened: boolean;
  started_at: Date;
  start_day: string;
  fr: number | null;
  frB: number | null;
  any: number | null;
  anyB: number | null;
  answered_turns: number;
  resp: number;
  respB: number;
  human_replies: number;
  bot_replies: number;
  resolved_at: Date | null;
  resolved_day: string | null;
  res: number | null;
  resB: number | null;
}

/**
 * The service endpoint's figures against a count by hand from the stored cases (the definitions of docs/metrics.md,
 * with the pure `percentile` twin of `percentile_cont`): 120 cases over three weeks, two numbers, two agents and
 * unassigned cases, resolved and open, answered and not (some unanswered for longer than the target only in clock
 * time), so the breakdowns by agent and number, the previous period, business-hours figures and the business-hours
 * SLA could each come out differently if a query grouped, filtered or decided a case wrongly.
 */
describe('analytics service figures against a hand count', () => {
  let t: TestApp;
  let workspaceId: string;
  let auth: { authorization: string };
  const cases: Case[] = [];
  const NOW = new Date('2026-03-09T01:30:00.000Z'); // Monday 10:30 in Tokyo
  const TARGET = 3600;

  beforeAll(async () => {
    t = await createTestApp({ now: NOW.toISOString() });
    const w = await createWorkspace(t.ctx.db, t.clock, { name: 'Figures', timezone: TZ });
    workspaceId = w.workspaceId;
    auth = { authorization: `Bearer ${w.apiKey}` };
    const numbers = [
      (await seedPhoneNumber(t.ctx, workspaceId)).id,
      (await seedPhoneNumber(t.ctx, workspaceId)).id,
    ];
    await saveAutomation(
      { db: t.ctx.db, clock: t.clock, cache: new CompiledAutomationCache(1) },
      { workspaceId, authorUserId: null, config: { businessHours: HOURS } },
    );
    const agents = [newId(), newId(), null];
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const first = new Date('2026-02-22T15:00:00.000Z').getTime(); // 2026-02-23 00:00 Tokyo
    for (let i = 0; i < 12; i++) {
      const c = await seedInboundConversation(t.ctx, {
        workspaceId,
        phoneNumberId: numbers[i % 2] as string,
        waId: `8190111130${String(i).padStart(2, '0')}`,
        at: new Date(first),
      });
      for (let seq = 0; seq < 10; seq++) {
        // Four unanswered cases start on Sunday (closed): past the target in clock time, not in business time.
        const startedMs =
          seq === 9 && i < 4
            ? new Date('2026-03-08T03:00:00.000Z').getTime() + 3_600_000 * i
            : first + Math.floor(rnd() * (NOW.getTime() - first));
        const started = new Date(startedMs);
        const answered = rnd() < 0.7 && !(seq === 9 && i < 4);
        const fr = answered ? Math.round(rnd() * 20_000_000) / 1000 : null;
        const frB = fr === null ? null : Math.round(fr * rnd() * 1000) / 1000;
        const bot = rnd() < 0.3;
        const any =
          fr === null
            ? bot
              ? Math.round(rnd() * 5_000_000) / 1000
              : null
            : Math.round(fr * rnd() * 1000) / 1000;
        const resolvedMs = rnd() < 0.5 ? startedMs + Math.floor(rnd() * 3 * 86_400_000) : null;
        const resolved = resolvedMs !== null && resolvedMs < NOW.getTime() ? new Date(resolvedMs) : null;
        const res = resolved ? (resolved.getTime() - started.getTime()) / 1000 : null;
        cases.push({
          conversation_id: c.conversationId,
          seq,
          phone_number_id: numbers[(i + seq) % 2] as string,
          agent_id: fr === null ? null : (agents[Math.floor(rnd() * 3)] ?? null),
          reopened: seq > 0,
          started_at: started,
          start_day: localDate(started, TZ),
          fr,
          frB,
          any,
          anyB: any === null ? null : Math.round(any * rnd() * 1000) / 1000,
          answered_turns: fr === null ? 0 : 1 + Math.floor(rnd() * 3),
          resp: fr === null ? 0 : Math.round(rnd() * 4000) / 4,
          respB: fr === null ? 0 : Math.round(rnd() * 2000) / 4,
          human_replies: fr === null ? 0 : 1,
          bot_replies: bot ? 1 : 0,
          resolved_at: resolved,
          resolved_day: resolved ? localDate(resolved, TZ) : null,
          res,
          resB: res === null ? null : Math.round(res * rnd() * 1000) / 1000,
        });
      }
    }
    await t.ctx.db.deleteFrom('analytics_cases').where('workspace_id', '=', workspaceId).execute();
    await t.ctx.db
      .insertInto('analytics_cases')
      .values(
        cases.map((c) => ({
          workspace_id: workspaceId,
          conversation_id: c.conversation_id,
          seq: c.seq,
          phone_number_id: c.phone_number_id,
          reopened: c.reopened,
          started_at: c.started_at,
          start_day: c.start_day,
          agent_id: c.agent_id,
          first_response_seconds: c.fr,
          first_response_business_seconds: c.frB,
          first_any_response_seconds: c.any,
          first_any_response_business_seconds: c.anyB,
          turns: c.answered_turns + 1,
          answered_turns: c.answered_turns,
          response_seconds_total: c.resp,
          response_business_seconds_total: c.respB,
          human_replies: c.human_replies,
          bot_replies: c.bot_replies,
          resolved_at: c.resolved_at,
          resolved_day: c.resolved_day,
          resolution_seconds: c.res,
          resolution_business_seconds: c.resB,
        })),
      )
      .execute();
  });
  afterAll(async () => t?.close());

  /** The figures of the cases a filter keeps, counted by hand. */
  function expected(
    keep: (c: Case) => boolean,
    from: string,
    to: string,
    business: boolean,
    slaBusiness: boolean,
  ): ServiceFigures {
    const started = cases.filter((c) => keep(c) && c.start_day >= from && c.start_day <= to);
    const resolved = cases.filter(
      (c) => keep(c) && c.resolved_day !== null && c.resolved_day >= from && c.resolved_day <= to,
    );
    const values = (f: (c: Case) => number | null, of: Case[]) =>
      of.map(f).filter((v): v is number => v !== null);
    const stats = (v: number[]) => ({ count: v.length, median: percentile(v, 0.5), p90: percentile(v, 0.9) });
    const fr = values((c) => (business ? c.frB : c.fr), started);
    const any = values((c) => (business ? c.anyB : c.any), started);
    const res = values((c) => (business ? c.resB : c.res), resolved);
    const turns = started.reduce((n, c) => n + c.answered_turns, 0);
    const respTotal = started.reduce((n, c) => n + (business ? c.respB : c.resp), 0);
    let met = 0;
    let missed = 0;
    let pending = 0;
    for (const c of started) {
      const slaFr = slaBusiness ? c.frB : c.fr;
      const waited = slaBusiness
        ? businessMs(HOURS, c.started_at, NOW)
        : NOW.getTime() - c.started_at.getTime();
      if (slaFr !== null && slaFr <= TARGET) met++;
      else if (slaFr !== null) missed++;
      else if (waited > TARGET * 1000) missed++;
      else pending++;
    }
    const automationOnly = resolved.filter((c) => c.human_replies === 0 && c.bot_replies > 0).length;
    return {
      newCases: started.length,
      reopenedCases: started.filter((c) => c.reopened).length,
      resolvedCases: resolved.length,
      firstResponse: stats(fr),
      firstResponseAny: stats(any),
      averageResponseSeconds: turns > 0 ? respTotal / turns : null,
      resolution: stats(res),
      automationOnlyShare: resolved.length > 0 ? automationOnly / resolved.length : null,
      sla: { met, missed, pending, attainment: met + missed > 0 ? met / (met + missed) : null },
    };
  }

  const backlogAt = (at: Date) =>
    cases.filter((c) => c.started_at < at && (c.resolved_at === null || c.resolved_at >= at)).length;

  async function check(businessHours: boolean, slaBusinessHours: boolean) {
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/analytics/settings',
      headers: auth,
      payload: { firstResponseTargetSeconds: TARGET, slaBusinessHours },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analytics/service?from=2026-03-02&to=2026-03-08&compare=previous&businessHours=${businessHours}`,
      headers: auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as ServiceAnalytics;
    const figures = (keep: (c: Case) => boolean, from: string, to: string) =>
      expected(keep, from, to, businessHours, slaBusinessHours);
    const start = new Date('2026-03-01T15:00:00.000Z');
    const end = new Date('2026-03-08T15:00:00.000Z');
    const previousStart = new Date('2026-02-22T15:00:00.000Z');
    expect(body.totals).toEqual({
      ...figures(() => true, '2026-03-02', '2026-03-08'),
      backlogStart: backlogAt(start),
      backlogEnd: backlogAt(end),
    });
    expect(body.previous?.totals).toEqual({
      ...figures(() => true, '2026-02-23', '2026-03-01'),
      backlogStart: backlogAt(previousStart),
      backlogEnd: backlogAt(start),
    });
    for (const [series, firstDay] of [
      [body.series, '2026-03-02'],
      [body.previous?.series ?? [], '2026-02-23'],
    ] as const) {
      expect(series).toHaveLength(7);
      series.forEach((d, i) => {
        const dayEnd = new Date(new Date(`${firstDay}T00:00:00+09:00`).getTime() + (i + 1) * 86_400_000);
        expect(d).toEqual({
          date: localDate(new Date(dayEnd.getTime() - 1), TZ),
          newCases: cases.filter((c) => c.start_day === d.date).length,
          resolvedCases: cases.filter((c) => c.resolved_day === d.date).length,
          backlog: backlogAt(dayEnd),
        });
      });
    }
    // Agents in id order, the cases without a human reply last; numbers in id order.
    const inRange = (c: Case) =>
      (c.start_day >= '2026-03-02' && c.start_day <= '2026-03-08') ||
      (c.resolved_day !== null && c.resolved_day >= '2026-03-02' && c.resolved_day <= '2026-03-08');
    const agentIds = [...new Set(cases.filter(inRange).map((c) => c.agent_id))].sort((a, b) =>
      a === null ? 1 : b === null ? -1 : a < b ? -1 : 1,
    );
    expect(body.byAgent.map((a) => a.agentId)).toEqual(agentIds);
    for (const a of body.byAgent) {
      const { agentId, name, ...f } = a;
      expect(name).toBeNull();
      expect(f).toEqual(figures((c) => c.agent_id === agentId, '2026-03-02', '2026-03-08'));
    }
    const numberIds = [...new Set(cases.filter(inRange).map((c) => c.phone_number_id))].sort();
    expect(body.byNumber.map((n) => n.phoneNumberId)).toEqual(numberIds);
    for (const n of body.byNumber) {
      const { phoneNumberId, ...f } = n;
      expect(f).toEqual(figures((c) => c.phone_number_id === phoneNumberId, '2026-03-02', '2026-03-08'));
    }
    return body;
  }

  it('in clock time, with the SLA in clock time', async () => {
    const body = await check(false, false);
    expect(body.totals.sla.missed).toBeGreaterThan(0);
    expect(body.totals.resolution.count).toBeGreaterThan(0);
    expect(body.byAgent.length).toBe(3);
  });

  it('in business time, with the SLA in business time', async () => {
    const body = await check(true, true);
    // Some unanswered cases have waited past the target in clock time but not in business time.
    const clock = expected(() => true, '2026-03-02', '2026-03-08', true, false);
    expect(body.totals.sla.pending).toBeGreaterThan(clock.sla.pending);
  });

  it('in clock time, with the SLA in business time', async () => {
    await check(false, true);
  });
});
