/**
 * SQL of contact archiving (`contacts.archived_at`, written by the contacts module only): the daily job archives, in
 * batches, the contacts of workspaces that turned archiving on which had no message (either way: the conversations'
 * `last_message_at`), no event and no write (`updated_at`) for the workspace's N months; activity clears it.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';

/**
 * Archives up to `limit` inactive contacts (of every workspace with archiving on) as of `now`; returns how many.
 * A contact created or written within the period is active, so a new contact is never archived at once.
 */
export async function archiveInactiveBatch(db: DbOrTx, now: Date, limit: number): Promise<number> {
  const res = await sql`
    update contacts set archived_at = ${now}
    where id in (
      select c.id
      from workspaces w
      join contacts c on c.workspace_id = w.id
      cross join lateral (select ${now}::timestamptz - make_interval(months => w.archive_inactive_after_months) as cutoff) k
      where w.archive_inactive_after_months is not null
        and c.archived_at is null and c.merged_into_id is null
        and c.created_at < k.cutoff and c.updated_at < k.cutoff
        and not exists (
          select 1 from conversations v
          where v.workspace_id = c.workspace_id and v.contact_id = c.id and v.last_message_at >= k.cutoff)
        and not exists (
          select 1 from contact_events e
          where e.workspace_id = c.workspace_id and e.contact_id = c.id and e.occurred_at >= k.cutoff)
      limit ${limit}
      for update of c skip locked)`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Brings archived contacts back (they messaged, or were written through the API); a no-op for the others. */
export async function unarchiveContacts(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('contacts')
    .set({ archived_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...new Set(ids)])
    .where('archived_at', 'is not', null)
    .execute();
}
