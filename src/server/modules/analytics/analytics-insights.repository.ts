/**
 * Reads behind what customers ask and who they are (docs/metrics.md § Topics, § Audience): a bounded sample of the
 * latest customer texts of a range, top tags, opt-outs from the consent history, and 131026 failures from the
 * message rollups (activity tiers: analytics-tiers.repository.ts). Always scoped by workspace.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';
import { SEARCHABLE_MESSAGE_CHARS } from '../search/search-key.rules.ts';
import type { RollupScope } from './analytics-query.repository.ts';

/** A window of instants of a workspace, optionally one number. */
export interface InstantScope {
  workspaceId: string;
  start: Date;
  end: Date;
  phoneNumberId?: string;
}

/**
 * The text (body or caption, its first 4,096 characters) of the latest `limit` customer messages with text in
 * `[start, end)`, newest first. Bounded by `limit` whatever the range holds (the workspace/occurred_at index is
 * walked backwards from `end`).
 */
export async function latestInboundTexts(
  db: DbOrTx,
  s: InstantScope,
  limit: number,
): Promise<Array<{ id: string; text: string }>> {
  const r = await sql<{ id: string; text: string }>`
    select id, left(coalesce(content->'text'->>'body', content->type->>'caption'), ${SEARCHABLE_MESSAGE_CHARS}) as text
    from messages
    where workspace_id = ${s.workspaceId} and occurred_at >= ${s.start} and occurred_at < ${s.end}
      and direction = 'inbound'
      and coalesce(content->'text'->>'body', content->type->>'caption') is not null
      ${s.phoneNumberId ? sql`and phone_number_id = ${s.phoneNumberId}` : sql``}
    order by occurred_at desc, id desc
    limit ${limit}`.execute(db);
  return r.rows;
}

/** Customer messages of a range of local days (the rollup's `inbound`). */
export async function inboundCount(db: DbOrTx, s: RollupScope): Promise<number> {
  const r = await sql<{ n: number }>`
    select coalesce(sum(inbound), 0)::int as n from analytics_message_days
    where workspace_id = ${s.workspaceId} and day between ${s.from}::date and ${s.to}::date
      ${s.phoneNumberId ? sql`and phone_number_id = ${s.phoneNumberId}` : sql``}`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** The `limit` tags on the most contacts (ties by tag). */
export async function topTags(
  db: DbOrTx,
  workspaceId: string,
  limit: number,
): Promise<Array<{ tag: string; contacts: number }>> {
  const r = await sql<{ tag: string; contacts: number }>`
    select tag, count(*)::int as contacts from contact_tags where workspace_id = ${workspaceId}
    group by tag order by 2 desc, 1 limit ${limit}`.execute(db);
  return r.rows;
}

/** Contacts now marked unreachable (WhatsApp answered 131026 for them). */
export async function unreachableContactCount(db: DbOrTx, workspaceId: string): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from contacts where workspace_id = ${workspaceId} and unreachable_at is not null`.execute(
    db,
  );
  return r.rows[0]?.n ?? 0;
}

/**
 * Marketing opt-outs of `[start, end)` from the consent history: the contacts whose marketing state at `start`
 * (their latest event before it) was `opted_in` (`base`), those of them with a change to `opted_out` in the window
 * (`opted_out`), and every contact with such a change (`all_opt_outs`).
 */
export async function marketingOptOuts(
  db: DbOrTx,
  s: InstantScope,
): Promise<{ base: number; opted_out: number; all_opt_outs: number }> {
  const r = await sql<{ base: number; opted_out: number; all_opt_outs: number }>`
    with at_start as (
      select distinct on (contact_id) contact_id, state from consent_events
      where workspace_id = ${s.workspaceId} and purpose = 'marketing' and occurred_at < ${s.start}
      order by contact_id, occurred_at desc, id desc
    ),
    outs as (
      select distinct contact_id from consent_events
      where workspace_id = ${s.workspaceId} and purpose = 'marketing' and state = 'opted_out'
        and previous_state <> 'opted_out' and occurred_at >= ${s.start} and occurred_at < ${s.end}
    )
    select (select count(*) from at_start where state = 'opted_in')::int as base,
      (select count(*) from outs o join at_start a on a.contact_id = o.contact_id where a.state = 'opted_in')::int
        as opted_out,
      (select count(*) from outs)::int as all_opt_outs`.execute(db);
  return r.rows[0] ?? { base: 0, opted_out: 0, all_opt_outs: 0 };
}

/** Sent messages and those failed with one Graph error code, over a range of local days (the rollups). */
export async function sentAndFailedWith(
  db: DbOrTx,
  s: RollupScope,
  errorCode: number,
): Promise<{ sent: number; failed: number }> {
  const number = s.phoneNumberId ? sql`and phone_number_id = ${s.phoneNumberId}` : sql``;
  const r = await sql<{ sent: number; failed: number }>`
    select
      (select coalesce(sum(sent), 0)::int from analytics_message_days
        where workspace_id = ${s.workspaceId} and day between ${s.from}::date and ${s.to}::date ${number}) as sent,
      (select coalesce(sum(failed), 0)::int from analytics_failure_days
        where workspace_id = ${s.workspaceId} and day between ${s.from}::date and ${s.to}::date
          and error_code = ${errorCode} ${number}) as failed`.execute(db);
  return r.rows[0] ?? { sent: 0, failed: 0 };
}
