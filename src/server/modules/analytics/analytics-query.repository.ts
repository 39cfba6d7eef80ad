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

/** A row of a cohort query: a group of a breakdown, or (`day`) the local day the cohort's cases fall on. */
export type CohortSet = CaseGrouping | 'day';

/**
 * The three breakdowns and the cases per local day in one scan: `grouping(agent_id, phone_number_id, day)` is 7 for
 * the total, 3 per agent, 5 per number and 6 per day. Without ordered-set aggregates PostgreSQL hashes every set in
 * one pass (no sort of the rows).
 */
function groupingSets(day: RawBuilder<unknown>) {
  return {
    by: sql`grouping sets ((), (agent_id), (phone_number_id), (${day}))`,
    set: sql`case grouping(agent_id, phone_number_id, ${day}) when 7 then 'all' when 3 then 'agent'
      when 5 then 'number' else 'day' end`,
    key: sql`case grouping(agent_id, phone_number_id, ${day}) when 7 then '' when 3 then agent_id::text
      when 5 then phone_number_id::text else ${day}::text end`,
    order: sql`1, agent_id, phone_number_id, ${day}`,
  };
}

/** A group of a breakdown: the total (`all`, key ''), an agent (null: none) or a number. */
interface GroupRef {
  set: CaseGrouping;
  key: string | null;
}

/** Medians and p90s of some columns per group, `null` when the group has no value. */
type Quantiles = Map<string, { median: number | null; p90: number | null }>;

const groupId = (g: { set: CohortSet; key: string | null }, column: string) =>
  `${g.set}:${g.key ?? ''}:${column}`;

function groupFilter(g: GroupRef): RawBuilder<unknown> {
  if (g.set === 'all') return sql`true`;
  if (g.set === 'number') return sql`phone_number_id = ${g.key}`;
  return g.key === null ? sql`agent_id is null` : sql`agent_id = ${g.key}`;
}

const isGroup = <T extends { set: CohortSet }>(r: T): r is T & { set: CaseGrouping } => r.set !== 'day';

/** Groups per percentile query: each adds four aggregates (two columns, two quantiles). */
const GROUPS_PER_QUERY = 100;

/**
 * Median and p90 (`percentile_cont`) of columns per group, in one scan of the cohort per up to 100 groups: each
 * group's aggregates carry a FILTER, so every group sorts only its own values (the 0.5 and 0.9 of one column and
 * group share the sort) and the rows themselves are never sorted by group. Measured on 100k cases: one query for the
 * total, an agent and two numbers took about as long as the total alone plus its sorts, where `GROUP BY` per
 * breakdown sorted the whole rows (spilling to disk) before sorting the values again. Each filtered aggregate costs
 * about 1 ms per 100k cases, so a workspace with hundreds of agents stays within one `GROUP BY`'s time.
 */
async function cohortQuantiles(
  db: DbOrTx,
  cohort: RawBuilder<unknown>,
  groups: GroupRef[],
  columns: ReturnType<typeof sql.ref>[],
  names: string[],
): Promise<Quantiles> {
  const out: Quantiles = new Map();
  const chunks: GroupRef[][] = [];
  for (let i = 0; i < groups.length; i += GROUPS_PER_QUERY)
    chunks.push(groups.slice(i, i + GROUPS_PER_QUERY));
  await Promise.all(
    chunks.map(async (chunk) => {
      const aggregates = chunk.flatMap((g, gi) =>
        columns.map((c, ci) => {
          const f = groupFilter(g);
          return sql`percentile_cont(0.5) within group (order by ${c}) filter (where ${f}) as ${sql.ref(`m${gi}_${ci}`)},
            percentile_cont(0.9) within group (order by ${c}) filter (where ${f}) as ${sql.ref(`p${gi}_${ci}`)}`;
        }),
      );
      const r = await sql<
        Record<string, number | null>
      >`select ${sql.join(aggregates)} from analytics_cases where ${cohort}`.execute(db);
      const row = r.rows[0] ?? {};
      chunk.forEach((g, gi) =>
        names.forEach((name, ci) =>
          out.set(groupId(g, name), {
            median: row[`m${gi}_${ci}`] ?? null,
            p90: row[`p${gi}_${ci}`] ?? null,
          }),
        ),
      );
    }),
  );
  return out;
}

function startedScope(s: RollupScope): RawBuilder<unknown> {
  return sql`workspace_id = ${s.workspaceId} and start_day between ${s.from}::date and ${s.to}::date ${caseFilters(s)}`;
}

function resolvedScope(s: RollupScope): RawBuilder<unknown> {
  return sql`workspace_id = ${s.workspaceId} and resolved_day between ${s.from}::date and ${s.to}::date ${caseFilters(s)}`;
}

