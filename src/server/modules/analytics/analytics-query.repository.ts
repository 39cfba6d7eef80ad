/**
 * Reads of the analytics rollups for the API: sums of day buckets and percentiles over service cases, always scoped by
 * workspace and bounded by local days (indexed). The figures' meaning is in docs/metrics.md.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';
import type { LocalDate } from './analytics-time.rules.ts';

/** A range of local days and the optional filters of a query. */
export interface RollupScope {
  workspaceId: string;
  from: LocalDate;
  to: LocalDate;
  phoneNumberId?: string;
  agentId?: string;
  /** Service cases only: the conversation's current team. */
  teamId?: string;
  /** Service cases only: a current tag of the conversation's contact. */
  tag?: string;
}

/** Messaging counts of a bucket. */
export interface CountsRow {
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: number;
  inbound: number;
}

const COUNTS = sql`coalesce(sum(sent), 0)::int as sent, coalesce(sum(delivered), 0)::int as delivered,
  coalesce(sum(read), 0)::int as read, coalesce(sum(failed), 0)::int as failed,
  coalesce(sum(replied), 0)::int as replied, coalesce(sum(inbound), 0)::int as inbound`;

function dayScope(s: RollupScope): RawBuilder<unknown> {
  return sql`workspace_id = ${s.workspaceId} and day between ${s.from}::date and ${s.to}::date
    ${s.phoneNumberId ? sql`and phone_number_id = ${s.phoneNumberId}` : sql``}`;
}

/** Messaging counts per local day. */
export async function messagingByDay(
  db: DbOrTx,
  s: RollupScope,
): Promise<Array<CountsRow & { day: string }>> {
  const r = await sql<CountsRow & { day: string }>`
    select day::text as day, ${COUNTS} from analytics_message_days where ${dayScope(s)} group by day order by day`.execute(
    db,
  );
  return r.rows;
}

/** Messaging counts per number over the range. */
export async function messagingByNumber(
  db: DbOrTx,
  s: RollupScope,
): Promise<Array<CountsRow & { phone_number_id: string }>> {
  const r = await sql<CountsRow & { phone_number_id: string }>`
    select phone_number_id, ${COUNTS} from analytics_message_days where ${dayScope(s)}
    group by phone_number_id order by phone_number_id`.execute(db);
  return r.rows;
}

/** Failed messages by Graph error code over the range, most frequent first. */
export async function failuresByCode(
  db: DbOrTx,
  s: RollupScope,
): Promise<Array<{ error_code: number | null; failed: number }>> {
  const r = await sql<{ error_code: number | null; failed: number }>`
    select error_code, sum(failed)::int as failed from analytics_failure_days where ${dayScope(s)}
    group by error_code order by 2 desc, 1 nulls last`.execute(db);
  return r.rows;
}

/** Customer messages by ISO weekday and local hour over the range. */
export async function inboundHeatmap(
  db: DbOrTx,
  s: RollupScope,
): Promise<Array<{ weekday: number; hour: number; count: number }>> {
  const r = await sql<{ weekday: number; hour: number; count: number }>`
    select extract(isodow from day)::int as weekday, hour::int as hour, sum(inbound)::int as count
    from analytics_inbound_hours where ${dayScope(s)} group by 1, 2`.execute(db);
  return r.rows;
}

function caseFilters(s: RollupScope): RawBuilder<unknown> {
  return sql`${s.phoneNumberId ? sql`and phone_number_id = ${s.phoneNumberId}` : sql``}
    ${s.agentId ? sql`and agent_id = ${s.agentId}` : sql``}
    ${
      s.teamId
        ? sql`and conversation_id in (select id from conversations
            where workspace_id = ${s.workspaceId} and team_id = ${s.teamId})`
        : sql``
    }
    ${
      s.tag
        ? sql`and conversation_id in (select c.id from conversations c
            join contact_tags ct on ct.workspace_id = c.workspace_id and ct.contact_id = c.contact_id
            where c.workspace_id = ${s.workspaceId} and ct.tag = ${s.tag})`
        : sql``
    }`;
}

