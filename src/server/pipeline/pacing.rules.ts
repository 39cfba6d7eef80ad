/**
 * Send pacing for one phone number (pure: every method takes `now` in ms).
 *
 * Two rules together:
 * 1. A sliding window that counts each send from the start of its request until its answer arrives, and for one
 *    window (1 s) after that: a send may start only while fewer than `mps` sends count. Meta (and the simulator)
 *    count a send at the instant they handle it, which is somewhere between our request's start and the arrival of
 *    its answer; however late a request reaches them (a stalled event loop writes a bunch of requests at once, a
 *    slow network delivers them together), any `mps + 1` sends they handle within one second would include one
 *    that started while the other `mps` still counted here — which this rule forbids. So bunched sends after a
 *    stall can never exceed the limit in any one-second window as Meta counts it. The cost is the answer's latency
 *    per window (a few ms locally: ≥ 99 % of the rate; about 10 % at 100 ms of latency).
 * 2. Smooth emission (GCRA): sends are scheduled `windowMs / mps` apart. A number that fell behind its schedule
 *    (a timer that fired late, a stall of the event loop, the pause between two claimed batches) makes up for
 *    up to 100 ms of it, at four times its rate at most, so that what the loop lost is not lost for good while
 *    a backlog still does not leave in one burst that would bunch acceptance times at the far end. At high
 *    rates (intervals under 5 ms, finer than timers fire) up to 20 ms are made up for at once instead.
 *
 * The caller waits `delay(now)` (again and again, until it is 0), calls `start(now)` at the instant the request
 * really goes out and `finish(now)` when its answer (or error, or timeout) arrives. Recording actual times, not
 * planned ones, matters: timers fire late when the event loop is busy, and sends planned 20 ms apart that fire
 * together must count as a burst.
 */
/** How far behind its schedule a number may fall and still make it up (see `setWindow`). */
const CATCH_UP_MS = 100;
/** The same at high rates, where a catch-up goes out in one bunch (timers do not fire finer than 1 ms). */
const CATCH_UP_HIGH_RATE_MS = 20;

/** The widest a window gets (`slowDown`): 25% over one second. */
const MAX_WINDOW_MS = 1250;

export class SendPacer {
  /** Requests started and not answered yet: each counts until its answer arrives, and a window after. */
  private inFlight = 0;
  /** When answers arrived, in arrival order (`finish` is called with a non-decreasing `now`). */
  private answers: number[] = [];
  private head = 0;
  /** GCRA theoretical arrival time. */
  private tat = 0;
  private interval = 0;
  /** How early a send may go relative to its theoretical time: how much lost time is made up for. */
  private toleranceMs = 0;
  /** The least time between two starts: a catch-up goes at four times the rate, not in one burst. */
  private spacingMs = 0;
  private lastStart = -Infinity;
  /** No send before this instant: another worker's sends on this number still count (see `holdUntil`). */
  private heldUntil = -Infinity;

  constructor(
    readonly mps: number,
    public windowMs = 1000,
  ) {
    if (mps < 1) throw new Error('mps must be at least 1');
    this.setWindow(windowMs);
  }

  private setWindow(windowMs: number): void {
    this.windowMs = windowMs;
    this.interval = windowMs / this.mps;
    // Timers fire late whenever the event loop is busy (a few ms typically, tens of ms now and then), and each
    // millisecond beyond the tolerance would be lost for good: 100 ms of lateness are made up for, at four times
    // the rate (at twice, a loop late by more than half an interval on every wait could not catch up). Above
    // 200 mps the interval is finer than a timer, so up to 20 ms are made up for in one bunch. The sliding
    // window (rule 1) caps every window whatever is made up for.
    const highRate = this.interval < 5;
    this.toleranceMs = Math.max(this.interval / 2, highRate ? CATCH_UP_HIGH_RATE_MS : CATCH_UP_MS);
    this.spacingMs = highRate ? 0 : this.interval / 4;
  }

  /**
   * Meta said the number went over its throughput (130429) although we stayed under it (its clocks or a proxy
   * in between disagree with ours). Widen the window by 5% (up to 25% over one second) for the rest of this run.
   */
  slowDown(): void {
    this.setWindow(Math.min(MAX_WINDOW_MS, this.windowMs * 1.05));
  }

  /** Answers that still count at `now` (arrived less than a window ago); older ones are forgotten. */
  private recentAnswers(now: number): number {
    const from = now - this.windowMs;
    while (this.head < this.answers.length && (this.answers[this.head] as number) <= from) this.head++;
    if (this.head > 1024 && this.head * 2 > this.answers.length) {
      this.answers = this.answers.slice(this.head);
      this.head = 0;
    }
    return this.answers.length - this.head;
  }

  /**
   * How long to wait from `now` before a send is allowed (0 = it may go now). When `mps` requests are still
   * unanswered, only an answer can free a slot: the result is one interval, to ask again then.
   */
  delay(now: number): number {
    const gcra = Math.max(
      0,
      this.tat - this.toleranceMs - now,
      this.lastStart + this.spacingMs - now,
      this.heldUntil - now,
    );
    const recent = this.recentAnswers(now);
    const excess = this.inFlight + recent - this.mps + 1;
    if (excess <= 0) return gcra;
    if (excess > recent) return Math.max(gcra, this.interval, 1);
    // The `excess` oldest answers must leave the window first.
    const frees = (this.answers[this.head + excess - 1] as number) + this.windowMs;
    return Math.max(gcra, frees - now);
  }

  /**
   * The number was driven by another worker until now, whose sends this pacer never saw: none may start before
   * `instant`, when the last of them stops counting in the window as Meta counts it. `instant` comes from the
   * other machine's clock: at most one (widest) window from `now` is waited, whatever their clocks disagree by.
   */
  holdUntil(instant: number, now: number): void {
    this.heldUntil = Math.max(this.heldUntil, Math.min(instant, now + MAX_WINDOW_MS));
  }

  /**
   * When no send of this pacer counts any more (its last answer plus a window); Infinity while a request is
   * unanswered, -Infinity when nothing was ever sent. Another worker taking the number over waits for it.
   */
  quietAt(): number {
    if (this.inFlight > 0) return Infinity;
    const last = this.answers[this.answers.length - 1];
    return last === undefined ? -Infinity : last + this.windowMs;
  }

  /** Records a request starting at `now` (call only when `delay(now)` is 0); `finish` must follow. */
  start(now: number): void {
    this.tat = Math.max(this.tat, now) + this.interval;
    this.lastStart = now;
    this.inFlight++;
  }

  /** Records the answer (success, error or timeout) of a started request arriving at `now`. */
  finish(now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const last = this.answers[this.answers.length - 1];
    this.answers.push(last !== undefined && last > now ? last : now);
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
