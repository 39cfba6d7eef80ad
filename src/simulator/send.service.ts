import { graphErrorInfo } from '../contracts/whatsapp/graph-error-codes.rules.ts';
import { recordViolation } from './core.ts';
import type { SimulatorCore } from './core.ts';
import { GraphError, webhookError } from './errors.ts';
import { toConversationMessage } from './feed.ts';
import { pricingFor } from './pricing.rules.ts';
import type { TemplateCategory } from './pricing.rules.ts';
import { MessagingLimitTracker, ThroughputWindow } from './rate-limit.rules.ts';
import type { SentRecord } from './sent-log.ts';
import { digitsOf } from './state.ts';
import type { BusinessNumber } from './state.ts';
import type { DeliveryPlan } from './statuses.ts';
import { validateSendRequest } from './validate-send.ts';
import type { ValidatedMessage } from './validate-send.ts';
import { checkTemplateSend } from './validate-template.ts';

/** The §1.11 acceptance response. */
export interface SendResponse {
  messaging_product: 'whatsapp';
  contacts: { input: string; wa_id: string }[];
  messages: { id: string; message_status?: 'accepted' }[];
}

/**
 * Handles `POST /{version}/{pnid}/messages` for an authorised number: injected server errors, validation,
 * template check, throughput and pair-rate limits (synchronous, rejected sends leave no trace except a
 * violation), then acceptance — a wamid, a sent-log entry, and the asynchronous outcome scheduled as status
 * webhooks (window, reachability, opt-out, messaging limit, media problems).
 */
export function handleSend(
  core: SimulatorCore,
  num: BusinessNumber,
  version: string,
  raw: unknown,
): SendResponse | { success: true } {
  injectServerError(core);
  const v = validateSendRequest(raw, digitsOf(num.displayPhoneNumber));
  if (v.kind === 'read') {
    const at = core.clock.now().toISOString();
    const entry = core.customers.markInboundRead(v.messageId, at);
    const customer = typeof entry?.message.from === 'string' ? entry.message.from : '';
    if (entry?.readAt === at)
      core.feed.publish({ kind: 'read', phoneNumberId: num.phoneNumberId, customer, wamid: entry.wamid, at });
    if (entry && v.typing)
      core.feed.publish({ kind: 'typing', phoneNumberId: num.phoneNumberId, customer, at });
    return { success: true };
  }
  const template = v.template
    ? checkTemplateSend(
        v.template,
        core.templates.find(num.wabaId, v.template.name, v.template.language.code),
      )
    : undefined;
  const now = core.clock.nowMs();
  enforceRateLimits(core, num, v.waId, now);

  const wamid = core.ids.wamid(v.waId);
  const record: SentRecord = {
    wamid,
    phoneNumberId: num.phoneNumberId,
    to: v.waId,
    input: v.input,
    type: v.type,
    body: v.body,
    acceptedAt: new Date(now).toISOString(),
    version,
    status: 'accepted',
    statuses: [],
  };
  const plan = planDelivery(core, num, v, template?.category, wamid, now);
  core.sentLog.add(record, now);
  core.customers.appendConversation(num.phoneNumberId, v.waId, { direction: 'outbound', record });
  core.feed.publish({
    kind: 'message',
    phoneNumberId: num.phoneNumberId,
    customer: v.waId,
    message: toConversationMessage({ direction: 'outbound', record }),
  });
  core.statuses.schedule(record, num, plan, v.bizOpaqueCallbackData);
  return {
    messaging_product: 'whatsapp',
    contacts: [{ input: v.input, wa_id: v.waId }],
    messages: [template ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
  };
}

/** `errorRate` fault: a server-side Graph error before anything else happens. */
function injectServerError(core: SimulatorCore): void {
  const f = core.faults;
  if (!core.random.chance(f.errorRate)) return;
  const code = core.random.pick(f.errorCodes) ?? 131000;
  throw new GraphError(code, 'Injected by the simulator (errorRate fault).', {
    httpStatus: f.errorStatus ?? graphErrorInfo(code)?.httpStatus ?? 500,
  });
}

function enforceRateLimits(core: SimulatorCore, num: BusinessNumber, waId: string, now: number): void {
  let window = core.throughput.get(num.phoneNumberId);
  if (!window) {
    window = new ThroughputWindow();
    core.throughput.set(num.phoneNumberId, window);
  }
  if (!window.allows(now, num.mps)) {
    const details = `Cloud API message throughput has been reached (${num.mps} messages per second).`;
    recordViolation(core, { kind: 'throughput', phoneNumberId: num.phoneNumberId, to: waId, details });
    throw new GraphError(130429, details);
  }
  const pairKey = `${num.phoneNumberId}:${waId}`;
  if (!core.pairRate.allows(pairKey, now)) {
    const details =
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.';
    recordViolation(core, { kind: 'pair_rate', phoneNumberId: num.phoneNumberId, to: waId, details });
    throw new GraphError(131056, details);
  }
  window.record(now);
  core.pairRate.record(pairKey, now);
}

/** Decides what the status webhooks will say, recording policy violations as they are detected. */
function planDelivery(
  core: SimulatorCore,
  num: BusinessNumber,
  v: ValidatedMessage,
  category: TemplateCategory | undefined,
  wamid: string,
  now: number,
): DeliveryPlan {
  const pnid = num.phoneNumberId;
  const fail = (code: number, details: string): DeliveryPlan => ({
    outcome: 'fail',
    error: webhookError(code, details),
  });
  const violation = (kind: 'outside_window' | 'marketing_opt_out' | 'messaging_limit', details: string) =>
    recordViolation(core, { kind, phoneNumberId: pnid, to: v.waId, wamid, details });
  const inWindow = core.customers.isWindowOpen(pnid, v.waId, now);

  if (!core.customers.isReachable(v.waId)) return fail(131026, 'Message Undeliverable.');
  if (category === undefined && !inWindow) {
    const details =
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.';
    violation('outside_window', `${v.type} message sent outside the 24 h customer service window`);
    return fail(131047, details);
  }
  if (category === 'MARKETING' && core.customers.hasStoppedMarketing(pnid, v.waId)) {
    violation('marketing_opt_out', 'marketing to a user who opted out');
    return fail(
      131050,
      'Unable to deliver message: the user has chosen to stop receiving marketing messages from this business.',
    );
  }
  if (category !== undefined && !inWindow && num.messagingLimit !== undefined) {
    let tracker = core.messagingLimits.get(pnid);
    if (!tracker) {
      tracker = new MessagingLimitTracker();
      core.messagingLimits.set(pnid, tracker);
    }
    if (!tracker.allows(v.waId, now, num.messagingLimit)) {
      violation(
        'messaging_limit',
        `more than ${num.messagingLimit} unique recipients outside the window in 24 h`,
      );
      return fail(
        core.opts.messagingLimitErrorCode ?? 131048,
        'Message failed to send because the messaging limit of this business has been reached.',
      );
    }
    tracker.record(v.waId, now);
  }
  if (v.media?.id !== undefined) {
    const problem = core.media.sendProblem(pnid, v.media.kind, v.media.id, v.media.voice);
    if (problem) return fail(131053, problem);
  }
  if (v.reactionTo !== undefined && !core.customers.hasMessage(pnid, v.waId, v.reactionTo)) {
    return fail(131009, `Reaction target ${v.reactionTo} is not a message of this conversation.`);
  }
  return { outcome: 'deliver', pricing: pricingFor(category, inWindow), sentOnly: v.type === 'reaction' };
}
