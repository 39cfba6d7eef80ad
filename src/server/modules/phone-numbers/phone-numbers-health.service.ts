import type { Clock } from '../../../lib/clock.ts';
import type { DbOrTx } from '../../db/types.ts';
import { accountEventOf, qualityUpdateOf } from './number-health.rules.ts';
import { writeWabaNumbersHealth } from './phone-numbers-health.repository.ts';

/** A WABA-level webhook field that carries a number's health. */
export const HEALTH_WEBHOOK_FIELDS = ['phone_number_quality_update', 'account_update'] as const;
export type HealthWebhookField = (typeof HEALTH_WEBHOOK_FIELDS)[number];

/** True for the webhook fields {@link applyHealthWebhook} stores. */
export function isHealthWebhookField(field: string): field is HealthWebhookField {
  return (HEALTH_WEBHOOK_FIELDS as readonly string[]).includes(field);
}

/**
 * Applies a `phone_number_quality_update` (to the number it names by display number) or an `account_update`
 * (to every number of the WABA) in the workspaces the WABA's update belongs to (the caller decides which: only
 * those with verified numbers on it). Returns the number of numbers changed; 0 means nothing matched, which
 * the caller dead-letters.
 */
export async function applyHealthWebhook(
  tx: DbOrTx,
  clock: Clock,
  workspaceIds: string[],
  update: { wabaId: string; field: HealthWebhookField; value: unknown },
): Promise<number> {
  if (update.field === 'phone_number_quality_update') {
    const q = qualityUpdateOf(update.value);
    if (!q) return 0;
    return writeWabaNumbersHealth(
      tx,
      { workspaceIds, wabaId: update.wabaId, displayDigits: q.displayDigits },
      q.patch,
      clock.now(),
    );
  }
  const event = accountEventOf(update.value);
  if (!event) return 0;
  return writeWabaNumbersHealth(
    tx,
    { workspaceIds, wabaId: update.wabaId },
    { accountEvent: event },
    clock.now(),
  );
}