/** How service figures are grouped. */
export type CaseGrouping = 'all' | 'agent' | 'number';

/**
 * One breakdown per query: the three run in parallel on separate connections, which measured faster than one
 * query with three GROUPING SETS (ordered-set aggregates sort each set's input again).
 */
const GROUP_BY = { all: sql`()`, agent: sql`agent_id`, number: sql`phone_number_id` } as const;

const groupKey = (g: CaseGrouping) =>
  g === 'agent' ? sql`agent_id::text` : g === 'number' ? sql`phone_number_id::text` : sql`''`;

/** Figures of the cases started in a range (first responses, turns, SLA), per group. */
export interface StartedCohortRow {
  /** Which breakdown the row belongs to (one query computes all three with GROUPING SETS). */
  set: CaseGrouping;
  key: string | null;
  cases: number;
  reopened: number;
  fr_count: number;
  fr_median: number | null;
  fr_p90: number | null;
  any_count: number;
  any_median: number | null;
  any_p90: number | null;
  response_total: number;
  answered_turns: number;
  sla_met: number;
  sla_missed_answered: number;
  unanswered_overdue: number;
  unanswered: number;
}

/**
 * Cases started in the range: counts, first-response percentiles (`percentile_cont`), response totals and the
 * answered side of the SLA; unanswered cases overdue in clock time (`now - started_at > target`).
 */
export async function startedCohort(
  db: DbOrTx,
  s: RollupScope,
  opts: { set: CaseGrouping; business: boolean; slaBusiness: boolean; targetSeconds: number; now: Date },
): Promise<StartedCohortRow[]> {
  const fr = opts.business ? sql.ref('first_response_business_seconds') : sql.ref('first_response_seconds');
  const any = opts.business
    ? sql.ref('first_any_response_business_seconds')
    : sql.ref('first_any_response_seconds');
  const resp = opts.business ? sql.ref('response_business_seconds_total') : sql.ref('response_seconds_total');
  const slaFr = opts.slaBusiness
    ? sql.ref('first_response_business_seconds')
    : sql.ref('first_response_seconds');
  const r = await sql<StartedCohortRow>`
    select ${opts.set} as set, ${groupKey(opts.set)} as key, count(*)::int as cases, count(*) filter (where reopened)::int as reopened,
      count(${fr})::int as fr_count,
      percentile_cont(0.5) within group (order by ${fr}) as fr_median,
      percentile_cont(0.9) within group (order by ${fr}) as fr_p90,
      count(${any})::int as any_count,
      percentile_cont(0.5) within group (order by ${any}) as any_median,
      percentile_cont(0.9) within group (order by ${any}) as any_p90,
      coalesce(sum(${resp}), 0)::float8 as response_total, coalesce(sum(answered_turns), 0)::int as answered_turns,
      count(*) filter (where ${slaFr} <= ${opts.targetSeconds})::int as sla_met,
      count(*) filter (where ${slaFr} > ${opts.targetSeconds})::int as sla_missed_answered,
      count(*) filter (where ${slaFr} is null
        and started_at < ${new Date(opts.now.getTime() - opts.targetSeconds * 1000)})::int as unanswered_overdue,
      count(*) filter (where ${slaFr} is null)::int as unanswered
    from analytics_cases
    where workspace_id = ${s.workspaceId} and start_day between ${s.from}::date and ${s.to}::date ${caseFilters(s)}
    group by ${GROUP_BY[opts.set]}`.execute(db);
  return r.rows;
}

