import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../../lib/crypto.ts';
import {
  clearAccountThrottle,
  clearThrottleKeys,
  lockThrottleRows,
  refundThrottleKey,
  saveThrottleRows,
} from './auth-throttle.repository.ts';
import { decideThrottle, type ThrottleScope } from './auth-throttle.rules.ts';

/** The throttle keys of one password check. The account is stored as a hash (no e-mail addresses at rest). */
export function throttleKeys(email: string, ip: string | null): Record<ThrottleScope, string> {
  const account = sha256Hex(email.trim().toLowerCase()).slice(0, 32);
  const addr = ip ?? 'unknown';
  return { pair: `pair:${account}:${addr}`, account: `acct:${account}`, ip: `ip:${addr}` };
}

/**
 * Runs one password check under the throttle (every password check goes through here: sign-in, password
 * change). Atomic: the keys' rows are locked, decided and charged in one short transaction, before the slow
 * hash, so concurrent guesses cannot all slip past one reading of the counters. Throws `too_many_attempts`
 * (429, `details.retryAfterSeconds`, sent as `Retry-After`) while a key waits. A right password clears the
 * account's keys and refunds the address its charge.
 */
export async function throttledPasswordCheck(
  deps: { db: Db; clock: Clock },
  who: { email: string; ip: string | null },
  check: () => Promise<boolean>,
): Promise<boolean> {
  const keys = throttleKeys(who.email, who.ip);
  const scopeOf = new Map(Object.entries(keys).map(([scope, key]) => [key, scope as ThrottleScope]));
  const decision = await deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const rows = await lockThrottleRows(tx, Object.values(keys), now);
    const d = decideThrottle(
      rows.map((r) => ({ ...r, scope: scopeOf.get(r.key) ?? 'ip' })),
      now,
    );
    if (d.allowed) await saveThrottleRows(tx, d.charged);
    return d;
  });
  if (!decision.allowed) {
    throw new AppError('too_many_attempts', 'Too many failed password attempts; try again later', {
      retryAfterSeconds: decision.retryAfterSeconds,
    });
  }
  const ok = await check();
  if (ok) {
    await clearThrottleKeys(deps.db, [keys.pair, keys.account]);
    await refundThrottleKey(deps.db, keys.ip);
  }
  return ok;
}

/** Forgets the failures counted against an account from anywhere (after a password reset). */
export async function clearAccountFailures(db: DbOrTx, email: string): Promise<void> {
  const keys = throttleKeys(email, '');
  await clearAccountThrottle(db, keys.account, keys.pair);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password for a user who may not exist (or may be deactivated): without one, the password is
 * checked against a dummy hash with the same cost, so the answer takes as long either way and its timing
 * does not tell which e-mail addresses have accounts.
 */
export async function verifyAccountPassword(
  user: { password_hash: string; deactivated_at: Date | null } | undefined,
  password: string,
): Promise<boolean> {
  if (user && !user.deactivated_at) return verifyPassword(password, user.password_hash);
  dummyHash ??= hashPassword(randomToken('', 16));
  await verifyPassword(password, await dummyHash);
  return false;
}
