/**
 * Activity tiers (docs/metrics.md § Audience): of the present, from the conversations' latest customer message,
 * kept in `analytics_tiers_now`; at past instants, derived from the message history and kept once computed in
 * `analytics_tier_snapshots` under the workspace's tier epoch (`analytics_tier_epochs`), which moves on whenever the
 * past may have changed. The only writer of the three tables. Always scoped by workspace.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';
import { tierThresholds } from './audience.rules.ts';

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
 * Contacts per activity tier now, by their latest customer message in any conversation (`last_inbound_at`):
 * conversations grouped by contact, without joining the contacts (every conversation's contact is one of the
 * workspace's; those without a customer message are `never`). Contacts merged into another are not counted.
 */
export async function contactsByTier(
  db: DbOrTx,
  workspaceId: string,
  t: TierThresholds,
): Promise<TierCounts> {
  const r = await sql<TierCounts>`
    with latest as (
      select max(last_inbound_at) as at from conversations
      where workspace_id = ${workspaceId} and last_inbound_at is not null group by contact_id
    ),
    counts as (
      select (select count(*) from contacts where workspace_id = ${workspaceId} and merged_into_id is null)::int
          as contacts,
        count(*) filter (where at >= ${t.activeSince})::int as active,
        count(*) filter (where at < ${t.activeSince} and at >= ${t.lapsingSince})::int as lapsing,
        count(*) filter (where at < ${t.lapsingSince})::int as dormant
      from latest
    )
    select contacts, active, lapsing, dormant, contacts - active - lapsing - dormant as never from counts`.execute(
    db,
  );
  return r.rows[0] ?? NONE;
}

/** The tiers of the present last kept, with the instant they were counted at. */
export async function keptTiersNow(
  db: DbOrTx,
  workspaceId: string,
): Promise<{ at: Date; counts: TierCounts } | null> {
  const row = await db
    .selectFrom('analytics_tiers_now')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return null;
  const { at, contacts, active, lapsing, dormant, never } = row;
  return { at, counts: { contacts, active, lapsing, dormant, never } };
}

/** Keeps the tiers of the present counted at `at` (a later count replaces it; an earlier one never does). */
export async function keepTiersNow(db: DbOrTx, workspaceId: string, at: Date, c: TierCounts): Promise<void> {
  await db
    .insertInto('analytics_tiers_now')
    .values({ workspace_id: workspaceId, at, ...c })
    .onConflict((oc) =>
      oc
        .column('workspace_id')
        .doUpdateSet((eb) => ({
          at: eb.ref('excluded.at'),
          contacts: eb.ref('excluded.contacts'),
          active: eb.ref('excluded.active'),
          lapsing: eb.ref('excluded.lapsing'),
          dormant: eb.ref('excluded.dormant'),
          never: eb.ref('excluded.never'),
        }))
        .where('analytics_tiers_now.at', '<', at),
    )
    .execute();
}

/**
 * The tiers at `at`: a contact counts when it existed then (created by `at`, or wrote before it), in the tier of its
 * latest customer message before `at` (one index probe per contact on messages(contact_id, occurred_at)). A contact
 * merged into another is not counted: its messages are the survivor's now.
 */
function tiersAtSql(workspaceId: string, at: Date): RawBuilder<TierCounts> {
  const t = tierThresholds(at);
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
    where c.workspace_id = ${workspaceId} and c.merged_into_id is null and (c.created_at <= ${at} or l.at is not null)`;
}

/** Contacts per activity tier at `at`, computed from the history now (nothing kept). */
export async function contactsByTierAt(db: DbOrTx, workspaceId: string, at: Date): Promise<TierCounts> {
  return (await tiersAtSql(workspaceId, at).execute(db)).rows[0] ?? NONE;
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
  now: Date,
): Promise<TierCounts> {
  const r = await sql<TierCounts>`
    with e as (select ${currentEpoch(workspaceId)} as epoch), t as (${tiersAtSql(workspaceId, at)})
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
