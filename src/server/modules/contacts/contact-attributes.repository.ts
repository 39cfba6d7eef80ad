import type { Insertable } from 'kysely';
import type { AttributeDefinitionRow, ContactAttributeDefinitionsTable, DbOrTx } from '../../db/types.ts';

/** A workspace's attribute definitions, by key. */
export function findAttributeDefinitions(db: DbOrTx, workspaceId: string): Promise<AttributeDefinitionRow[]> {
  return db
    .selectFrom('contact_attribute_definitions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('key')
    .execute();
}

export function findAttributeDefinition(
  db: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<AttributeDefinitionRow | undefined> {
  return db
    .selectFrom('contact_attribute_definitions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function insertAttributeDefinition(
  db: DbOrTx,
  values: Insertable<ContactAttributeDefinitionsTable>,
): Promise<AttributeDefinitionRow> {
  return db
    .insertInto('contact_attribute_definitions')
    .values(values)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateAttributeDefinition(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  set: { label?: string; choices?: string; updated_at: Date },
): Promise<AttributeDefinitionRow | undefined> {
  return db
    .updateTable('contact_attribute_definitions')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a definition (values already stored under its key stay on the contacts). Returns rows deleted. */
export async function deleteAttributeDefinition(
  db: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<number> {
  const res = await db
    .deleteFrom('contact_attribute_definitions')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
