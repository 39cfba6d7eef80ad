/**
 * Send pacing for one phone number (pure: every method takes `now` in ms).
 *
 * Two rules together:
 * 1. A sliding-window log: at most `mps` sends in any window of `windowMs` (1 s plus a safety margin, so that
 *    network jitter between our send and Meta's acceptance cannot push Meta's 1-second count over the limit).
 * 2. Smooth emission (GCRA): sends are spaced `windowMs / mps` apart with a small burst allowance, so a backlog
 *    does not leave in one burst that would queue up at the far end and bunch acceptance times.
 *
 * The caller waits `delay(now)` (again and again, until it is 0) and then calls `record(now)` at the instant
 * the send really goes out. Recording actual times, not planned ones, matters: timers fire late when the event
 * loop is busy, and sends planned 20 ms apart that fire together must count as a burst.
 */
export class SendPacer {
  private readonly log: Float64Array;
  private head = 0;
  private count = 0;
  /** GCRA theoretical arrival time. */
  private tat = 0;
  private readonly interval: number;
  private readonly burstMs: number;

  constructor(
    readonly mps: number,
    readonly windowMs = 1040,
    burst = Math.max(1, Math.floor(mps / 50)),
  ) {
    if (mps < 1) throw new Error('mps must be at least 1');
    this.log = new Float64Array(mps);
    this.interval = windowMs / mps;
    this.burstMs = this.interval * (burst - 1);
  }

  /** How long to wait from `now` before a send is allowed (0 = it may go now). */
  delay(now: number): number {
    const gcra = this.tat - this.burstMs;
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
