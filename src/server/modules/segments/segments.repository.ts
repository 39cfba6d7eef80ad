/**
 * SQL of segments: the `segments` table (written only here) and the contacts a compiled condition selects (one
 * query each for the count and a page, scoped by workspace).
 */
import type { RawBuilder, SqlBool } from 'kysely';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type { ContactRow, DbOrTx, SegmentRow } from '../../db/types.ts';

/** Alias of the contacts row the compiled condition refers to. */
export const CONTACT_ALIAS = 'c';

export function listSegmentRows(db: DbOrTx, workspaceId: string): Promise<SegmentRow[]> {
  return db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .limit(1000)
    .execute();
}

export function findSegmentRow(db: DbOrTx, workspaceId: string, id: string): Promise<SegmentRow | undefined> {
  return db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function insertSegmentRow(
  db: DbOrTx,
  row: {
    id: string;
    workspaceId: string;
    name: string;
    condition: ConditionNode;
    conditionText: string | null;
    createdBy: string | null;
    at: Date;
  },
): Promise<SegmentRow> {
  return db
    .insertInto('segments')
    .values({
      id: row.id,
      workspace_id: row.workspaceId,
      name: row.name,
      condition: JSON.stringify(row.condition),
      condition_text: row.conditionText,
      created_by: row.createdBy,
      created_at: row.at,
      updated_at: row.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateSegmentRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  change: { name?: string; condition?: ConditionNode; conditionText?: string | null; at: Date },
): Promise<SegmentRow | undefined> {
  return db
    .updateTable('segments')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.condition !== undefined
        ? { condition: JSON.stringify(change.condition), condition_text: change.conditionText ?? null }
        : {}),
      updated_at: change.at,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSegmentRow(db: DbOrTx, workspaceId: string, id: string): Promise<number> {
  const r = await db
    .deleteFrom('segments')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** How many of the workspace's contacts satisfy `where` (compiled over alias `c`); merged contacts never do. */
export async function countMatchingContacts(
  db: DbOrTx,
  workspaceId: string,
  where: RawBuilder<SqlBool>,
): Promise<number> {
  const row = await db
    .selectFrom('contacts as c')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('c.workspace_id', '=', workspaceId)
    .where('c.merged_into_id', 'is', null)
    .where('c.archived_at', 'is', null)
    .where(where)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of matching contacts, newest first (UUIDv7 ids), after the id `beforeId` when given. */
export function selectMatchingContacts(
  db: DbOrTx,
  input: { workspaceId: string; where: RawBuilder<SqlBool>; limit: number; beforeId?: string },
): Promise<ContactRow[]> {
  let q = db
    .selectFrom('contacts as c')
    .selectAll('c')
    .where('c.workspace_id', '=', input.workspaceId)
    .where('c.merged_into_id', 'is', null)
    .where('c.archived_at', 'is', null);
  if (input.beforeId) q = q.where('c.id', '<', input.beforeId);
  return q.where(input.where).orderBy('c.id', 'desc').limit(input.limit).execute();
}
