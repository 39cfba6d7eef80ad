import type { Clock } from '../lib/clock.ts';
import { defaultFaults, faultsSchema, SeededRandom } from './faults.ts';
import { SimulatorFeed } from './feed.ts';
import type { Faults, FaultsInput } from './faults.ts';
import { MediaStore } from './media.ts';
import { DEFAULT_PAIR_RATE, PairRateLimiter } from './rate-limit.rules.ts';
import type { PairRateConfig, MessagingLimitTracker, ThroughputWindow } from './rate-limit.rules.ts';
import { SentLog } from './sent-log.ts';
import type { Violation, ViolationKind } from './sent-log.ts';
import { SimIds } from './sim-ids.ts';
import { CustomerDirectory, NumberRegistry } from './state.ts';
import { DEFAULT_STATUS_DELAYS, StatusScheduler } from './statuses.ts';
import type { StatusDelays } from './statuses.ts';
import type { TemplateStatus } from './templates.schemas.ts';
import { TemplateStore } from './templates.ts';
import { TemplateReviewer } from './template-review.ts';
import type { TemplateReviewConfig } from './template-review.ts';
import { DEFAULT_WEBHOOK_RETRY, WebhookQueue } from './webhooks.ts';
import type { SimulatorLogger, WebhookRetryConfig } from './webhooks.ts';

/** Constructor options of the simulator. Only `clock` and `appSecret` are required. */
export interface SimulatorOptions {
  clock: Clock;
  /** HMAC key for `X-Hub-Signature-256`. */
  appSecret: string;
  /** Where webhooks are POSTed; may be set later with `setWebhookUrl`. Without one, webhooks are dropped. */
  webhookUrl?: string;
  /** Used for webhook delivery (default: global fetch). */
  fetch?: typeof fetch;
  /** Default `{ sent: 0, delivered: 1000, read: 3000 }` ms after acceptance; `read: null` = never read. */
  statusDelaysMs?: StatusDelays;
  /** Base of media download URLs, e.g. `http://127.0.0.1:3000/simulator/graph`; default: derived per request. */
  publicBaseUrl?: string;
  logger?: SimulatorLogger;
  /** Pair-rate token bucket (default capacity 45, one token per 6000 ms). */
  pairRate?: PairRateConfig;
  webhookRetry?: Partial<WebhookRetryConfig>;
  /** Parallel webhook POSTs (default 16). */
  webhookConcurrency?: number;
  /** Per-POST timeout in real ms (default 10000). */
  webhookTimeoutMs?: number;
  /** Treat any valid-looking number as on WhatsApp (default true). */
  recipientsKnownByDefault?: boolean;
  /** Numbers starting with these are not on WhatsApp → 131026 (default `["999"]`). */
  unreachablePrefixes?: string[];
  /**
   * Status of templates created through the Graph API: PENDING (default), then reviewed after a delay (see
   * `templateReview`); APPROVED approves at once without review.
   */
  templateReviewStatus?: Extract<TemplateStatus, 'APPROVED' | 'PENDING'>;
  /** How submitted templates are reviewed (default: 30 s on the clock, a reject-word list, automatic). */
  templateReview?: Partial<TemplateReviewConfig>;
  /** Async error code when the messaging limit is exhausted (default 131048). */
  messagingLimitErrorCode?: number;
  /** Initial fault settings. */
  faults?: FaultsInput;
}

/** Everything the simulator's parts share. Internal: the public surface is `Simulator`. */
export interface SimulatorCore {
  opts: SimulatorOptions;
  clock: Clock;
  ids: SimIds;
  numbers: NumberRegistry;
  customers: CustomerDirectory;
  sentLog: SentLog;
  violations: Violation[];
  templates: TemplateStore;
  /** Reviews submitted and edited templates on the clock. */
  reviewer: TemplateReviewer;
  media: MediaStore;
  queue: WebhookQueue;
  statuses: StatusScheduler;
  throughput: Map<string, ThroughputWindow>;
  pairRate: PairRateLimiter;
  messagingLimits: Map<string, MessagingLimitTracker>;
  faults: Faults;
  random: SeededRandom;
  webhookUrl: string | undefined;
  /** Base of media download URLs; undefined = derived from each request. */
  publicBaseUrl: string | undefined;
  logger: SimulatorLogger | undefined;
  /** Live conversation changes for the phone UI. */
  feed: SimulatorFeed;
  /** WABAs the app subscribed to (`POST /{waba}/subscribed_apps`). */
  subscribedWabas: Set<string>;
}

/** Wires the parts together from the options. */
export function createCore(opts: SimulatorOptions): SimulatorCore {
  const ids = new SimIds();
  const faults = faultsSchema.parse(opts.faults ?? {});
  // The closures below read `core` lazily, after it is built: faults and the webhook URL change at runtime.
  const queue = new WebhookQueue({
    clock: opts.clock,
    fetch: opts.fetch ?? globalThis.fetch,
    appSecret: opts.appSecret,
    url: () => core.webhookUrl,
    faults: () => core.faults,
    random: () => core.random,
    retry: { ...DEFAULT_WEBHOOK_RETRY, ...opts.webhookRetry },
    concurrency: opts.webhookConcurrency ?? 16,
    timeoutMs: opts.webhookTimeoutMs ?? 10_000,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const statuses = new StatusScheduler({
    clock: opts.clock,
    ids,
    queue,
    faults: () => core.faults,
    delays: opts.statusDelaysMs ?? DEFAULT_STATUS_DELAYS,
    onStatus: (record) =>
      core.feed.publish({
        kind: 'status',
        phoneNumberId: record.phoneNumberId,
        customer: record.to,
        wamid: record.wamid,
        status: record.status,
        ...(record.errors ? { errors: record.errors } : {}),
      }),
  });
  const core: SimulatorCore = {
    opts,
    clock: opts.clock,
    ids,
    numbers: new NumberRegistry(),
    customers: new CustomerDirectory({
      knownByDefault: opts.recipientsKnownByDefault ?? true,
      unreachablePrefixes: opts.unreachablePrefixes ?? ['999'],
    }),
    sentLog: new SentLog(),
    violations: [],
    templates: new TemplateStore(ids),
    reviewer: new TemplateReviewer(() => core),
    media: new MediaStore(ids),
    queue,
    statuses,
    throughput: new Map(),
    pairRate: new PairRateLimiter(opts.pairRate ?? DEFAULT_PAIR_RATE),
    messagingLimits: new Map(),
    faults,
    random: new SeededRandom(faults.seed),
    webhookUrl: opts.webhookUrl,
    publicBaseUrl: opts.publicBaseUrl,
    logger: opts.logger,
    feed: new SimulatorFeed(),
    subscribedWabas: new Set(),
  };
  core.reviewer.config = { ...core.reviewer.config, ...opts.templateReview };
  return core;
}

/** Replaces the fault settings (and re-seeds the random source so runs are reproducible). */
export function setFaults(core: SimulatorCore, input: FaultsInput | undefined): Faults {
  core.faults = input === undefined ? defaultFaults() : faultsSchema.parse(input);
  core.random = new SeededRandom(core.faults.seed);
  return core.faults;
}

/** Appends to the violation ledger. */
export function recordViolation(
  core: SimulatorCore,
  v: { kind: ViolationKind; phoneNumberId: string; to?: string; wamid?: string; details: string },
): void {
  core.violations.push({ ...v, at: core.clock.now().toISOString() });
  core.logger?.warn({ violation: v }, `simulator: policy violation (${v.kind})`);
}
