import { sql } from 'kysely';
import type { DbOrTx, PhoneNumberRow } from '../../db/types.ts';
import type { NumberHealthPatch } from './number-health.rules.ts';

/** The columns of a health patch (fields left out are not touched). */
function healthColumns(patch: NumberHealthPatch, now: Date) {
  return {
    ...(patch.qualityRating !== undefined ? { quality_rating: patch.qualityRating } : {}),
    ...(patch.messagingTier !== undefined ? { messaging_tier: patch.messagingTier } : {}),
    ...(patch.throughputLevel !== undefined ? { throughput_level: patch.throughputLevel } : {}),
    ...(patch.qualityEvent !== undefined ? { quality_event: patch.qualityEvent } : {}),
    ...(patch.accountEvent !== undefined ? { account_event: patch.accountEvent } : {}),
    health_updated_at: now,
  };
}

/** Stores health read for one number of a workspace; returns the row, or undefined when it is gone. */
export function writeNumberHealth(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  patch: NumberHealthPatch,
  now: Date,
): Promise<PhoneNumberRow | undefined> {
  return db
    .updateTable('phone_numbers')
    .set(healthColumns(patch, now))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Stores a webhook's health patch on the verified numbers of `wabaId` in the given workspaces, optionally only
 * the number whose display number has these digits (`phone_number_quality_update` names the number that way).
 * Returns how many numbers changed.
 */
export async function writeWabaNumbersHealth(
  db: DbOrTx,
  target: { workspaceIds: string[]; wabaId: string; displayDigits?: string },
  patch: NumberHealthPatch,
  now: Date,
): Promise<number> {
  if (target.workspaceIds.length === 0) return 0;
  let q = db
    .updateTable('phone_numbers')
    .set(healthColumns(patch, now))
    .where('workspace_id', 'in', target.workspaceIds)
    .where('waba_id', '=', target.wabaId)
    .where('verified_at', 'is not', null)
    .where('deleted_at', 'is', null);
  if (target.displayDigits !== undefined)
    q = q.where(
      sql<string>`regexp_replace(display_phone_number, '[^0-9]', '', 'g')`,
      '=',
      target.displayDigits,
    );
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Records that the app was subscribed to the number's WABA webhooks. */
export function markWebhooksSubscribed(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<PhoneNumberRow | undefined> {
  return db
    .updateTable('phone_numbers')
    .set({ webhooks_subscribed_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
