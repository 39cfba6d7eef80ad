/**
 * What happened to a message, decided from its facts (pure): its current status, its wamid, and its status history
 * (`message_status_events`, one row per (wamid, status), so duplicates are already one fact). Each outcome asks
 * whether the message ever reached a status, never in which order statuses came, so late, out-of-order or
 * duplicated statuses give the same answer as the orderly sequence. The SQL of `analytics.repository.ts` applies
 * the same definitions to whole day buckets; docs/metrics.md states them in words.
 */
import { graphErrorInfo } from '../../../contracts/whatsapp/graph-error-codes.rules.ts';
import type { MessageDirection, MessageStatus } from '../../db/types.ts';
import { classifyGraphError, type GraphErrorCategory } from '../../whatsapp/error-taxonomy.ts';

/** The facts of one message that its outcome is derived from. */
export interface MessageFacts {
  direction: MessageDirection;
  status: MessageStatus;
  wamid: string | null;
  /** Statuses in the history, in any order, possibly repeated. */
  history: readonly string[];
}

/** The outcome of an outbound message. */
export interface MessageOutcome {
  sent: boolean;
  delivered: boolean;
  read: boolean;
  failed: boolean;
}

const ACCEPTED = new Set(['accepted', 'sent', 'delivered', 'read', 'failed']);

/** The outcome of a message; an inbound message has none (all false). */
export function messageOutcome(m: MessageFacts): MessageOutcome {
  if (m.direction !== 'outbound') return { sent: false, delivered: false, read: false, failed: false };
  const has = (s: string) => m.status === s || m.history.includes(s);
  const read = has('read');
  const delivered = read || has('delivered');
  const sent =
    delivered ||
    m.wamid !== null ||
    m.history.some((s) => ACCEPTED.has(s)) ||
    ['accepted', 'sent'].includes(m.status);
  // A delivered or read proof wins over an earlier (or later-arriving) failure.
  const failed = !delivered && has('failed');
  return { sent, delivered, read, failed };
}

/** Whether a message sent at `sentAt` got a customer reply: a customer message after it and within 24 hours. */
export function isReplied(sentAt: Date, customerMessageTimes: readonly Date[]): boolean {
  const a = sentAt.getTime();
  return customerMessageTimes.some((t) => t.getTime() > a && t.getTime() <= a + REPLY_WINDOW_MS);
}

/** How long after one of our messages a customer message counts as a reply to it. */
export const REPLY_WINDOW_MS = 24 * 3600 * 1000;

/** `numerator / denominator`, or null when nothing was counted. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Messaging totals of a set of days and numbers. */
export interface MessagingCounts {
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: number;
  inbound: number;
}

/** The rates derived from counts (docs/metrics.md: delivery = delivered/sent, read = read/delivered, …). */
export function messagingRates(c: MessagingCounts): {
  deliveryRate: number | null;
  readRate: number | null;
  replyRate: number | null;
} {
  return {
    deliveryRate: rate(c.delivered, c.sent),
    readRate: rate(c.read, c.delivered),
    replyRate: rate(c.replied, c.delivered),
  };
}

/** Counts of a list of messages, with their reply facts (pure twin of the rollup SQL; used by tests). */
export function countMessages(
  messages: ReadonlyArray<MessageFacts & { occurredAt: Date; conversationId: string }>,
): MessagingCounts {
  const inboundBy = new Map<string, Date[]>();
  for (const m of messages)
    if (m.direction === 'inbound')
      inboundBy.set(m.conversationId, [...(inboundBy.get(m.conversationId) ?? []), m.occurredAt]);
  const c: MessagingCounts = { sent: 0, delivered: 0, read: 0, failed: 0, replied: 0, inbound: 0 };
  for (const m of messages) {
    if (m.direction === 'inbound') {
      c.inbound++;
      continue;
    }
    const o = messageOutcome(m);
    c.sent += Number(o.sent);
    c.delivered += Number(o.delivered);
    c.read += Number(o.read);
    c.failed += Number(o.failed);
    c.replied += Number(o.delivered && isReplied(m.occurredAt, inboundBy.get(m.conversationId) ?? []));
  }
  return c;
}

/** What a Graph error code means: Meta's title and how Tsunagi classifies it (error-taxonomy.ts). */
export function describeErrorCode(code: number | null): {
  title: string;
  category: GraphErrorCategory | null;
} {
  if (code === null) return { title: 'No error code recorded', category: null };
  const info = graphErrorInfo(code);
  return {
    title: info?.title ?? 'Unknown error code',
    category: classifyGraphError(code, info?.httpStatus ?? 400).category,
  };
}
