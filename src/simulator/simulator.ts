import { z } from 'zod';
import { inboundBodySchema, customersBodySchema, optOutBodySchema } from './control.schemas.ts';
import type { CustomerInput, InboundInput, OptOutInput } from './control.schemas.ts';
import { createCore, setFaults } from './core.ts';
import type { SimulatorCore, SimulatorOptions } from './core.ts';
import type { Faults, FaultsInput } from './faults.ts';
import { toConversationMessage } from './feed.ts';
import type { ConversationMessage, FeedEvent } from './feed.ts';
import { ControlError, receiveInbound } from './inbound.ts';
import {
  phoneNumberQualityUpdate,
  templateQualityUpdate,
  userPreferencesUpdate,
} from './management-updates.ts';
import type { TemplateReviewConfig } from './template-review.ts';
import type { SentQuery, SentRecord, Violation } from './sent-log.ts';

export type { ConversationMessage, FeedEvent } from './feed.ts';
import { digitsOf } from './state.ts';
import type { BusinessNumber, NumberRegistration } from './state.ts';
import { templateCreateSchema } from './templates.schemas.ts';
import type { TemplateDef, TemplateStatus } from './templates.schemas.ts';
import { normalizePhone } from './validate-send.ts';
import type { WebhookLogEntry, WebhookStats } from './webhooks.ts';

const cores = new WeakMap<Simulator, SimulatorCore>();

/** The parts behind a simulator; for the route plugins only. */
export function coreOf(sim: Simulator): SimulatorCore {
  const core = cores.get(sim);
  if (!core) throw new Error('not a Simulator');
  return core;
}

function parseControl<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ControlError('invalid_request', z.prettifyError(r.error));
  return r.data;
}

/**
 * The built-in WhatsApp Cloud API simulator: fake Graph API state, fake customers, policy enforcement and
 * webhook delivery. Time comes only from the injected clock; with a `FakeClock`, advance time and `flush()`.
 * HTTP routes are added with `registerSimulatorRoutes`.
 */
export class Simulator {
  constructor(opts: SimulatorOptions) {
    cores.set(this, createCore(opts));
  }

  private get core(): SimulatorCore {
    return coreOf(this);
  }

  /** Registers (or updates) a business number; its WABA gets the approved `hello_world` template. */
  registerNumber(n: NumberRegistration): BusinessNumber {
    const num = this.core.numbers.register(n);
    this.core.templates.ensureWaba(num.wabaId);
    return num;
  }

  numbers(): BusinessNumber[] {
    return this.core.numbers.list();
  }

  /** Where webhooks go from now on (`undefined` stops delivery; updates are then dropped). */
  setWebhookUrl(url: string | undefined): void {
    this.core.webhookUrl = url;
  }

  /** Base of media download URLs (e.g. once the host knows its public URL after listen). */
  setPublicBaseUrl(url: string | undefined): void {
    this.core.publicBaseUrl = url?.replace(/\/+$/, '');
  }

  /** Meta's GET verification handshake against the webhook URL; true when it echoes the challenge. */
  async verifyWebhook(verifyToken: string): Promise<boolean> {
    const url = this.core.webhookUrl;
    if (url === undefined) return false;
    const challenge = String(this.core.ids.numeric());
    const target = new URL(url);
    target.searchParams.set('hub.mode', 'subscribe');
    target.searchParams.set('hub.challenge', challenge);
    target.searchParams.set('hub.verify_token', verifyToken);
    const res = await (this.core.opts.fetch ?? fetch)(target, { method: 'GET' });
    return res.status === 200 && (await res.text()) === challenge;
  }

  /** Customer sends a message (control API backend). Returns the wamid and its webhook timestamp. */
  inbound(input: InboundInput): { wamid: string; timestamp: string } {
    return receiveInbound(this.core, parseControl(inboundBodySchema, input));
  }

  /**
   * Restores what a customer's last message established (known customer, 24 h window from `lastInboundAt`)
   * without sending anything. The embedded simulator keeps no state across restarts; the host replays the
   * windows it knows so replies after a restart are judged as Meta would judge them.
   */
  restoreCustomer(phoneNumberId: string, waId: string, lastInboundAt: Date, name?: string): void {
    this.core.customers.recordInbound(phoneNumberId, digitsOf(waId), lastInboundAt.getTime(), name, true);
  }

  /** Registers customers as on WhatsApp (`known`) or not (`unreachable` → 131026). */
  registerCustomers(input: CustomerInput | { customers: CustomerInput[] }): void {
    const parsed = parseControl(customersBodySchema, input);
    for (const c of 'customers' in parsed ? parsed.customers : [parsed])
      this.core.customers.setStatus(c.waId, c.status, c.name);
  }

  /** The customer stops (or resumes) marketing messages; emits a `user_preferences` webhook. */
  optOut(input: OptOutInput): void {
    const o = parseControl(optOutBodySchema, input);
    const num = this.core.numbers.get(o.phoneNumberId);
    if (!num) throw new ControlError('not_found', `phone number ${o.phoneNumberId} is not registered`);
    this.core.customers.setMarketingOptOut(num.phoneNumberId, o.waId, o.value === 'stop');
    this.core.queue.enqueue(userPreferencesUpdate(this.core, num, o.waId, o.value));
  }

  /** The customer reads a business message now → `read` status. False when unknown, failed or already read. */
  customerRead(phoneNumberId: string, wamid: string): boolean {
    const record = this.core.sentLog.get(wamid);
    return (
      record !== undefined && record.phoneNumberId === phoneNumberId && this.core.statuses.readNow(wamid)
    );
  }

