import type { DbOrTx, PhoneNumberRow } from '../../db/types.ts';

/** Phone numbers of a workspace (soft-deleted ones excluded). */
export function listPhoneNumbers(db: DbOrTx, workspaceId: string): Promise<PhoneNumberRow[]> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

export function findPhoneNumber(
  db: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Finds a live number by its Cloud API phone number id: how webhooks are routed to a workspace. */
export function findByCloudId(db: DbOrTx, phoneNumberId: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}
