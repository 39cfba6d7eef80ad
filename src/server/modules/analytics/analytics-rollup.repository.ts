/**
 * The analytics rollups (the only writer of the `analytics_*` tables): day buckets of messages recomputed from facts
 * with one set-based statement, service cases replaced per conversation, and the dirty marks and watermark of the
 * incremental refresh. The SQL applies the definitions of `message-outcome.rules.ts` (docs/metrics.md).
 */
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';
import type { LocalDate } from './analytics-time.rules.ts';
import type { ServiceCase } from './service-cases.rules.ts';

/** The time zone of a workspace (analytics days are its local days). */
export async function workspaceTimeZone(db: DbOrTx, workspaceId: string): Promise<string> {
  const row = await db
    .selectFrom('workspaces')
    .select('timezone')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return row.timezone;
}

/** Every workspace id (the refresh and the rebuild walk them). */
export async function allWorkspaceIds(db: DbOrTx): Promise<string[]> {
  return (await db.selectFrom('workspaces').select('id').orderBy('id').execute()).map((r) => r.id);
}

/**
 * Recomputes the message rollups (outcomes by send day, failures by code, inbound by hour) of some local days of
 * a workspace — or all of them when `days` is null — from `messages` and `message_status_events`: deletes the
 * rows of those days and inserts them again in one statement, so running it twice changes nothing.
 */
export async function recomputeMessageDays(
  tx: DbOrTx,
  workspaceId: string,
  timeZone: string,
  days: LocalDate[] | null,
): Promise<void> {
  if (days !== null && days.length === 0) return;
  const daysArray = days === null ? null : sql`${days}::date[]`;
  for (const table of [
    'analytics_message_days',
    'analytics_failure_days',
    'analytics_inbound_hours',
  ] as const) {
    let q = tx.deleteFrom(table).where('workspace_id', '=', workspaceId);
    if (daysArray) q = q.where(sql<boolean>`day = any(${daysArray})`);
    await q.execute();
  }
  const scope: RawBuilder<unknown> = daysArray
    ? sql`and m.occurred_at >= (select min(d)::timestamp at time zone ${timeZone} from unnest(${daysArray}) d)
          and m.occurred_at < (select (max(d) + 1)::timestamp at time zone ${timeZone} from unnest(${daysArray}) d)
          and (m.occurred_at at time zone ${timeZone})::date = any(${daysArray})`
    : sql``;
  await sql`
    with facts as (
      select (m.occurred_at at time zone ${timeZone})::date as day,
        extract(hour from m.occurred_at at time zone ${timeZone})::smallint as hour,
        m.phone_number_id, m.error_code,
        m.direction = 'inbound' as inbound,
        o.sent, o.delivered, o.read, o.failed_seen and not o.delivered as failed,
        case when o.delivered then exists (
          select 1 from messages i
          where i.conversation_id = m.conversation_id and i.direction = 'inbound'
            and i.occurred_at > m.occurred_at and i.occurred_at <= m.occurred_at + interval '24 hours'
        ) else false end as replied
      from messages m
      left join lateral (
        select array_agg(e.status) as h from message_status_events e where e.message_id = m.id
      ) hist on m.direction = 'outbound'
      cross join lateral (
        select
          m.direction = 'outbound' and (m.status = 'read' or 'read' = any(coalesce(hist.h, '{}'))) as read,
          m.direction = 'outbound' and (m.status in ('delivered', 'read')
            or coalesce(hist.h, '{}') && array['delivered', 'read']::text[]) as delivered,
          m.direction = 'outbound' and (m.status in ('accepted', 'sent', 'delivered', 'read') or m.wamid is not null
            or coalesce(hist.h, '{}') && array['accepted', 'sent', 'delivered', 'read', 'failed']::text[]) as sent,
          m.direction = 'outbound' and (m.status = 'failed' or 'failed' = any(coalesce(hist.h, '{}'))) as failed_seen
      ) o
      where m.workspace_id = ${workspaceId} ${scope}
    ),
    message_days as (
      insert into analytics_message_days (workspace_id, day, phone_number_id, sent, delivered, read, failed, replied, inbound)
      select ${workspaceId}::uuid, day, phone_number_id,
        count(*) filter (where sent), count(*) filter (where delivered), count(*) filter (where read),
        count(*) filter (where failed), count(*) filter (where replied), count(*) filter (where inbound)
      from facts group by day, phone_number_id
    ),
    failure_days as (
      insert into analytics_failure_days (workspace_id, day, phone_number_id, error_code, failed)
      select ${workspaceId}::uuid, day, phone_number_id, error_code, count(*)
      from facts where failed group by day, phone_number_id, error_code
    )
    insert into analytics_inbound_hours (workspace_id, day, hour, phone_number_id, inbound)
    select ${workspaceId}::uuid, day, hour, phone_number_id, count(*)
    from facts where inbound group by day, hour, phone_number_id`.execute(tx);
}

