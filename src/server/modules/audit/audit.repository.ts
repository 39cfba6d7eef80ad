import type { Insertable, Selectable } from 'kysely';
import type { AuditLogTable, DbOrTx } from '../../db/types.ts';

export type AuditRow = Selectable<AuditLogTable>;

/** Appends entries to the audit log (the only writer of `audit_log`; there is no update or delete). */
export async function insertAuditEntries(db: DbOrTx, rows: Array<Insertable<AuditLogTable>>): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('audit_log').values(rows).execute();
}

/** Filters of a page of the audit log; `after` is the (occurred_at, id) of the previous page's last row. */
export interface AuditFilter {
  workspaceId: string;
  action?: string | undefined;
  actorId?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { at: Date; id: string } | undefined;
  limit: number;
}

/** A page of a workspace's audit log, newest first (keyset on occurred_at, id). Fetches `limit + 1` rows. */
export async function selectAuditEntries(db: DbOrTx, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', f.workspaceId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.targetType) q = q.where('target_type', '=', f.targetType);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.to) q = q.where('occurred_at', '<', f.to);
  const after = f.after;
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('occurred_at', '<', after.at),
        eb.and([eb('occurred_at', '=', after.at), eb('id', '<', after.id)]),
      ]),
    );
  return q
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
}
