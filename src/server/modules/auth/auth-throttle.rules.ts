/**
 * Password-check throttling (sign-in, password change): pure rules, time passed in.
 *
 * Every check is counted against three keys: the account from this client address (`pair`), the account
 * from anywhere (`account`), and the client address for any account (`ip`). Each key allows a few free
 * failures, then exponential back-off: after the n-th failure beyond the free ones the next check is allowed
 * only 2^n seconds later, capped. There is no hard lock-out: the account-wide cap is short (one minute), so a
 * stranger guessing from elsewhere slows the real owner down by at most that, while a single address that
 * keeps guessing waits up to 15 minutes a try. A key's failures are forgotten an hour after its last failure.
 */
export type ThrottleScope = 'pair' | 'account' | 'ip';

export interface ThrottlePolicy {
  /** Failures allowed without any wait. */
  freeFailures: number;
  /** The longest wait between two checks, in ms. */
  maxDelayMs: number;
}

export const THROTTLE_POLICIES: Record<ThrottleScope, ThrottlePolicy> = {
  pair: { freeFailures: 5, maxDelayMs: 15 * 60_000 },
  account: { freeFailures: 10, maxDelayMs: 60_000 },
  ip: { freeFailures: 20, maxDelayMs: 15 * 60_000 },
};

/** Failures are forgotten this long after a key's last counted check. */
export const THROTTLE_FORGET_AFTER_MS = 60 * 60_000;

/** The stored state of one key. */
export interface ThrottleState {
  key: string;
  scope: ThrottleScope;
  failures: number;
  nextAllowedAt: Date;
  updatedAt: Date;
}

/** How long after `failures` consecutive failures the next check must wait (0 while still free). */
export function backoffDelayMs(failures: number, policy: ThrottlePolicy): number {
  const beyond = failures - policy.freeFailures + 1;
  if (beyond <= 0) return 0;
  return Math.min(policy.maxDelayMs, 1000 * 2 ** Math.min(beyond, 30));
}

/** The outcome of asking to check a password now. */
export type ThrottleDecision =
  { allowed: true; charged: ThrottleState[] } | { allowed: false; retryAfterSeconds: number };

/**
 * Decides whether a password check may run now. If any key is still waiting, the check is refused and
 * nothing is counted (a refused attempt costs the caller nothing but also tells them nothing). Otherwise
 * every key is charged one failure up front — a success undoes it — so concurrent guesses, serialised by
 * the row lock, each see the ones before them.
 */
export function decideThrottle(states: ThrottleState[], now: Date): ThrottleDecision {
  const t = now.getTime();
  const waitMs = Math.max(0, ...states.map((s) => s.nextAllowedAt.getTime() - t));
  if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
  const charged = states.map((s) => {
    const stale = t - s.updatedAt.getTime() >= THROTTLE_FORGET_AFTER_MS;
    const failures = (stale ? 0 : s.failures) + 1;
    const delay = backoffDelayMs(failures, THROTTLE_POLICIES[s.scope]);
    return { ...s, failures, nextAllowedAt: new Date(t + delay), updatedAt: now };
  });
  return { allowed: true, charged };
}
