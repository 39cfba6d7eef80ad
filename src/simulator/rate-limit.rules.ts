/**
 * The Cloud API's sending limits (reference §6.3, §6.4) as small stateful checkers. Each takes `now` (ms) as
 * an argument and never reads a clock, so the arithmetic is unit-testable and the simulator decides when
 * "now" is. Every checker separates `check` from `record`, so a send rejected by one limit consumes nothing
 * from the others.
 */

/** Sliding one-second window of accepted sends per business number (default 80 mps → 130429 beyond). */
export class ThroughputWindow {
  private readonly stamps: number[] = [];
  private head = 0;

  constructor(private readonly windowMs = 1000) {}

  /** Sends accepted in `(now - windowMs, now]`. */
  count(now: number): number {
    while (this.head < this.stamps.length && (this.stamps[this.head] as number) <= now - this.windowMs)
      this.head++;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps.splice(0, this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }

  /** True when one more send at `now` stays within `limit` sends per window. */
  allows(now: number, limit: number): boolean {
    return this.count(now) < limit;
  }

  record(now: number): void {
    this.stamps.push(now);
  }
}

/** Pair-rate parameters: a token bucket per (business number, recipient). */
export interface PairRateConfig {
  /** Burst allowance; Meta documents 45 messages in 6 s. */
  capacity: number;
  /** One token comes back every this many ms; Meta documents ~1 message per 6 s. */
  refillMs: number;
}

/** Meta's documented defaults. */
export const DEFAULT_PAIR_RATE: PairRateConfig = { capacity: 45, refillMs: 6000 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Token buckets keyed by an opaque pair key (the simulator uses `pnid:wa_id`). */
export class PairRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly config: PairRateConfig = DEFAULT_PAIR_RATE) {}

  private refill(key: string, now: number): Bucket {
    const b = this.buckets.get(key) ?? { tokens: this.config.capacity, updatedAt: now };
    const earned = (now - b.updatedAt) / this.config.refillMs;
    if (earned > 0) {
      b.tokens = Math.min(this.config.capacity, b.tokens + earned);
      b.updatedAt = now;
    }
    this.buckets.set(key, b);
    return b;
  }

  /** True when the pair has a whole token left at `now`. */
  allows(key: string, now: number): boolean {
    return this.refill(key, now).tokens >= 1;
  }

  /** Consumes one token (call only after {@link allows} said yes). */
  record(key: string, now: number): void {
    this.refill(key, now).tokens -= 1;
  }

  clear(): void {
    this.buckets.clear();
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Unique recipients reached outside the customer-service window in a rolling 24 h (reference §6.4). A Map
 * keeps insertion order, and re-inserting on refresh moves a recipient to the end, so expired entries are
 * always at the front and pruning is amortised O(1) even with 100k recipients.
 */
export class MessagingLimitTracker {
  private readonly lastReached = new Map<string, number>();

  private prune(now: number): void {
    for (const [waId, at] of this.lastReached) {
      if (at > now - DAY_MS) break;
      this.lastReached.delete(waId);
    }
  }

  /** True when messaging `waId` at `now` stays within `limit` unique recipients per 24 h. */
  allows(waId: string, now: number, limit: number | undefined): boolean {
    if (limit === undefined) return true;
    this.prune(now);
    return this.lastReached.has(waId) || this.lastReached.size < limit;
  }

  record(waId: string, now: number): void {
    this.lastReached.delete(waId);
    this.lastReached.set(waId, now);
  }

  /** Unique recipients counted in the window ending at `now`. */
  size(now: number): number {
    this.prune(now);
    return this.lastReached.size;
  }
}