  /** What the fake Graph API accepted, in acceptance order. */
  sent(filter: SentQuery = {}): SentRecord[] {
    return this.querySent(filter).records;
  }

  /** Like {@link sent}, plus how many matched before `limit`. */
  querySent(filter: SentQuery): { records: SentRecord[]; count: number } {
    const to = filter.to === undefined ? undefined : (normalizePhone(filter.to) ?? filter.to);
    return this.core.sentLog.query({ ...filter, to });
  }

  /** The policy-violation ledger (well-behaved senders keep it empty). */
  violations(filter: { phoneNumberId?: string; kind?: string } = {}): Violation[] {
    return this.core.violations.filter(
      (v) =>
        (filter.phoneNumberId === undefined || v.phoneNumberId === filter.phoneNumberId) &&
        (filter.kind === undefined || v.kind === filter.kind),
    );
  }

  /** Both directions of one conversation, in order. */
  conversation(phoneNumberId: string, customer: string): ConversationMessage[] {
    return this.core.customers.conversation(phoneNumberId, customer).map(toConversationMessage);
  }

  /** Live changes of every conversation (new messages, statuses, reads); returns the unsubscribe function. */
  subscribe(fn: (e: FeedEvent) => void): () => void {
    return this.core.feed.subscribe(fn);
  }

  /** Adds a template to a WABA (status APPROVED unless given). */
  addTemplate(wabaId: string, input: z.input<typeof templateCreateSchema>): TemplateDef {
    return this.core.templates.create(wabaId, parseControl(templateCreateSchema, input), 'APPROVED');
  }

  /**
   * Changes a template's status (a review decision, a pause, …) and emits `message_template_status_update`
   * with the reason; a pending automatic review of it is cancelled.
   */
  setTemplateStatus(
    wabaId: string,
    name: string,
    language: string,
    status: TemplateStatus,
    reason?: string,
  ): TemplateDef {
    const def = this.core.templates.find(wabaId, name, language);
    if (!def) throw new ControlError('not_found', `template ${name} (${language}) does not exist`);
    this.core.reviewer.decide(wabaId, def, status, reason ?? null);
    return def;
  }

  /** Changes a template's quality score and emits `message_template_quality_update`. */
  setTemplateQuality(wabaId: string, name: string, language: string, score: string): TemplateDef {
    const def = this.core.templates.find(wabaId, name, language);
    if (!def) throw new ControlError('not_found', `template ${name} (${language}) does not exist`);
    const previous = def.qualityScore ?? 'UNKNOWN';
    def.qualityScore = score;
    this.core.queue.enqueue(templateQualityUpdate(this.core, wabaId, def, previous));
    return def;
  }

  /** How submitted templates are reviewed. */
  templateReview(): TemplateReviewConfig {
    return { ...this.core.reviewer.config };
  }

  /** Changes how submitted templates are reviewed (delay, reject words and reason, automatic or by hand). */
  configureTemplateReview(change: Partial<TemplateReviewConfig>): TemplateReviewConfig {
    const next = { ...this.core.reviewer.config };
    for (const [k, v] of Object.entries(change)) if (v !== undefined) Object.assign(next, { [k]: v });
    this.core.reviewer.config = next;
    return { ...next };
  }

  /**
   * Changes a number's quality as Meta would report it: `GET /{pnid}` answers the new rating, and a
   * `phone_number_quality_update` webhook carries the event (FLAGGED, UPGRADE, …) and the messaging tier.
   */
  setNumberQuality(
    phoneNumberId: string,
    input: { event: string; qualityRating?: 'GREEN' | 'YELLOW' | 'RED'; tier?: string },
  ): BusinessNumber {
    const num = this.core.numbers.get(phoneNumberId);
    if (!num) throw new ControlError('not_found', `phone number ${phoneNumberId} is not registered`);
    if (input.qualityRating !== undefined) num.qualityRating = input.qualityRating;
    if (input.tier !== undefined) num.messagingTier = input.tier;
    this.core.queue.enqueue(phoneNumberQualityUpdate(this.core, num, input.event, input.tier));
    return num;
  }

  setFaults(input: FaultsInput): Faults {
    return setFaults(this.core, input);
  }

  faults(): Faults {
    return this.core.faults;
  }

  resetFaults(): Faults {
    return setFaults(this.core, undefined);
  }

  /** The most recent webhook POST attempts (at most 500). */
  webhookLog(limit?: number): WebhookLogEntry[] {
    return this.core.queue.log(limit);
  }

  webhookStats(): WebhookStats {
    return { ...this.core.queue.stats };
  }

  /** Resolves when every webhook due at the current clock time has been delivered (or has failed and been rescheduled). */
  flush(): Promise<void> {
    return this.core.queue.flush();
  }

  /** Clears sent log, violations, customers, windows, media, limits and pending webhooks; keeps numbers, templates, faults. */
  async reset(): Promise<void> {
    const c = this.core;
    c.sentLog.clear();
    c.violations.length = 0;
    c.customers.clear();
    c.media.clear();
    c.throughput.clear();
    c.pairRate.clear();
    c.messagingLimits.clear();
    c.statuses.clear();
    await c.queue.clear();
  }

  /** Stops all timers after delivering what is due now. */
  async close(): Promise<void> {
    this.core.statuses.clear();
    await this.core.queue.flush();
    await this.core.queue.clear();
  }
}
