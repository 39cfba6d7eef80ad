import { describe, expect, it } from 'vitest';
import { SendPacer } from './pacing.rules.ts';

/** Highest number of timestamps inside any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] as number) - (times[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('SendPacer', () => {
  it.each([1, 5, 80, 1000])(
    'never exceeds %i sends in any 1-second window and reaches ≥95%% of the rate',
    (mps) => {
      const pacer = new SendPacer(mps);
      const times: number[] = [];
      let now = 0;
      const total = mps * 5;
      for (let i = 0; i < total; i++) {
        const delay = pacer.reserve(now);
        now += delay;
        times.push(now);
      }
      expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(mps);
      const achieved = total / ((now - (times[0] as number)) / 1000 + 1 / mps);
      expect(achieved).toBeGreaterThanOrEqual(0.95 * mps);
    },
  );

  it('does not let a backlog after an idle period go out in one burst beyond the window', () => {
    const pacer = new SendPacer(80);
    const times: number[] = [];
    let now = 0;
    for (let i = 0; i < 40; i++) times.push((now += pacer.reserve(now)));
    now += 10_000; // idle
    for (let i = 0; i < 400; i++) times.push((now += pacer.reserve(now)));
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(80);
  });
});
