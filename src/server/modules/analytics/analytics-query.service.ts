/**
 * The analytics API's use cases: resolve the range in the workspace's time zone, read the rollups, derive rates
 * and shares with the pure rules, and add the previous period when asked. Figures: docs/metrics.md.
 */
import type {
  AnalyticsQuery,
  AnalyticsSettings,
  HeatmapAnalytics,
  MessagingAnalytics,
  MessagingFigures,
  NumbersAnalytics,
  ServiceAnalytics,
  ServiceFigures,
} from '../../../contracts/analytics.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { listPhoneNumbers } from '../phone-numbers/phone-numbers.repository.ts';
import {
  backlogAt,
  failuresByCode,
  getSettings,
  inboundHeatmap,
  messagingByDay,
  messagingByNumber,
  resolvedCohort,
  saveSettings,
  startedCohort,
  unansweredStarts,
  userNames,
  type CaseGrouping,
  type CohortSet,
  type CountsRow,
  type ResolvedCohortRow,
  type RollupScope,
  type StartedCohortRow,
} from './analytics-query.repository.ts';
import { workspaceBusinessHours } from './analytics-refresh.service.ts';
import { workspaceTimeZone } from './analytics-rollup.repository.ts';
import {
  addDays,
  businessMs,
  datesOf,
  localDate,
  previousPeriod,
  rangeBounds,
  type LocalDate,
} from './analytics-time.rules.ts';
import { describeErrorCode, messagingRates, rate } from './message-outcome.rules.ts';
import { slaRate, slaVerdict } from './service-cases.rules.ts';

/** What the analytics reads need. */
export interface AnalyticsQueryDeps {
  db: Db;
  clock: Clock;
}

/** A resolved range of local days in the workspace's zone. */
export interface Period {
  from: LocalDate;
  to: LocalDate;
  timeZone: string;
}