/** The facts service cases are cut from, for some conversations of a workspace. */
export interface ConversationTimelines {
  conversations: Array<{ id: string; phoneNumberId: string }>;
  messages: Array<{
    conversation_id: string;
    direction: 'inbound' | 'outbound';
    origin: 'customer' | 'agent' | 'automation' | 'campaign' | 'api';
    author_user_id: string | null;
    occurred_at: Date;
    status: string;
  }>;
  resolutions: Array<{ conversation_id: string; created_at: Date }>;
}

/** Loads the messages and resolutions (activity `status → resolved`) of conversations. */
export async function loadTimelines(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: string[],
): Promise<ConversationTimelines> {
  if (conversationIds.length === 0) return { conversations: [], messages: [], resolutions: [] };
  const [conversations, messages, resolutions] = await Promise.all([
    db
      .selectFrom('conversations')
      .select(['id', 'phone_number_id as phoneNumberId'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', conversationIds)
      .execute(),
    db
      .selectFrom('messages')
      .select(['conversation_id', 'direction', 'origin', 'author_user_id', 'occurred_at', 'status'])
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', 'in', conversationIds)
      .execute(),
    db
      .selectFrom('conversation_activities')
      .select(['conversation_id', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', 'in', conversationIds)
      .where('kind', '=', 'status')
      .where(sql<boolean>`data->>'to' = 'resolved'`)
      .execute(),
  ]);
  return { conversations, messages, resolutions };
}

/** One page of a workspace's conversation ids, in id order after `after` (the rebuild walks them). */
export async function conversationIdsPage(
  db: DbOrTx,
  workspaceId: string,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let q = db.selectFrom('conversations').select('id').where('workspace_id', '=', workspaceId);
  if (after) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

/** A case ready to store: its conversation, number and local start / resolution days. */
export interface CaseRow {
  conversationId: string;
  phoneNumberId: string;
  startDay: LocalDate;
  resolvedDay: LocalDate | null;
  c: ServiceCase;
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

/** Replaces the cases of conversations (all of a workspace's when `conversationIds` is null) by `rows`. */
export async function replaceCases(
  tx: DbOrTx,
  workspaceId: string,
  conversationIds: string[] | null,
  rows: CaseRow[],
): Promise<void> {
  let del = tx.deleteFrom('analytics_cases').where('workspace_id', '=', workspaceId);
  if (conversationIds) {
    if (conversationIds.length === 0) return;
    del = del.where('conversation_id', 'in', conversationIds);
  }
  await del.execute();
  if (rows.length === 0) return;
  // One statement per call, a column per array parameter: a multi-row VALUES of 22 parameters per case took most of
  // a rebuild's writing time (compiling and binding 22k parameters per 1,000 cases).
  const col = <T>(f: (r: CaseRow) => T) => rows.map(f);
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  await sql`
    insert into analytics_cases (workspace_id, conversation_id, seq, phone_number_id, reopened, started_at, start_day,
      agent_id, first_response_seconds, first_response_business_seconds, first_any_response_seconds,
      first_any_response_business_seconds, turns, answered_turns, response_seconds_total,
      response_business_seconds_total, human_replies, bot_replies, resolved_at, resolved_day, resolution_seconds,
      resolution_business_seconds)
    select ${workspaceId}::uuid, * from unnest(
      ${col((r) => r.conversationId)}::uuid[], ${col((r) => r.c.seq)}::int[], ${col((r) => r.phoneNumberId)}::uuid[],
      ${col((r) => r.c.reopened)}::boolean[], ${col((r) => iso(r.c.startedAt))}::timestamptz[],
      ${col((r) => r.startDay)}::date[], ${col((r) => r.c.agentId)}::uuid[],
      ${col((r) => seconds(r.c.firstResponseMs))}::float8[], ${col((r) => seconds(r.c.firstResponseBusinessMs))}::float8[],
      ${col((r) => seconds(r.c.firstAnyResponseMs))}::float8[],
      ${col((r) => seconds(r.c.firstAnyResponseBusinessMs))}::float8[], ${col((r) => r.c.turns)}::int[],
      ${col((r) => r.c.answeredTurns)}::int[], ${col((r) => r.c.responseMsTotal / 1000)}::float8[],
      ${col((r) => r.c.responseBusinessMsTotal / 1000)}::float8[], ${col((r) => r.c.humanReplies)}::int[],
      ${col((r) => r.c.botReplies)}::int[], ${col((r) => iso(r.c.resolvedAt))}::timestamptz[],
      ${col((r) => r.resolvedDay)}::date[], ${col((r) => seconds(r.c.resolutionMs))}::float8[],
      ${col((r) => seconds(r.c.resolutionBusinessMs))}::float8[])`.execute(tx);
}

/** Marks local days and conversations of a workspace for the next refresh (idempotent). */
export async function markDirty(
  tx: DbOrTx,
  workspaceId: string,
  days: LocalDate[],
  conversationIds: string[],
): Promise<void> {
  if (days.length > 0)
    await tx
      .insertInto('analytics_dirty_days')
      .values([...new Set(days)].map((day) => ({ workspace_id: workspaceId, day })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  if (conversationIds.length > 0)
    await tx
      .insertInto('analytics_dirty_conversations')
      .values([...new Set(conversationIds)].map((id) => ({ workspace_id: workspaceId, conversation_id: id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
}

/**
 * Marks what facts recorded since `since` touch (messages by creation, resolutions by activity time) — facts
 * written without a domain event, such as our own sends — as dirty, in SQL.
 */
export async function markRecentFacts(
  tx: DbOrTx,
  workspaceId: string,
  timeZone: string,
  since: Date,
): Promise<void> {
  await sql`
    insert into analytics_dirty_days (workspace_id, day)
    select distinct ${workspaceId}::uuid, (occurred_at at time zone ${timeZone})::date
    from messages where workspace_id = ${workspaceId} and created_at >= ${since}
    on conflict do nothing`.execute(tx);
  await sql`
    insert into analytics_dirty_conversations (workspace_id, conversation_id)
    select distinct ${workspaceId}::uuid, conversation_id from (
      select conversation_id from messages where workspace_id = ${workspaceId} and created_at >= ${since}
      union all
      select conversation_id from conversation_activities
      where workspace_id = ${workspaceId} and created_at >= ${since} and kind = 'status'
    ) t
    on conflict do nothing`.execute(tx);
}

/** Takes (deletes and returns) the dirty days and conversations of a workspace, inside the refresh transaction. */
export async function takeDirty(
  tx: DbOrTx,
  workspaceId: string,
): Promise<{ days: LocalDate[]; conversationIds: string[] }> {
  const days = await tx
    .deleteFrom('analytics_dirty_days')
    .where('workspace_id', '=', workspaceId)
    .returning(sql<string>`day::text`.as('day'))
    .execute();
  const conversations = await tx
    .deleteFrom('analytics_dirty_conversations')
    .where('workspace_id', '=', workspaceId)
    .returning('conversation_id')
    .execute();
  return { days: days.map((d) => d.day), conversationIds: conversations.map((c) => c.conversation_id) };
}

/** Up to when the refresh scanned the workspace's new facts (null: never, so rebuild it). */
export async function getWatermark(tx: DbOrTx, workspaceId: string): Promise<Date | null> {
  const row = await tx
    .selectFrom('analytics_watermarks')
    .select('scanned_until')
    .where('workspace_id', '=', workspaceId)
    .forUpdate()
    .executeTakeFirst();
  return row?.scanned_until ?? null;
}

/** Moves the watermark. */
export async function setWatermark(tx: DbOrTx, workspaceId: string, at: Date): Promise<void> {
  await tx
    .insertInto('analytics_watermarks')
    .values({ workspace_id: workspaceId, scanned_until: at })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ scanned_until: at }))
    .execute();
}

/** The message facts an `analytics.touch` job marks dirty: their local day and conversation. */
export async function messageTouchFacts(
  db: DbOrTx,
  messageIds: string[],
): Promise<Array<{ workspaceId: string; conversationId: string; occurredAt: Date; direction: string }>> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('messages')
    .select([
      'workspace_id as workspaceId',
      'conversation_id as conversationId',
      'occurred_at as occurredAt',
      'direction',
    ])
    .where('id', 'in', messageIds)
    .execute();
}