/** Figures of the cases started in a range (first responses, turns, SLA), per group and per start day. */
export interface StartedCohortRow {
  /** Which breakdown the row belongs to (`day`: key is the local start day). */
  set: CohortSet;
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
 * Cases started in the range, in the three breakdowns: counts, first-response percentiles (`percentile_cont`),
 * response totals and the answered side of the SLA; unanswered cases overdue in clock time
 * (`now - started_at > target`). Two queries: the counts of every group (hashed), then the percentiles of the groups
 * found.
 */
export async function startedCohort(
  db: DbOrTx,
  s: RollupScope,
  opts: { business: boolean; slaBusiness: boolean; targetSeconds: number; now: Date },
): Promise<StartedCohortRow[]> {
  const fr = opts.business ? sql.ref('first_response_business_seconds') : sql.ref('first_response_seconds');
  const any = opts.business
    ? sql.ref('first_any_response_business_seconds')
    : sql.ref('first_any_response_seconds');
  const resp = opts.business ? sql.ref('response_business_seconds_total') : sql.ref('response_seconds_total');
  const slaFr = opts.slaBusiness
    ? sql.ref('first_response_business_seconds')
    : sql.ref('first_response_seconds');
  const g = groupingSets(sql.ref('start_day'));
  const counts = await sql<Omit<StartedCohortRow, 'fr_median' | 'fr_p90' | 'any_median' | 'any_p90'>>`
    select ${g.set} as set, ${g.key} as key, count(*)::int as cases, count(*) filter (where reopened)::int as reopened,
      count(${fr})::int as fr_count, count(${any})::int as any_count,
      coalesce(sum(${resp}), 0)::float8 as response_total, coalesce(sum(answered_turns), 0)::int as answered_turns,
      count(*) filter (where ${slaFr} <= ${opts.targetSeconds})::int as sla_met,
      count(*) filter (where ${slaFr} > ${opts.targetSeconds})::int as sla_missed_answered,
      count(*) filter (where ${slaFr} is null
        and started_at < ${new Date(opts.now.getTime() - opts.targetSeconds * 1000)})::int as unanswered_overdue,
      count(*) filter (where ${slaFr} is null)::int as unanswered
    from analytics_cases where ${startedScope(s)}
    group by ${g.by} order by ${g.order}`.execute(db);
  const q = await cohortQuantiles(
    db,
    startedScope(s),
    counts.rows.filter(isGroup).filter((r) => r.fr_count > 0 || r.any_count > 0),
    [fr, any],
    ['fr', 'any'],
  );
  return counts.rows.map((r) => ({
    ...r,
    fr_median: q.get(groupId(r, 'fr'))?.median ?? null,
    fr_p90: q.get(groupId(r, 'fr'))?.p90 ?? null,
    any_median: q.get(groupId(r, 'any'))?.median ?? null,
    any_p90: q.get(groupId(r, 'any'))?.p90 ?? null,
  }));
}

/**
 * The unanswered cases started in the range (the business-hours SLA decides them): their start instants with the
 * agent and number they count under, once each (the breakdowns are tallied by the caller).
 */
export async function unansweredStarts(
  db: DbOrTx,
  s: RollupScope,
): Promise<Array<{ agent_id: string | null; phone_number_id: string; started_at: Date }>> {
  const r = await sql<{ agent_id: string | null; phone_number_id: string; started_at: Date }>`
    select agent_id::text as agent_id, phone_number_id::text as phone_number_id, started_at from analytics_cases
    where ${startedScope(s)} and first_response_seconds is null`.execute(db);
  return r.rows;
}

/** Figures of the cases resolved in a range, per group. */
export interface ResolvedCohortRow {
  /** Which breakdown the row belongs to (`day`: key is the local resolution day). */
  set: CohortSet;
  key: string | null;
  resolved: number;
  res_median: number | null;
  res_p90: number | null;
  automation_only: number;
}

/** Cases resolved in the range, in the three breakdowns: resolution percentiles and the share handled by automation alone. */
export async function resolvedCohort(
  db: DbOrTx,
  s: RollupScope,
  opts: { business: boolean },
): Promise<ResolvedCohortRow[]> {
  const res = opts.business ? sql.ref('resolution_business_seconds') : sql.ref('resolution_seconds');
  const g = groupingSets(sql.ref('resolved_day'));
  const counts = await sql<Omit<ResolvedCohortRow, 'res_median' | 'res_p90'>>`
    select ${g.set} as set, ${g.key} as key, count(*)::int as resolved,
      count(*) filter (where human_replies = 0 and bot_replies > 0)::int as automation_only
    from analytics_cases where ${resolvedScope(s)}
    group by ${g.by} order by ${g.order}`.execute(db);
  const q = await cohortQuantiles(db, resolvedScope(s), counts.rows.filter(isGroup), [res], ['res']);
  return counts.rows.map((r) => ({
    ...r,
    res_median: q.get(groupId(r, 'res'))?.median ?? null,
    res_p90: q.get(groupId(r, 'res'))?.p90 ?? null,
  }));
}

/**
 * Cases open at each of some instants (started before it and not resolved before it), in one scan: the service
 * figures need the start and end of the range and of the previous period.
 */
export async function backlogAt(db: DbOrTx, s: RollupScope, instants: Date[]): Promise<number[]> {
  if (instants.length === 0) return [];
  const latest = new Date(Math.max(...instants.map((d) => d.getTime())));
  const counts = instants.map(
    (at, i) =>
      sql`count(*) filter (where started_at < ${at} and (resolved_at is null or resolved_at >= ${at}))::int as ${sql.ref(`n${i}`)}`,
  );
  const r = await sql<Record<string, number>>`
    select ${sql.join(counts)} from analytics_cases
    where workspace_id = ${s.workspaceId} and started_at < ${latest} ${caseFilters(s)}`.execute(db);
  const row = r.rows[0];
  return instants.map((_, i) => row?.[`n${i}`] ?? 0);
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
