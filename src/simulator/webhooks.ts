import { createHmac } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import { stringifyAsciiJson } from '../lib/json.ts';
import type { Faults, SeededRandom } from './faults.ts';
import { ReadyList } from './ready-list.ts';
import { buildEnvelope } from './webhook-payloads.ts';
import type { WebhookEnvelope, WebhookUpdate } from './webhook-payloads.ts';

/** Retry policy for webhook POSTs that fail (non-2xx or network error): exponential backoff on the clock. */
export interface WebhookRetryConfig {
  baseMs: number;
  maxMs: number;
  /** Attempts in total, first one included; then the POST is dropped (as Meta drops after its horizon). */
  maxAttempts: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryConfig = { baseMs: 1000, maxMs: 60_000, maxAttempts: 10 };

/** Minimal pino-compatible logger. */
export interface SimulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Dependencies of the queue, all injected. */
export interface WebhookQueueDeps {
  clock: Clock;
  fetch: typeof fetch;
  appSecret: string;
  url(): string | undefined;
  faults(): Faults;
  random(): SeededRandom;
  retry: WebhookRetryConfig;
  /** Parallel POSTs at most (default 16). */
  concurrency: number;
  /** Per-POST timeout in real milliseconds (network time is real even on a fake clock). */
  timeoutMs: number;
  logger?: SimulatorLogger;
}

/** One recent POST attempt (`GET /control/webhooks`). */
export interface WebhookLogEntry {
  at: string;
  url: string;
  attempt: number;
  /** HTTP status, or `error` when the connection failed, or `no_url` when no receiver is configured. */
  result: number | 'error' | 'no_url';
  body: WebhookEnvelope;
}

/** Counters for tests and benchmarks. */
export interface WebhookStats {
  posts: number;
  delivered: number;
  failedAttempts: number;
  dropped: number;
  duplicates: number;
}

interface Delivery {
  envelope: WebhookEnvelope;
  body: string;
  keys: string[];
  attempts: number;
}

const LOG_SIZE = 500;

/** `sha256=` + hex HMAC of the exact body bytes (reference §3.3). */
export function signBody(appSecret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(body, 'utf8').digest('hex');
}

/**
 * Delivers webhooks: signs the exact ASCII-escaped bytes, keeps per-conversation order, runs up to
 * `concurrency` POSTs in parallel, retries failures with exponential backoff on the clock, and applies the
 * webhook faults (batching, reordering, duplicates). `flush()` awaits everything due now, so fake-clock tests
 * never sleep.
 */
export class WebhookQueue {
  private readonly ready = new ReadyList<WebhookUpdate>();
  private retries: Delivery[] = [];
  private held: WebhookUpdate[] = [];
  private cancelHold: (() => void) | undefined;
  private readonly retryTimers = new Set<() => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busy = new Map<string, number>();
  private pumpScheduled = false;
  private readonly recent: WebhookLogEntry[] = [];
  readonly stats: WebhookStats = { posts: 0, delivered: 0, failedAttempts: 0, dropped: 0, duplicates: 0 };

  constructor(private readonly deps: WebhookQueueDeps) {}

