import { describe, expect, it } from 'vitest';
import { LOGIN_WINDOW_MS, MAX_FAILURES, loginLockedUntil } from './auth.rules.ts';

const at = (minutesAgo: number, succeeded = false, now = Date.parse('2026-03-01T12:00:00Z')) => ({
  at: new Date(now - minutesAgo * 60_000),
  succeeded,
});

describe('login throttling', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  it(`locks after ${MAX_FAILURES} failures inside the window, until the oldest of them ages out`, () => {
    const attempts = [1, 2, 3, 4, 5].map((m) => at(m));
    const until = loginLockedUntil(attempts, now);
    expect(until?.getTime()).toBe(now.getTime() - 5 * 60_000 + LOGIN_WINDOW_MS);
    expect(loginLockedUntil(attempts.slice(0, 4), now)).toBeNull();
  });
  it('counts failures only since the last success and within the window', () => {
    expect(loginLockedUntil([at(1), at(2), at(3, true), at(4), at(5), at(6)], now)).toBeNull();
    expect(loginLockedUntil([at(1), at(2), at(3), at(4), at(20)], now)).toBeNull();
  });
});
