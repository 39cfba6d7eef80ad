/**
 * SQL of bulk actions on contacts: the `contact_bulk_actions` rows (action, target, actor, progress, checkpoint),
 * the snapshot of the contacts an action applies to (`contact_bulk_action_contacts`), and the set-based writes of
 * one batch — each scoped to the workspace and to contacts not merged into another, each a no-op for a contact
 * already in the wanted state (so its count is what changed).
 */
import { sql, type Insertable, type RawBuilder, type SqlBool } from 'kysely';
import type { ContactBulkActionRow, ContactBulkActionsTable, DbOrTx } from '../../db/types.ts';

/** The alias of the contacts row a snapshot's condition is compiled over. */
export const BULK_CONTACT_ALIAS = 'c';

export async function insertBulkAction(
  db: DbOrTx,
  values: Insertable<ContactBulkActionsTable>,
): Promise<void> {
  await db.insertInto('contact_bulk_actions').values(values).execute();
}

/** A bulk action of a workspace (the API's view: another workspace's id is not found). */
export function findBulkAction(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ContactBulkActionRow | undefined> {
  let q = db
    .selectFrom('contact_bulk_actions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A bulk action by id alone (the job's view); `forUpdate` locks it: batches of one action take turns. */
export function findBulkActionById(
  db: DbOrTx,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ContactBulkActionRow | undefined> {
  let q = db.selectFrom('contact_bulk_actions').selectAll().where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Moves a bulk action on: status, counters, checkpoint, message, end time — whatever is given. */
export async function updateBulkAction(
  db: DbOrTx,
  id: string,
  set: Partial<{
    status: ContactBulkActionRow['status'];
    total: number;
    processed: number;
    changed: number;
    cursor: string | null;
    error_message: string | null;
    updated_at: Date;
    finished_at: Date | null;
  }>,
): Promise<void> {
  await db.updateTable('contact_bulk_actions').set(set).where('id', '=', id).execute();
}

/**
 * Fixes the contacts an action applies to, in one statement: the workspace's contacts (not merged) that `where`
 * selects (compiled over alias {@link BULK_CONTACT_ALIAS}). Returns how many.
 */
export async function snapshotBulkContacts(
  db: DbOrTx,
  bulkActionId: string,
  workspaceId: string,
  where: RawBuilder<SqlBool>,
): Promise<number> {
  const res = await sql`
    insert into contact_bulk_action_contacts (bulk_action_id, contact_id)
    select ${bulkActionId}::uuid, c.id from contacts c
    where c.workspace_id = ${workspaceId}::uuid and c.merged_into_id is null and ${where}
    on conflict do nothing`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** The next `limit` contact ids of an action's snapshot after `after` (id order). */
export async function nextBulkContacts(
  db: DbOrTx,
  bulkActionId: string,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let q = db
    .selectFrom('contact_bulk_action_contacts')
    .select('contact_id')
    .where('bulk_action_id', '=', bulkActionId);
  if (after) q = q.where('contact_id', '>', after);
  const rows = await q.orderBy('contact_id').limit(limit).execute();
  return rows.map((r) => r.contact_id);
}

export async function deleteBulkContacts(db: DbOrTx, bulkActionId: string): Promise<void> {
  await db.deleteFrom('contact_bulk_action_contacts').where('bulk_action_id', '=', bulkActionId).execute();
}

/** `contacts c` rows of the workspace among `ids`, not merged. */
function scoped(workspaceId: string, ids: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`c.workspace_id = ${workspaceId}::uuid and c.merged_into_id is null
    and c.id = any(${[...ids]}::uuid[])`;
}

/**
 * Adds `tag` to the contacts (as set by a person: a rule's row of the tag becomes the person's, as in
 * `insertContactTag`). Returns how many did not carry it.
 */
export async function addTagToContacts(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
  tag: string,
  at: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  await sql`
    update contact_tags set rule_id = null
    where workspace_id = ${workspaceId}::uuid and tag = ${tag} and contact_id = any(${[...ids]}::uuid[])
      and rule_id is not null`.execute(db);
  const res = await sql`
    insert into contact_tags (workspace_id, contact_id, tag, created_at)
    select c.workspace_id, c.id, ${tag}, ${at}::timestamptz from contacts c
    where ${scoped(workspaceId, ids)}
    order by c.id
    on conflict (contact_id, tag) do nothing`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Removes `tag` from the contacts; returns how many carried it. */
export async function removeTagFromContacts(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
  tag: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .deleteFrom('contact_tags')
    .where('workspace_id', '=', workspaceId)
    .where('tag', '=', tag)
    .where('contact_id', 'in', [...ids])
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Sets attribute `key` to `value` on the contacts (null removes it), leaving alone those holding that value
 * already; returns how many changed.
 */
export async function setAttributeOfContacts(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
  key: string,
  value: string | number | boolean | null,
  at: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const res =
    value === null
      ? await sql`
          update contacts c set attributes = c.attributes - ${key}, updated_at = ${at}::timestamptz
          where ${scoped(workspaceId, ids)} and c.attributes ? ${key}`.execute(db)
      : await sql`
          update contacts c
          set attributes = c.attributes || jsonb_build_object(${key}::text, ${JSON.stringify(value)}::jsonb),
            updated_at = ${at}::timestamptz
          where ${scoped(workspaceId, ids)}
            and (c.attributes -> ${key}) is distinct from ${JSON.stringify(value)}::jsonb`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * The contacts among `ids` that exist in the workspace (not merged), locked in id order for a change of their
 * consent (a contact deleted meanwhile is left out rather than failing the batch).
 */
export async function lockContactsForConsent(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const res = await sql<{ id: string }>`
    select c.id from contacts c where ${scoped(workspaceId, ids)} order by c.id for update`.execute(db);
  return res.rows.map((r) => r.id);
}