/** Start instants of the unanswered cases started in the range, per group (the business-hours SLA decides them). */
export async function unansweredStarts(
  db: DbOrTx,
  s: RollupScope,
  grouping: CaseGrouping,
): Promise<Array<{ key: string | null; started_at: Date }>> {
  const r = await sql<{ key: string | null; started_at: Date }>`
    select ${groupKey(grouping)} as key, started_at from analytics_cases
    where workspace_id = ${s.workspaceId} and start_day between ${s.from}::date and ${s.to}::date ${caseFilters(s)}
      and first_response_seconds is null`.execute(db);
  return r.rows;
}

/** Figures of the cases resolved in a range, per group. */
export interface ResolvedCohortRow {
  set: CaseGrouping;
  key: string | null;
  resolved: number;
  res_median: number | null;
  res_p90: number | null;
  automation_only: number;
}

/** Cases resolved in the range: resolution percentiles and the share handled by automation alone. */
export async function resolvedCohort(
  db: DbOrTx,
  s: RollupScope,
  opts: { set: CaseGrouping; business: boolean },
): Promise<ResolvedCohortRow[]> {
  const res = opts.business ? sql.ref('resolution_business_seconds') : sql.ref('resolution_seconds');
  const r = await sql<ResolvedCohortRow>`
    select ${opts.set} as set, ${groupKey(opts.set)} as key, count(*)::int as resolved,
      percentile_cont(0.5) within group (order by ${res}) as res_median,
      percentile_cont(0.9) within group (order by ${res}) as res_p90,
      count(*) filter (where human_replies = 0 and bot_replies > 0)::int as automation_only
    from analytics_cases
    where workspace_id = ${s.workspaceId} and resolved_day between ${s.from}::date and ${s.to}::date ${caseFilters(s)}
    group by ${GROUP_BY[opts.set]}`.execute(db);
  return r.rows;
}

/** New and resolved cases per local day. */
export async function caseFlowByDay(
  db: DbOrTx,
  s: RollupScope,
): Promise<Array<{ day: string; new_cases: number; resolved_cases: number }>> {
  const r = await sql<{ day: string; new_cases: number; resolved_cases: number }>`
    select day::text as day, sum(n)::int as new_cases, sum(r)::int as resolved_cases from (
      select start_day as day, 1 as n, 0 as r from analytics_cases
      where workspace_id = ${s.workspaceId} and start_day between ${s.from}::date and ${s.to}::date ${caseFilters(s)}
      union all
      select resolved_day, 0, 1 from analytics_cases
      where workspace_id = ${s.workspaceId} and resolved_day between ${s.from}::date and ${s.to}::date ${caseFilters(s)}
    ) t group by day order by day`.execute(db);
  return r.rows;
}

/** Cases open at an instant: started before it and not resolved before it. */
export async function backlogAt(db: DbOrTx, s: RollupScope, at: Date): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from analytics_cases
    where workspace_id = ${s.workspaceId} and started_at < ${at} and (resolved_at is null or resolved_at >= ${at})
      ${caseFilters(s)}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** Names of users (agents of the breakdown). */
export async function userNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The workspace's analytics settings (defaults when never saved). */
export async function getSettings(
  db: DbOrTx,
  workspaceId: string,
): Promise<{ firstResponseTargetSeconds: number; slaBusinessHours: boolean }> {
  const row = await db
    .selectFrom('analytics_settings')
    .select(['first_response_target_seconds', 'sla_business_hours'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return {
    firstResponseTargetSeconds: row?.first_response_target_seconds ?? 3600,
    slaBusinessHours: row?.sla_business_hours ?? false,
  };
}

/** Saves the workspace's analytics settings. */
export async function saveSettings(
  db: DbOrTx,
  workspaceId: string,
  s: { firstResponseTargetSeconds: number; slaBusinessHours: boolean },
  now: Date,
): Promise<void> {
  const values = {
    first_response_target_seconds: s.firstResponseTargetSeconds,
    sla_business_hours: s.slaBusinessHours,
    updated_at: now,
  };
  await db
    .insertInto('analytics_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
}
