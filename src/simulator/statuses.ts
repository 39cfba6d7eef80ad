import type { WebhookError } from './errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Faults } from './faults.ts';
import { includesConversation } from './pricing.rules.ts';
import type { Pricing } from './pricing.rules.ts';
import type { OutboundStatus, SentRecord } from './sent-log.ts';
import type { SimIds } from './sim-ids.ts';
import { digitsOf } from './state.ts';
import type { BusinessNumber } from './state.ts';
import type { WebhookQueue } from './webhooks.ts';

/** Delays from acceptance to each status, in clock milliseconds; `read: null` = the customer never reads. */
export interface StatusDelays {
  sent: number;
  delivered: number;
  read: number | null;
}

export const DEFAULT_STATUS_DELAYS: StatusDelays = { sent: 0, delivered: 1000, read: 3000 };

/** What will happen to an accepted message. */
export type DeliveryPlan =
  { outcome: 'deliver'; pricing: Pricing; sentOnly: boolean } | { outcome: 'fail'; error: WebhookError };

interface Tracked {
  record: SentRecord;
  num: BusinessNumber;
  pricing?: Pricing;
  pricingGiven: boolean;
  conversationId: string;
  bizOpaque?: string;
  cancels: (() => void)[];
}

const RANK: Record<OutboundStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Turns accepted messages into status webhooks (reference §3.6) on the clock: `sent` → `delivered` →
 * `read`, or a single `failed` with `errors[]`. Pricing rides on `sent` and on exactly one of
 * delivered/read; `conversation` only for Graph versions before v24. Statuses only move forward.
 */
export class StatusScheduler {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly deps: {
      clock: Clock;
      ids: SimIds;
      queue: WebhookQueue;
      faults(): Faults;
      delays: StatusDelays;
      /** Called after each status change of a record (the phone UI's live feed). */
      onStatus?: (record: SentRecord) => void;
    },
  ) {}

  /** Schedules the status sequence of a freshly accepted message. */
  schedule(record: SentRecord, num: BusinessNumber, plan: DeliveryPlan, bizOpaque?: string): void {
    const t: Tracked = {
      record,
      num,
      pricingGiven: false,
      conversationId: this.deps.ids.conversationId(),
      cancels: [],
    };
    if (bizOpaque !== undefined) t.bizOpaque = bizOpaque;
    this.tracked.set(record.wamid, t);
    const d = this.deps.delays;
    if (plan.outcome === 'fail') {
      this.at(t, d.sent, () => this.emit(t, 'failed', [plan.error]));
      return;
    }
    t.pricing = plan.pricing;
    this.at(t, d.sent, () => this.emit(t, 'sent'));
    if (plan.sentOnly) return;
    this.at(t, d.delivered, () => this.emit(t, 'delivered'));
    if (d.read !== null) this.at(t, d.read, () => this.emit(t, 'read'));
  }

  /** Runs `fn` after `ms` (immediately when 0, so a zero delay needs no clock advance). */
  private at(t: Tracked, ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const cancel = this.deps.clock.setTimer(ms, () => {
      t.cancels = t.cancels.filter((c) => c !== cancel);
      fn();
    });
    t.cancels.push(cancel);
  }

  /**
   * The customer reads a business message now (control API). Returns false when the message is unknown,
   * failed, a reaction, or already read.
   */
  readNow(wamid: string): boolean {
    const t = this.tracked.get(wamid);
    if (!t || t.record.type === 'reaction' || t.record.status === 'failed' || t.record.status === 'read')
      return false;
    for (const c of t.cancels) c();
    t.cancels = [];
    if (t.record.status === 'accepted') this.emit(t, 'sent');
    this.emit(t, 'read');
    return true;
  }

  private emit(t: Tracked, status: OutboundStatus, errors?: WebhookError[]): void {
    const { record, num } = t;
    if (RANK[status] <= RANK[record.status] || record.status === 'failed') return;
    const now = this.deps.clock.nowMs();
    record.status = status;
    record.statuses.push({ status, at: new Date(now).toISOString() });
    if (errors) record.errors = errors;
    this.deps.onStatus?.(record);
    if (status === 'read' || status === 'failed' || (status === 'sent' && record.type === 'reaction')) {
      this.tracked.delete(record.wamid);
    }
    if (this.deps.faults().dropStatuses.includes(status as 'sent')) return;

    const withPricing =
      t.pricing !== undefined &&
      (status === 'sent' || ((status === 'delivered' || status === 'read') && !t.pricingGiven));
    if (withPricing && status !== 'sent') t.pricingGiven = true;
    const body: Record<string, unknown> = {
      id: record.wamid,
      status,
      timestamp: String(Math.floor(now / 1000)),
      recipient_id: record.to,
    };
    if (t.bizOpaque !== undefined) body.biz_opaque_callback_data = t.bizOpaque;
    if (errors) body.errors = errors;
    if (withPricing && t.pricing && includesConversation(record.version)) {
      body.conversation = {
        id: t.conversationId,
        ...(status === 'sent' ? { expiration_timestamp: String(Math.floor(now / 1000) + 24 * 3600) } : {}),
        origin: { type: t.pricing.category },
      };
    }
    if (withPricing) body.pricing = t.pricing;
    this.deps.queue.enqueue({
      kind: 'status',
      wabaId: num.wabaId,
      key: `${num.phoneNumberId}:${record.to}`,
      metadata: {
        display_phone_number: digitsOf(num.displayPhoneNumber),
        phone_number_id: num.phoneNumberId,
      },
      status: body,
    });
  }

  /** Cancels every pending status (reset / close). */
  clear(): void {
    for (const t of this.tracked.values()) for (const c of t.cancels) c();
    this.tracked.clear();
  }
}
