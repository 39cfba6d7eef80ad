/**
 * Send pacing for one phone number (pure: every method takes `now` in ms).
 *
 * Two rules together:
 * 1. A sliding-window log: at most `mps` sends in any window of `windowMs` (1 s plus a safety margin, so that
 *    network jitter between our send and Meta's acceptance cannot push Meta's 1-second count over the limit).
 * 2. Smooth emission (GCRA): sends are spaced `windowMs / mps` apart with a tolerance of half an interval
 *    (20 ms at high rates), so a backlog does not leave in one burst that would bunch acceptance times at the
 *    far end, while a timer that fires late or a short stall of the event loop is made up for instead of lost
 *    for good.
 *
 * The caller waits `delay(now)` (again and again, until it is 0) and then calls `record(now)` at the instant
 * the send really goes out. Recording actual times, not planned ones, matters: timers fire late when the event
 * loop is busy, and sends planned 20 ms apart that fire together must count as a burst.
 */
/** The longest stall of the sending loop that pacing makes up for (see `setWindow`). */
const CATCH_UP_MS = 20;

export class SendPacer {
  private readonly log: Float64Array;
  private head = 0;
  private count = 0;
  /** GCRA theoretical arrival time. */
  private tat = 0;
  private interval = 0;
  /** How early a send may go relative to its theoretical time: absorbs timer lateness, allows no bursts. */
  private toleranceMs = 0;

  constructor(
    readonly mps: number,
    public windowMs = 1040,
  ) {
    if (mps < 1) throw new Error('mps must be at least 1');
    this.log = new Float64Array(mps);
    this.setWindow(windowMs);
  }

  private setWindow(windowMs: number): void {
    this.windowMs = windowMs;
    this.interval = windowMs / this.mps;
    // Half an interval: a timer that fires late is made up for by letting the next send go a little early.
    // At high rates (intervals of a few ms) a pause of the event loop (GC, a burst of webhooks) is longer than
    // that, so up to 20 ms are made up for (a catch-up of 20 sends at 1,000 mps); the sliding window above
    // still caps every window. At low rates a catch-up would only bunch sends for no gain.
    this.toleranceMs = Math.max(this.interval / 2, 2, this.interval < 5 ? CATCH_UP_MS : 0);
  }

  /**
   * Meta said the number went over its throughput (130429) although we stayed under it: network jitter is
   * larger than our margin. Widen the window by 5% (up to 25% over one second) for the rest of this run.
   */
  slowDown(): void {
    this.setWindow(Math.min(1250, this.windowMs * 1.05));
  }

  /** How long to wait from `now` before a send is allowed (0 = it may go now). */
  delay(now: number): number {
    const gcra = this.tat - this.toleranceMs;
    // The send `mps` sends ago must be at least a window old.
    const oldest = this.count < this.mps ? -Infinity : (this.log[this.head] as number);
    return Math.max(0, gcra - now, oldest + this.windowMs - now);
  }

  /** Records a send going out at `now` (call only when `delay(now)` is 0). */
  record(now: number): void {
    this.tat = Math.max(this.tat, now) + this.interval;
    this.log[this.head] = now;
    this.head = (this.head + 1) % this.mps;
    this.count = Math.min(this.count + 1, this.mps);
  }
}

/** Backoff before retrying a whole number after a throughput error (130429), by consecutive hits. */
export function numberBackoffMs(consecutiveHits: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, consecutiveHits - 1));
}

/** Backoff for one recipient after a pair-rate error (131056): Meta suggests 4^X seconds. */
export function recipientBackoffMs(attempt: number): number {
  return Math.min(15 * 60_000, 1000 * 4 ** Math.max(0, attempt - 1));
}

/** Backoff after a retryable error (5xx, network) for a message's `attempt` (1-based). */
export function retryBackoffMs(attempt: number): number {
  return Math.min(10 * 60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** Attempts after which a message that keeps hitting retryable errors is marked failed. */
export const MAX_SEND_ATTEMPTS = 12;
