import { sql } from 'kysely';
import type { Db } from '../db/types.ts';

/**
 * Marks journaled webhook bodies for reprocessing (`tsunagi webhooks replay`). Their earlier dead letters are
 * removed first, since reprocessing records them again if the items still cannot be applied. Safe at any
 * time: every handler is idempotent on wamid and (wamid, status).
 */
export async function markForReplay(
  db: Db,
  filter: { fromId?: number; toId?: number; since?: Date; failedOnly: boolean },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const conditions = [sql`true`];
    if (filter.fromId !== undefined) conditions.push(sql`id >= ${filter.fromId}`);
    if (filter.toId !== undefined) conditions.push(sql`id <= ${filter.toId}`);
    if (filter.since) conditions.push(sql`received_at >= ${filter.since}`);
    if (filter.failedOnly)
      conditions.push(
        sql`(error is not null or exists (select 1 from dead_letters d where d.webhook_event_id = webhook_events.id))`,
      );
    const where = sql.join(conditions, sql` and `);
    await sql`delete from dead_letters where webhook_event_id in (select id from webhook_events where ${where})`.execute(
      tx,
    );
    const res =
      await sql`update webhook_events set processed_at = null, locked_until = null, attempts = 0, error = null where ${where}`.execute(
        tx,
      );
    return Number(res.numAffectedRows ?? 0);
  });
}
