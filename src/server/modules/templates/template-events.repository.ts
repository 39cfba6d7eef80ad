/** The only writer of `template_events`: each status, quality or category change of a template, and edits. */
import type { Insertable, Selectable } from 'kysely';
import type { DbOrTx, TemplateEventsTable } from '../../db/types.ts';

/** A stored template event. */
export type TemplateEventRow = Selectable<TemplateEventsTable>;

/** Appends events (one statement). */
export async function insertTemplateEvents(
  db: DbOrTx,
  rows: Array<Insertable<TemplateEventsTable>>,
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('template_events').values(rows).execute();
}

/** Unacknowledged alerts of the workspace on the given WABAs, newest first (at most 200). */
export async function listOpenAlerts(
  db: DbOrTx,
  workspaceId: string,
  wabaIds: string[],
): Promise<TemplateEventRow[]> {
  if (wabaIds.length === 0) return [];
  return db
    .selectFrom('template_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', 'in', wabaIds)
    .where('alert', '=', true)
    .where('acknowledged_at', 'is', null)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

/** The history of one template (every language row is its own template), newest first (at most 100). */
export async function listEventsOfTemplate(
  db: DbOrTx,
  key: { workspaceId: string; wabaId: string; name: string; language: string },
): Promise<TemplateEventRow[]> {
  return db
    .selectFrom('template_events')
    .selectAll()
    .where('workspace_id', '=', key.workspaceId)
    .where('waba_id', '=', key.wabaId)
    .where('name', '=', key.name)
    .where('language', '=', key.language)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}

/** Marks an alert of the workspace acknowledged; returns false when there is no such alert on those WABAs. */
export async function acknowledgeAlert(
  db: DbOrTx,
  workspaceId: string,
  wabaIds: string[],
  id: string,
  by: string | null,
  at: Date,
): Promise<boolean> {
  if (wabaIds.length === 0) return false;
  const res = await db
    .updateTable('template_events')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', 'in', wabaIds)
    .where('id', '=', id)
    .where('alert', '=', true)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Edit instants of a template since `since` (Meta caps edits of approved templates per day and per 30 days). */
export async function listEditTimes(
  db: DbOrTx,
  key: { workspaceId: string; wabaId: string; name: string; language: string },
  since: Date,
): Promise<Date[]> {
  const rows = await db
    .selectFrom('template_events')
    .select('occurred_at')
    .where('workspace_id', '=', key.workspaceId)
    .where('waba_id', '=', key.wabaId)
    .where('name', '=', key.name)
    .where('language', '=', key.language)
    .where('kind', '=', 'edited')
    .where('occurred_at', '>=', since)
    .execute();
  return rows.map((r) => r.occurred_at);
}
