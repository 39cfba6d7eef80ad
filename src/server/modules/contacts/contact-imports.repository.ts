import { sql, type Insertable, type RawBuilder, type SqlBool } from 'kysely';
import type { ContactImportRow, ContactImportsTable, DbOrTx } from '../../db/types.ts';
import type { ImportRowError } from './contact-imports.rules.ts';

export function insertImport(db: DbOrTx, values: Insertable<ContactImportsTable>): Promise<void> {
  return db
    .insertInto('contact_imports')
    .values(values)
    .execute()
    .then(() => undefined);
}

/** An import of a workspace (the API's view: another workspace's id is not found). */
export function findImport(
  db: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<ContactImportRow | undefined> {
  return db
    .selectFrom('contact_imports')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** An import by id alone (the job's view: the job carries the id and reads the workspace from the row). */
export function findImportById(db: DbOrTx, id: string): Promise<ContactImportRow | undefined> {
  return db.selectFrom('contact_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Stores one spooled piece of an upload. */
export async function insertImportChunk(
  db: DbOrTx,
  importId: string,
  seq: number,
  data: Buffer,
): Promise<void> {
  await db.insertInto('contact_import_chunks').values({ import_id: importId, seq, data }).execute();
}

/** One spooled piece (null past the last). */
export async function findImportChunk(db: DbOrTx, importId: string, seq: number): Promise<Buffer | null> {
  const row = await db
    .selectFrom('contact_import_chunks')
    .select('data')
    .where('import_id', '=', importId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row ? Buffer.from(row.data) : null;
}

export async function deleteImportChunks(db: DbOrTx, importId: string): Promise<void> {
  await db.deleteFrom('contact_import_chunks').where('import_id', '=', importId).execute();
}

/** Moves an import on: status, counters, checkpoint, end time — whatever is given. */
export async function updateImport(
  db: DbOrTx,
  id: string,
  set: Partial<{
    status: ContactImportRow['status'];
    encoding: string;
    bytes: number;
    checkpoint_row: number;
    rows: number;
    created: number;
    updated: number;
    skipped: number;
    failed: number;
    error_message: string | null;
    updated_at: Date;
    finished_at: Date | null;
  }>,
): Promise<void> {
  await db.updateTable('contact_imports').set(set).where('id', '=', id).execute();
}

/** Stores row errors of an import in one statement. */
export async function insertImportErrors(
  db: DbOrTx,
  importId: string,
  errors: readonly ImportRowError[],
): Promise<void> {
  if (errors.length === 0) return;
  await sql`
    insert into contact_import_errors (import_id, row, col, code, message)
    select ${importId}::uuid, t.row, t.col, t.code, t.message
    from unnest(${errors.map((e) => e.row)}::int[], ${errors.map((e) => e.column)}::text[],
      ${errors.map((e) => e.code)}::text[], ${errors.map((e) => e.message)}::text[]) as t(row, col, code, message)`.execute(
    db,
  );
}

/** How many row errors an import has stored. */
export async function countImportErrors(db: DbOrTx, importId: string): Promise<number> {
  const row = await db
    .selectFrom('contact_import_errors')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('import_id', '=', importId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stored row errors in row order, at most `limit`. */
export function listImportErrors(
  db: DbOrTx,
  importId: string,
  limit: number,
): Promise<Array<{ row: number; col: string | null; code: string; message: string }>> {
  return db
    .selectFrom('contact_import_errors')
    .select(['row', 'col', 'code', 'message'])
    .where('import_id', '=', importId)
    .orderBy('row')
    .orderBy('col')
    .limit(limit)
    .execute();
}

/**
 * Keeps an audience import's valid rows (contact, row number, cells by header) in one statement; a contact kept
 * already (an earlier row of the same phone, or a rerun) keeps its first row.
 */
export async function insertImportRows(
  db: DbOrTx,
  importId: string,
  rows: readonly { contactId: string; row: number; columns: Record<string, string> }[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into contact_import_rows (import_id, contact_id, row, columns)
    select ${importId}::uuid, t.contact_id, t.row, t.columns::jsonb
    from unnest(${rows.map((r) => r.contactId)}::uuid[], ${rows.map((r) => r.row)}::int[],
      ${rows.map((r) => JSON.stringify(r.columns))}::text[]) as t(contact_id, row, columns)
    on conflict (import_id, contact_id) do nothing`.execute(db);
}

/** SQL condition: the contact (alias `contactAlias`) is one of the import's kept rows. */
export function importRowsMembership(importId: string, contactAlias: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from contact_import_rows ir
    where ir.import_id = ${importId}::uuid and ir.contact_id = ${sql.ref(`${contactAlias}.id`)})`;
}
