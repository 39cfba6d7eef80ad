/** Login throttling: after `MAX_FAILURES` failed attempts for one email within the window, wait it out. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES = 5;
export const SESSION_TTL_MS = 14 * 24 * 60 * 60_000;

/**
 * Given the recent attempts for an email (newest first), when the next attempt is allowed (null = now).
 * Failures are counted since the last success, within the window.
 */
export function loginLockedUntil(attempts: Array<{ at: Date; succeeded: boolean }>, now: Date): Date | null {
  const recent = attempts.filter((a) => now.getTime() - a.at.getTime() < LOGIN_WINDOW_MS);
  const failures: Date[] = [];
  for (const a of recent) {
    if (a.succeeded) break;
    failures.push(a.at);
  }
  if (failures.length < MAX_FAILURES) return null;
  const oldestCounted = failures[MAX_FAILURES - 1] as Date;
  return new Date(oldestCounted.getTime() + LOGIN_WINDOW_MS);
}
