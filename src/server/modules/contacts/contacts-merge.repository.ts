/**
 * SQL of contact merges: the `contact_merges` records, the merged mark on `contacts`, and the moves of the
 * contacts module's own tables (`contact_tags`, `contact_notes`, `contact_events`) between two contacts of a
 * workspace. The other tables move through their owners' repositories (see contacts-merge.service.ts).
 */
import { sql } from 'kysely';
import type { ContactMergesTable, DbOrTx } from '../../db/types.ts';
import type { Selectable } from 'kysely';

/** A `contact_merges` row. */
export type ContactMergeRow = Selectable<ContactMergesTable>;

/** Inserts the record of a merge. */
export async function insertContactMerge(
  db: DbOrTx,
  row: Omit<ContactMergeRow, 'moved' | 'undone_at' | 'undone_by_type' | 'undone_by_id'> & { moved: unknown },
): Promise<void> {
  await db
    .insertInto('contact_merges')
    .values({ ...row, moved: JSON.stringify(row.moved) })
    .execute();
}

/** One merge of a workspace; `forUpdate` locks it (undo). */
export function findContactMerge(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ContactMergeRow | undefined> {
  const q = db
    .selectFrom('contact_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** The merges a contact took part in (as survivor or source), newest first. */
export function listMergesOfContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<ContactMergeRow[]> {
  return db
    .selectFrom('contact_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('survivor_id', '=', contactId), eb('source_id', '=', contactId)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}

/** Marks a merge undone (once: returns false when it already was). */
export async function markContactMergeUndone(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  by: { type: string; id: string | null; at: Date },
): Promise<boolean> {
  const res = await db
    .updateTable('contact_merges')
    .set({ undone_at: by.at, undone_by_type: by.type, undone_by_id: by.id })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('undone_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Marks a contact merged into `intoId` (or, with null, not merged any more). */
export async function setContactMergedInto(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  intoId: string | null,
  at: Date,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ merged_into_id: intoId, merged_at: intoId ? at : null, updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/** Ids of the contacts merged into `contactId` (not undone). */
export async function findContactsMergedInto(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('contacts')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into_id', '=', contactId)
    .execute();
  return rows.map((r) => r.id);
}

/** Sets a contact's attributes (a merge adds the source's keys; its undo takes them away). */
export async function setContactAttributes(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  attributes: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ attributes: JSON.stringify(attributes), updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/**
 * Gives contact `toId` every tag of `fromId` it does not have; returns the tags added (`fromId` keeps its own). A
 * tag a rule added stays the rule's (its next run keeps or removes it on the survivor).
 */
export async function copyTagsToContact(
  db: DbOrTx,
  workspaceId: string,
  fromId: string,
  toId: string,
  at: Date,
): Promise<string[]> {
  const res = await sql<{ tag: string }>`
    insert into contact_tags (workspace_id, contact_id, tag, created_at, rule_id)
    select workspace_id, ${toId}::uuid, tag, ${at}::timestamptz, rule_id from contact_tags
    where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid
    on conflict (contact_id, tag) do nothing
    returning tag`.execute(db);
  return res.rows.map((r) => r.tag);
}

/** Removes the given tags from a contact (undo of a merge). */
export async function removeTagsOfContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  tags: readonly string[],
): Promise<void> {
  if (tags.length === 0) return;
  await db
    .deleteFrom('contact_tags')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('tag', 'in', [...tags])
    .execute();
}

/** The contacts module's tables whose rows a merge moves one by one. */
export type MovableContactTable = 'contact_notes' | 'contact_events';

/** Moves every row of `table` from contact `fromId` to `toId`; returns the ids moved. */
export async function moveContactRows(
  db: DbOrTx,
  table: MovableContactTable,
  workspaceId: string,
  fromId: string,
  toId: string,
): Promise<string[]> {
  const rows = await db
    .updateTable(table)
    .set({ contact_id: toId })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', fromId)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Moves the rows `ids` of `table` (still with contact `fromId`) to contact `toId` (undo of a merge). */
export async function moveContactRowsBack(
  db: DbOrTx,
  table: MovableContactTable,
  workspaceId: string,
  ids: readonly string[],
  fromId: string,
  toId: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable(table)
    .set({ contact_id: toId })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', fromId)
    .where('id', 'in', [...ids])
    .execute();
}
