import type { DbOrTx } from '../../db/types.ts';

/** A throttle row as stored. */
export interface ThrottleRow {
  key: string;
  failures: number;
  nextAllowedAt: Date;
  updatedAt: Date;
}

/**
 * Creates the missing rows of `keys` and returns all of them locked (`ON CONFLICT DO UPDATE` takes the row
 * lock), in key order so two transactions never wait on each other crosswise. Call inside a transaction.
 */
export async function lockThrottleRows(tx: DbOrTx, keys: string[], now: Date): Promise<ThrottleRow[]> {
  const rows = await tx
    .insertInto('auth_throttles')
    .values([...keys].sort().map((key) => ({ key, failures: 0, next_allowed_at: now, updated_at: now })))
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ key: eb.ref('excluded.key') })))
    .returning(['key', 'failures', 'next_allowed_at', 'updated_at'])
    .execute();
  return rows.map((r) => ({
    key: r.key,
    failures: r.failures,
    nextAllowedAt: r.next_allowed_at,
    updatedAt: r.updated_at,
  }));
}

/** Stores the charged state of locked rows. */
export async function saveThrottleRows(tx: DbOrTx, rows: ThrottleRow[]): Promise<void> {
  for (const r of rows) {
    await tx
      .updateTable('auth_throttles')
      .set({ failures: r.failures, next_allowed_at: r.nextAllowedAt, updated_at: r.updatedAt })
      .where('key', '=', r.key)
      .execute();
  }
}

/** Forgets the failures of `keys` (after a successful check, or a password reset). */
export async function clearThrottleKeys(db: DbOrTx, keys: string[]): Promise<void> {
  if (keys.length > 0) await db.deleteFrom('auth_throttles').where('key', 'in', keys).execute();
}

/** Forgets every failure counted against an account (its `acct:` key and all its `pair:` keys). */
export async function clearAccountThrottle(
  db: DbOrTx,
  accountKey: string,
  pairPrefix: string,
): Promise<void> {
  await db
    .deleteFrom('auth_throttles')
    .where((eb) => eb.or([eb('key', '=', accountKey), eb('key', 'like', `${pairPrefix}%`)]))
    .execute();
}

/** Takes back the one failure charged up front to `key` (a check that turned out right). */
export async function refundThrottleKey(db: DbOrTx, key: string): Promise<void> {
  await db
    .updateTable('auth_throttles')
    .set((eb) => ({ failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]) }))
    .where('key', '=', key)
    .execute();
}
