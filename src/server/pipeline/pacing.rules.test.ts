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
    'never exceeds %i sends in any 1-second window and reaches ≥95 percent of the rate',
    (mps) => {
      const pacer = new SendPacer(mps);
      const times: number[] = [];
      let now = 0;
      const total = mps * 5;
      for (let i = 0; i < total; i++) {
        now += pacer.delay(now);
        pacer.record(now);
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
    const send = () => {
      now += pacer.delay(now);
      pacer.record(now);
      times.push(now);
    };
    for (let i = 0; i < 40; i++) send();
    now += 10_000; // idle
    for (let i = 0; i < 400; i++) send();
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(80);
  });

  it('keeps the limit when timers fire late and planned sends bunch up', () => {
    const mps = 50;
    const pacer = new SendPacer(mps);
    const times: number[] = [];
    let now = 0;
    // Every 7th wait the event loop is blocked for 90 ms, so the timer fires late.
    for (let i = 0; i < mps * 6; i++) {
      for (let d = pacer.delay(now); d > 0; d = pacer.delay(now)) now += d + (i % 7 === 0 ? 90 : 0);
      pacer.record(now);
      times.push(now);
    }
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(mps);
    expect(maxInWindow(times, 1040)).toBeLessThanOrEqual(mps);
  });

  it('makes up for timers that always fire a few milliseconds late', () => {
    const mps = 80;
    const pacer = new SendPacer(mps);
    const times: number[] = [];
    let now = 0;
    for (let i = 0; i < mps * 10; i++) {
      for (let d = pacer.delay(now); d > 0; d = pacer.delay(now)) now += d + 3;
      pacer.record(now);
      times.push(now);
    }
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(mps);
    expect(times.length / ((now - (times[0] as number)) / 1000)).toBeGreaterThanOrEqual(0.95 * mps);
  });

  it('slows down after Meta reports a throughput error, at most 25%', () => {
    const pacer = new SendPacer(100);
    for (let i = 0; i < 20; i++) pacer.slowDown();
    expect(pacer.windowMs).toBe(1250);
  });
});
