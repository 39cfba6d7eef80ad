/**
 * Time as a dependency. Everything that reads the time or waits takes a `Clock`, so tests drive time with
 * `FakeClock` and never sleep, and benchmarks run on the real one.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /** Milliseconds since the epoch (same instant as `now()`). */
  nowMs(): number;
  /**
   * Calls `fn` after `ms` milliseconds of this clock's time. Returns a function that cancels it.
   * On the fake clock the callback runs when `advance()` passes its due time.
   */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

interface PendingTimer {
  due: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to. Timers fire in due order during `advance()`. */
export class FakeClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private seq = 0;

  constructor(start: Date | string | number = '2026-01-05T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  nowMs(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: PendingTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.due > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
  }

  /** Sets the time to an absolute instant (forward only). */
  set(to: Date | string | number): void {
    const ms = new Date(to).getTime() - this.current;
    if (ms < 0) throw new Error('FakeClock cannot go backwards');
    this.advance(ms);
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.timers.length;
  }
}