/** The range asked for, defaulting to the last 7 local days ending today. */
export async function resolvePeriod(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<Period> {
  const timeZone = await workspaceTimeZone(deps.db, workspaceId);
  const to = q.to ?? (q.from ? addDays(q.from, 6) : localDate(deps.clock.now(), timeZone));
  const from = q.from ?? addDays(to, -6);
  return { from, to, timeZone };
}

/** The period of the same length just before. */
export function previousOf(p: Period): Period {
  return { ...previousPeriod(p.from, p.to), timeZone: p.timeZone };
}

function scope(workspaceId: string, p: Period, q: AnalyticsQuery): RollupScope {
  return {
    workspaceId,
    from: p.from,
    to: p.to,
    phoneNumberId: q.phoneNumberId,
    agentId: q.agentId,
    teamId: q.teamId,
    tag: q.tag,
  };
}

const ZERO: CountsRow = { sent: 0, delivered: 0, read: 0, failed: 0, replied: 0, inbound: 0 };

function figures(c: CountsRow): MessagingFigures {
  const counts = {
    sent: c.sent,
    delivered: c.delivered,
    read: c.read,
    failed: c.failed,
    replied: c.replied,
    inbound: c.inbound,
  };
  return { ...counts, ...messagingRates(counts) };
}

function sum(rows: CountsRow[]): CountsRow {
  const t = { ...ZERO };
  for (const r of rows) for (const k of Object.keys(t) as Array<keyof CountsRow>) t[k] += r[k];
  return t;
}

async function messagingPeriod(deps: AnalyticsQueryDeps, workspaceId: string, p: Period, q: AnalyticsQuery) {
  const s = scope(workspaceId, p, q);
  const [days, failures] = await Promise.all([messagingByDay(deps.db, s), failuresByCode(deps.db, s)]);
  const byDay = new Map(days.map((d) => [d.day, d]));
  return {
    range: p,
    totals: figures(sum(days)),
    series: datesOf(p.from, p.to).map((date) => ({ date, ...figures(byDay.get(date) ?? ZERO) })),
    failures: failures.map((f) => ({
      code: f.error_code,
      ...describeErrorCode(f.error_code),
      failed: f.failed,
    })),
  };
}

/** `GET /analytics/messaging`: sent, delivered, read, failed (by code), rates — per day and per number. */
export async function messagingAnalytics(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<MessagingAnalytics> {
  const p = await resolvePeriod(deps, workspaceId, q);
  const [current, byNumber, previous] = await Promise.all([
    messagingPeriod(deps, workspaceId, p, q),
    messagingByNumber(deps.db, scope(workspaceId, p, q)),
    q.compare ? messagingPeriod(deps, workspaceId, previousOf(p), q) : null,
  ]);
  return {
    ...current,
    byNumber: byNumber.map((r) => ({ phoneNumberId: r.phone_number_id, ...figures(r) })),
    previous,
  };
}

/** `GET /analytics/numbers`: each number's health and messaging figures over the range. */
export async function numbersAnalytics(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<NumbersAnalytics> {
  const p = await resolvePeriod(deps, workspaceId, q);
  const [numbers, current, previous] = await Promise.all([
    listPhoneNumbers(deps.db, workspaceId),
    messagingByNumber(deps.db, scope(workspaceId, p, q)),
    q.compare ? messagingByNumber(deps.db, scope(workspaceId, previousOf(p), q)) : Promise.resolve(null),
  ]);
  const cur = new Map(current.map((r) => [r.phone_number_id, r]));
  const prev = previous ? new Map(previous.map((r) => [r.phone_number_id, r])) : null;
  return {
    range: p,
    numbers: numbers
      .filter((n) => !q.phoneNumberId || n.id === q.phoneNumberId)
      .map((n) => ({
        phoneNumberId: n.id,
        displayPhoneNumber: n.display_phone_number,
        label: n.label,
        status: n.status,
        qualityRating: n.quality_rating,
        messagingLimit: n.messaging_limit,
        mps: n.mps,
        ...figures(cur.get(n.id) ?? ZERO),
        previous: prev ? figures(prev.get(n.id) ?? ZERO) : null,
      })),
  };
}

/** `GET /analytics/heatmap`: customer messages by local weekday × hour (168 cells). */
export async function heatmapAnalytics(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<HeatmapAnalytics> {
  const p = await resolvePeriod(deps, workspaceId, q);
  const period = async (r: Period) => {
    const rows = await inboundHeatmap(deps.db, scope(workspaceId, r, q));
    const counts = new Map(rows.map((c) => [`${c.weekday}:${c.hour}`, c.count]));
    const cells = [];
    for (let weekday = 1; weekday <= 7; weekday++)
      for (let hour = 0; hour < 24; hour++)
        cells.push({ weekday, hour, count: counts.get(`${weekday}:${hour}`) ?? 0 });
    return { range: r, total: rows.reduce((n, c) => n + c.count, 0), cells };
  };
  const [current, previous] = await Promise.all([period(p), q.compare ? period(previousOf(p)) : null]);
  return { ...current, previous };
}

function serviceFigures(
  started: StartedCohortRow | undefined,
  resolved: ResolvedCohortRow | undefined,
  pendingDecided: { missed: number; pending: number },
): ServiceFigures {
  const met = started?.sla_met ?? 0;
  const missed = (started?.sla_missed_answered ?? 0) + pendingDecided.missed;
  return {
    newCases: started?.cases ?? 0,
    reopenedCases: started?.reopened ?? 0,
    resolvedCases: resolved?.resolved ?? 0,
    firstResponse: {
      count: started?.fr_count ?? 0,
      median: started?.fr_median ?? null,
      p90: started?.fr_p90 ?? null,
    },
    firstResponseAny: {
      count: started?.any_count ?? 0,
      median: started?.any_median ?? null,
      p90: started?.any_p90 ?? null,
    },
    averageResponseSeconds:
      started && started.answered_turns > 0 ? started.response_total / started.answered_turns : null,
    resolution: {
      count: resolved?.resolved ?? 0,
      median: resolved?.res_median ?? null,
      p90: resolved?.res_p90 ?? null,
    },
    automationOnlyShare: rate(resolved?.automation_only ?? 0, resolved?.resolved ?? 0),
    sla: { met, missed, pending: pendingDecided.pending, attainment: slaRate(met, missed) },
  };
}

/** A group of a breakdown as a map key. */
const groupOf = (set: CohortSet, key: string | null) => `${set}:${key ?? ''}`;

/**
 * The unanswered side of the SLA per group: in clock time from SQL; in business time each unanswered case's waiting
 * time so far is measured with the business hours, once per case, and tallied into its three groups. A case that has
 * waited no longer than the target in clock time is pending without measuring (business time never exceeds it).
 */
async function unansweredSla(
  deps: AnalyticsQueryDeps,
  s: RollupScope,
  rows: StartedCohortRow[],
  settings: AnalyticsSettings,
): Promise<Map<string, { missed: number; pending: number }>> {
  const out = new Map<string, { missed: number; pending: number }>();
  if (!settings.slaBusinessHours) {
    for (const r of rows)
      out.set(groupOf(r.set, r.key), {
        missed: r.unanswered_overdue,
        pending: r.unanswered - r.unanswered_overdue,
      });
    return out;
  }
  if (rows.every((r) => r.unanswered === 0)) return out;
  const hours = await workspaceBusinessHours(deps.db, s.workspaceId);
  const now = deps.clock.now();
  const targetMs = settings.firstResponseTargetSeconds * 1000;
  for (const u of await unansweredStarts(deps.db, s)) {
    const waitedMs = now.getTime() - u.started_at.getTime();
    const verdict =
      waitedMs <= targetMs ? 'pending' : slaVerdict(null, businessMs(hours, u.started_at, now), targetMs);
    for (const group of [
      groupOf('all', ''),
      groupOf('agent', u.agent_id),
      groupOf('number', u.phone_number_id),
    ]) {
      const acc = out.get(group) ?? { missed: 0, pending: 0 };
      if (verdict === 'missed') acc.missed++;
      else acc.pending++;
      out.set(group, acc);
    }
  }
  return out;
}

const NONE = { missed: 0, pending: 0 };

/** The backlog at each period's bounds (by instant, ms), read once for the range and the previous period. */
type Backlogs = Map<number, number>;

async function servicePeriod(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  p: Period,
  q: AnalyticsQuery,
  settings: AnalyticsSettings,
  backlogs: Promise<Backlogs>,
) {
  const s = scope(workspaceId, p, q);
  const bounds = rangeBounds(p.from, p.to, p.timeZone);
  const [started, resolved] = await Promise.all([
    startedCohort(deps.db, s, {
      business: q.businessHours,
      slaBusiness: settings.slaBusinessHours,
      targetSeconds: settings.firstResponseTargetSeconds,
      now: deps.clock.now(),
    }),
    resolvedCohort(deps.db, s, { business: q.businessHours }),
  ]);
  const unanswered = await unansweredSla(deps, s, started, settings);
  const figuresOf = (set: CaseGrouping) => {
    const st = new Map(started.filter((r) => r.set === set).map((r) => [r.key, r]));
    const rs = new Map(resolved.filter((r) => r.set === set).map((r) => [r.key, r]));
    const keys = [...new Set([...st.keys(), ...rs.keys()])];
    return keys.map((key) => ({
      key,
      figures: serviceFigures(st.get(key), rs.get(key), unanswered.get(groupOf(set, key)) ?? NONE),
    }));
  };
  const backlogAtBound = await backlogs;
  const backlogStart = backlogAtBound.get(bounds.start.getTime()) ?? 0;
  const backlogEnd = backlogAtBound.get(bounds.end.getTime()) ?? 0;
  const startedOn = new Map(started.filter((r) => r.set === 'day').map((r) => [r.key, r.cases]));
  const resolvedOn = new Map(resolved.filter((r) => r.set === 'day').map((r) => [r.key, r.resolved]));
  let backlog = backlogStart;
  const series = datesOf(p.from, p.to).map((date) => {
    const newCases = startedOn.get(date) ?? 0;
    const resolvedCases = resolvedOn.get(date) ?? 0;
    backlog += newCases - resolvedCases;
    return { date, newCases, resolvedCases, backlog };
  });
  const all = figuresOf('all');
  return {
    period: {
      range: p,
      businessHours: q.businessHours,
      totals: {
        ...(all[0]?.figures ?? serviceFigures(undefined, undefined, NONE)),
        backlogStart,
        backlogEnd,
      },
      series,
    },
    agents: figuresOf('agent'),
    numbers: figuresOf('number'),
  };
}

/**
 * Cases open at the bounds of the range and of the previous period, in one scan (the previous period's end is the
 * range's start).
 */
async function backlogsAt(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  p: Period,
  prev: Period | null,
  q: AnalyticsQuery,
): Promise<Backlogs> {
  const bounds = [p, ...(prev ? [prev] : [])].map((r) => rangeBounds(r.from, r.to, r.timeZone));
  const instants = [...new Set(bounds.flatMap((b) => [b.start.getTime(), b.end.getTime()]))];
  const counts = await backlogAt(
    deps.db,
    scope(workspaceId, p, q),
    instants.map((t) => new Date(t)),
  );
  return new Map(instants.map((t, i) => [t, counts[i] ?? 0]));
}

/** `GET /analytics/service`: volume, backlog, response and resolution times, automation share, SLA. */
export async function serviceAnalytics(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<ServiceAnalytics> {
  const p = await resolvePeriod(deps, workspaceId, q);
  const prev = q.compare ? previousOf(p) : null;
  const settings = await getSettings(deps.db, workspaceId);
  // Both periods' cohorts run while the backlog is read; each period awaits it only to finish its series.
  const backlogs = backlogsAt(deps, workspaceId, p, prev, q);
  const [, current, previous] = await Promise.all([
    backlogs,
    servicePeriod(deps, workspaceId, p, q, settings, backlogs),
    prev ? servicePeriod(deps, workspaceId, prev, q, settings, backlogs) : null,
  ]);
  const names = await userNames(
    deps.db,
    current.agents.map((a) => a.key).filter((k): k is string => !!k),
  );
  return {
    ...current.period,
    settings,
    byAgent: current.agents.map((a) => ({
      agentId: a.key || null,
      name: a.key ? (names.get(a.key) ?? null) : null,
      ...a.figures,
    })),
    byNumber: current.numbers
      .filter((n) => n.key)
      .map((n) => ({ phoneNumberId: n.key as string, ...n.figures })),
    previous: previous?.period ?? null,
  };
}

/** The workspace's analytics settings. */
export function getAnalyticsSettings(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
): Promise<AnalyticsSettings> {
  return getSettings(deps.db, workspaceId);
}

/** Saves the workspace's analytics settings and returns them. */
export async function updateAnalyticsSettings(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  settings: AnalyticsSettings,
): Promise<AnalyticsSettings> {
  await saveSettings(deps.db, workspaceId, settings, deps.clock.now());
  return getSettings(deps.db, workspaceId);
}