  /** Queues an update for delivery as soon as possible (or at the end of the reorder window). */
  enqueue(update: WebhookUpdate): void {
    const f = this.deps.faults();
    if (f.reorderWebhooks && f.reorderWindowMs > 0) {
      this.held.push(update);
      this.cancelHold ??= this.deps.clock.setTimer(f.reorderWindowMs, () => {
        this.cancelHold = undefined;
        this.ready.push(...this.held);
        this.held = [];
        this.schedulePump();
      });
      return;
    }
    this.ready.push(update);
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Starts as many deliveries as concurrency allows. */
  private pump(): void {
    const url = this.deps.url();
    if (url === undefined) {
      for (const u of this.ready.drain()) this.remember('', 0, 'no_url', buildEnvelope([u]));
      this.stats.dropped += this.retries.splice(0).length;
      return;
    }
    const f = this.deps.faults();
    while (this.inFlight.size < this.deps.concurrency) {
      const d = this.retries.shift() ?? this.takeBatch(f);
      if (!d) break;
      this.start(url, d);
    }
  }

  private isBusy(key: string): boolean {
    return (this.busy.get(key) ?? 0) > 0;
  }

  /**
   * Takes the next POST: the first update whose conversation has nothing in flight (or a random one when
   * reordering), plus up to `batchSize - 1` further updates of the same WABA.
   */
  private takeBatch(f: Faults): Delivery | undefined {
    const random = this.deps.random();
    const idx = f.reorderWebhooks
      ? this.ready.randomIndex(random.next())
      : this.ready.findIndex((u) => !this.isBusy(u.key));
    if (idx < 0) return undefined;
    const first = this.ready.take(idx);
    const batch = [first];
    const joins = (u: WebhookUpdate) =>
      u.wabaId === first.wabaId && (f.reorderWebhooks || !this.isBusy(u.key));
    for (let i = f.batchSize > 1 ? this.ready.findIndex(joins) : -1; i >= 0 && batch.length < f.batchSize;) {
      batch.push(this.ready.take(i));
      i = this.ready.findIndex(joins, i + 1);
    }
    if (f.reorderWebhooks) random.shuffle(batch);
    const envelope = buildEnvelope(batch);
    return {
      envelope,
      body: stringifyAsciiJson(envelope),
      keys: [...new Set(batch.map((u) => u.key))],
      attempts: 0,
    };
  }

  private start(url: string, d: Delivery): void {
    for (const k of d.keys) this.busy.set(k, (this.busy.get(k) ?? 0) + 1);
    const p: Promise<void> = this.deliver(url, d).finally(() => {
      this.inFlight.delete(p);
      for (const k of d.keys) {
        const n = (this.busy.get(k) ?? 1) - 1;
        if (n > 0) this.busy.set(k, n);
        else this.busy.delete(k);
      }
      this.pump();
    });
    this.inFlight.add(p);
  }

  private async deliver(url: string, d: Delivery): Promise<void> {
    d.attempts++;
    if (await this.post(url, d, d.attempts)) {
      this.stats.delivered++;
      if (this.deps.random().chance(this.deps.faults().duplicateWebhookRate)) {
        this.stats.duplicates++;
        await this.post(url, d, d.attempts);
      }
      return;
    }
    this.stats.failedAttempts++;
    const capMs = this.deps.faults().webhookRetryMaxMs;
    // With a capped backoff the POST is retried as long as the uncapped backoff would have retried (10 minutes).
    const maxAttempts = capMs
      ? Math.max(this.deps.retry.maxAttempts, Math.ceil(600_000 / capMs))
      : this.deps.retry.maxAttempts;
    if (d.attempts >= maxAttempts) {
      this.stats.dropped++;
      this.deps.logger?.warn({ url, attempts: d.attempts }, 'simulator: webhook dropped after max attempts');
      return;
    }
    const delay = Math.min(
      capMs ?? this.deps.retry.maxMs,
      this.deps.retry.maxMs,
      this.deps.retry.baseMs * 2 ** (d.attempts - 1),
    );
    const cancel = this.deps.clock.setTimer(delay, () => {
      this.retryTimers.delete(cancel);
      this.retries.push(d);
      this.schedulePump();
    });
    this.retryTimers.add(cancel);
  }

  /** One POST; true on 2xx. */
  private async post(url: string, d: Delivery, attempt: number): Promise<boolean> {
    this.stats.posts++;
    let result: number | 'error';
    try {
      const res = await this.deps.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(this.deps.appSecret, d.body),
          'user-agent': 'facebookexternalua',
        },
        body: d.body,
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      result = res.status;
    } catch (err) {
      this.deps.logger?.warn({ url, err: String(err) }, 'simulator: webhook POST failed');
      result = 'error';
    }
    this.remember(url, attempt, result, d.envelope);
    return typeof result === 'number' && result >= 200 && result < 300;
  }

  private remember(
    url: string,
    attempt: number,
    result: WebhookLogEntry['result'],
    body: WebhookEnvelope,
  ): void {
    this.recent.push({ at: this.deps.clock.now().toISOString(), url, attempt, result, body });
    if (this.recent.length > LOG_SIZE) this.recent.splice(0, this.recent.length - LOG_SIZE);
  }

  /** The most recent POST attempts, oldest first. */
  log(limit = LOG_SIZE): WebhookLogEntry[] {
    return this.recent.slice(-limit);
  }

  /**
   * Resolves when every update due at the current clock time has been POSTed and answered (or has failed and
   * been rescheduled on the clock). Retries and reorder windows in the future are not awaited.
   */
  async flush(): Promise<void> {
    for (;;) {
      this.pump();
      if (this.inFlight.size === 0) return;
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Forgets everything pending (reset); in-flight POSTs are awaited. */
  async clear(): Promise<void> {
    this.ready.clear();
    this.retries = [];
    this.held = [];
    this.cancelHold?.();
    this.cancelHold = undefined;
    for (const cancel of this.retryTimers) cancel();
    this.retryTimers.clear();
    this.recent.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }
}
