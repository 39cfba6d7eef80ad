import { newId } from '../../../lib/ids.ts';
import type { DbOrTx } from '../../db/types.ts';

/** A contact's event as stored. */
export interface ContactEventRow {
  id: string;
  name: string;
  occurred_at: Date;
  properties: unknown;
}

/** Inserts one event of a contact (the caller has checked the contact is in the workspace). */
export async function insertContactEvent(
  db: DbOrTx,
  input: {
    workspaceId: string;
    contactId: string;
    name: string;
    occurredAt: Date;
    properties: Record<string, unknown>;
    now: Date;
  },
): Promise<ContactEventRow> {
  return db
    .insertInto('contact_events')
    .values({
      id: newId(),
      workspace_id: input.workspaceId,
      contact_id: input.contactId,
      name: input.name,
      occurred_at: input.occurredAt,
      properties: JSON.stringify(input.properties),
      created_at: input.now,
    })
    .returning(['id', 'name', 'occurred_at', 'properties'])
    .executeTakeFirstOrThrow();
}

/** A contact's latest events, newest first. */
export async function listContactEvents(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  limit: number,
): Promise<ContactEventRow[]> {
  return db
    .selectFrom('contact_events')
    .select(['id', 'name', 'occurred_at', 'properties'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at', 'desc')
    .limit(limit)
    .execute();
}
