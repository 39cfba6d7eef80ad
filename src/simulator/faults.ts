import { z } from 'zod';

/**
 * Fault injection settings (`POST /control/faults`). Everything defaults to "no fault", so a fresh simulator
 * behaves like a healthy Cloud API; tests switch on exactly the misbehaviour they want to survive.
 */
export const faultsSchema = z.strictObject({
  /** Added to every Graph API response, measured on the simulator's clock (fake-clock tests advance it). */
  latencyMs: z.number().int().min(0).max(600_000).default(0),
  /** Probability (0–1) that a `POST …/messages` fails with a server-side Graph error instead of being handled. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Graph codes to pick from when `errorRate` fires (HTTP status from the code table: 131000→500, 2/133004→503). */
  errorCodes: z.array(z.number().int().nonnegative()).min(1).default([131000, 2, 133004]),
  /** Forces this HTTP status for injected errors instead of the code table's. */
  errorStatus: z.number().int().min(400).max(599).optional(),
  /** Probability (0–1) that a webhook POST is delivered a second time (at-least-once delivery). */
  duplicateWebhookRate: z.number().min(0).max(1).default(0),
  /** Shuffle webhook deliveries that are ready together instead of keeping per-conversation order. */
  reorderWebhooks: z.boolean().default(false),
  /** With `reorderWebhooks`: hold updates for this long and release the whole window shuffled (0 = no hold). */
  reorderWindowMs: z.number().int().min(0).max(3_600_000).default(0),
  /** Aggregate up to this many updates of one WABA into a single POST (1 = one update per POST). */
  batchSize: z.number().int().min(1).max(1000).default(1),
  /** Status values never emitted, e.g. `["delivered"]` to model "read without delivered". */
  dropStatuses: z.array(z.enum(['sent', 'delivered', 'read', 'failed'])).default([]),
  /**
   * Caps the wait between retries of a webhook POST that failed (ms; default: the queue's own backoff, 1 s doubling
   * up to 60 s). Tests that kill and restart the receiver set a small cap, so that statuses sent while it was down
   * reach it soon after it is back instead of up to a doubled backoff later; such a POST is retried for 10 minutes.
   */
  webhookRetryMaxMs: z.number().int().min(10).max(600_000).optional(),
  /** Seed for every random decision above, for reproducible runs; random when absent. */
  seed: z.number().int().optional(),
});

/** Current fault settings with defaults applied. */
export type Faults = z.infer<typeof faultsSchema>;
/** What callers may send: every field optional. */
export type FaultsInput = z.input<typeof faultsSchema>;

/** The healthy defaults. */
export function defaultFaults(): Faults {
  return faultsSchema.parse({});
}

/**
 * A small seeded PRNG (mulberry32). Fault decisions must be reproducible from `seed`, which `Math.random`
 * can't offer; statistical quality is irrelevant here.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number = Math.floor(Math.random() * 2 ** 32)) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `p`. Consumes no randomness when `p` is 0, so enabling one fault can't shift others. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  }
}
