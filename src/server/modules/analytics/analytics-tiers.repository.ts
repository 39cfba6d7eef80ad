/**
 * Activity tiers at past instants (docs/metrics.md § Audience): derived from the message history, and kept once
 * computed in `analytics_tier_snapshots` under the workspace's tier epoch (`analytics_tier_epochs`), which moves on
 * whenever the past may have changed. The only writer of both tables. Always scoped by workspace.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';

/** Contacts per activity tier (`contacts` is their sum). */
export interface TierCounts {
  contacts: number;
  active: number;
  lapsing: number;
  dormant: number;
  never: number;
}

/** The thresholds of the tiers at an instant (audience.rules.ts `tierThresholds`). */
export interface TierThresholds {
  activeSince: Date;
  lapsingSince: Date;
}

const NONE: TierCounts = { contacts: 0, active: 0, lapsing: 0, dormant: 0, never: 0 };

/**
 * The tiers at `at`: a contact counts when it existed then (created by `at`, or wrote before it), in the tier of its
 * latest customer message before `at` (one index probe per contact on messages(contact_id, occurred_at)).
 */
function tiersAtSql(workspaceId: string, at: Date, t: TierThresholds): RawBuilder<TierCounts> {
  return sql<TierCounts>`
    select count(*)::int as contacts,
      count(*) filter (where l.at >= ${t.activeSince})::int as active,
      count(*) filter (where l.at < ${t.activeSince} and l.at >= ${t.lapsingSince})::int as lapsing,
      count(*) filter (where l.at < ${t.lapsingSince})::int as dormant,
      count(*) filter (where l.at is null)::int as never
    from contacts c
    left join lateral (
      select max(m.occurred_at) as at from messages m
      where m.contact_id = c.id and m.direction = 'inbound' and m.occurred_at < ${at}
    ) l on true
    where c.workspace_id = ${workspaceId} and (c.created_at <= ${at} or l.at is not null)`;
}

/** Contacts per activity tier at `at`, computed from the history now (nothing kept). */
export async function contactsByTierAt(
  db: DbOrTx,
  workspaceId: string,
  at: Date,
  t: TierThresholds,
): Promise<TierCounts> {
  return (await tiersAtSql(workspaceId, at, t).execute(db)).rows[0] ?? NONE;
}

const currentEpoch = (workspaceId: string) =>
  sql<number>`coalesce((select epoch from analytics_tier_epochs where workspace_id = ${workspaceId}), 0)`;

/** The kept tiers at `at`, when they were computed under the workspace's current epoch; otherwise null. */
export async function validTierSnapshot(
  db: DbOrTx,
  workspaceId: string,
  at: Date,
): Promise<TierCounts | null> {
  const r = await sql<TierCounts>`
    select contacts, active, lapsing, dormant, never from analytics_tier_snapshots
    where workspace_id = ${workspaceId} and at = ${at} and epoch = ${currentEpoch(workspaceId)}`.execute(db);
  return r.rows[0] ?? null;
}

/**
 * Computes the tiers at `at` and keeps them. The epoch is read by the same statement as the history, so a change
 * committed after the statement began — whose epoch move commits after it too — leaves the snapshot under an
 * older epoch, where no reader takes it.
 */
export async function snapshotTiersAt(
  db: DbOrTx,
  workspaceId: string,
  at: Date,
  t: TierThresholds,
  now: Date,
): Promise<TierCounts> {
  const r = await sql<TierCounts>`
    with e as (select ${currentEpoch(workspaceId)} as epoch), t as (${tiersAtSql(workspaceId, at, t)})
    insert into analytics_tier_snapshots
      (workspace_id, at, epoch, contacts, active, lapsing, dormant, never, computed_at)
    select ${workspaceId}, ${at}, e.epoch, t.contacts, t.active, t.lapsing, t.dormant, t.never, ${now}
    from e, t
    on conflict (workspace_id, at) do update set epoch = excluded.epoch, contacts = excluded.contacts,
      active = excluded.active, lapsing = excluded.lapsing, dormant = excluded.dormant, never = excluded.never,
      computed_at = excluded.computed_at
    returning contacts, active, lapsing, dormant, never`.execute(db);
  return r.rows[0] ?? NONE;
}

/** Moves the workspace's tier epoch on: every kept snapshot stops holding. */
export async function advanceTierEpoch(db: DbOrTx, workspaceId: string): Promise<void> {
  await sql`
    insert into analytics_tier_epochs (workspace_id, epoch) values (${workspaceId}, 1)
    on conflict (workspace_id) do update set epoch = analytics_tier_epochs.epoch + 1`.execute(db);
}

/** Forgets every kept snapshot of a workspace (a rebuild). */
export async function deleteTierSnapshots(db: DbOrTx, workspaceId: string): Promise<void> {
  await sql`delete from analytics_tier_snapshots where workspace_id = ${workspaceId}`.execute(db);
}
