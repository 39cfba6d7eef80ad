import { describe, expect, it } from 'vitest';
import { RedirectRateLimiter } from './campaign-links.service.ts';

describe('RedirectRateLimiter', () => {
  it('limits a client per window and starts a new window when it has passed', () => {
    const limiter = new RedirectRateLimiter(2, 60_000);
    expect([0, 1, 2].map((t) => limiter.allow('a', t))).toEqual([true, true, false]);
    expect(limiter.allow('b', 3)).toBe(true);
    expect(limiter.allow('a', 60_000)).toBe(true);
  });

  it('forgets the least recently seen client beyond its bound', () => {
    const limiter = new RedirectRateLimiter(1, 60_000, 2);
    expect(limiter.allow('a', 0)).toBe(true);
    expect(limiter.allow('b', 1)).toBe(true);
    expect(limiter.allow('a', 2)).toBe(false); // a is seen again: b is now the least recent
    expect(limiter.allow('c', 3)).toBe(true); // b is dropped
    expect(limiter.allow('a', 4)).toBe(false); // a is still remembered, over its limit
    expect(limiter.allow('b', 5)).toBe(true); // b starts afresh
  });
});
