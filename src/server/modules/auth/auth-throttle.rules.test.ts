import { describe, expect, it } from 'vitest';
import {
  THROTTLE_FORGET_AFTER_MS,
  THROTTLE_POLICIES,
  backoffDelayMs,
  decideThrottle,
  type ThrottleState,
} from './auth-throttle.rules.ts';

const now = new Date('2026-03-01T12:00:00Z');
const state = (over: Partial<ThrottleState> = {}): ThrottleState => ({
  key: 'pair:x',
  scope: 'pair',
  failures: 0,
  nextAllowedAt: now,
  updatedAt: now,
  ...over,
});

describe('password-check throttling', () => {
  it('allows the free failures, then doubles the wait up to the cap', () => {
    const p = THROTTLE_POLICIES.pair;
    expect([1, 2, 3, 4].map((f) => backoffDelayMs(f, p))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8].map((f) => backoffDelayMs(f, p))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoffDelayMs(40, p)).toBe(p.maxDelayMs);
    expect(backoffDelayMs(1000, THROTTLE_POLICIES.account)).toBe(60_000);
  });

  it('refuses while any key waits, without counting the refused attempt', () => {
    const waiting = state({ scope: 'ip', failures: 25, nextAllowedAt: new Date(now.getTime() + 1500) });
    expect(decideThrottle([state(), waiting], now)).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });

  it('charges every key one failure up front and sets its next allowed time', () => {
    const d = decideThrottle([state({ failures: 4 }), state({ key: 'ip:1', scope: 'ip', failures: 3 })], now);
    expect(d.allowed).toBe(true);
    if (!d.allowed) return;
    expect(d.charged.map((s) => [s.failures, s.nextAllowedAt.getTime() - now.getTime()])).toEqual([
      [5, 2000],
      [4, 0],
    ]);
  });

  it('forgets failures an hour after the last one', () => {
    const old = state({ failures: 9, updatedAt: new Date(now.getTime() - THROTTLE_FORGET_AFTER_MS) });
    const d = decideThrottle([old], now);
    expect(d.allowed && d.charged[0]?.failures).toBe(1);
  });
});
