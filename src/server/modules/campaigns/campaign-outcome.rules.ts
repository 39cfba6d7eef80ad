/**
 * How a message's outcome moves its ledger row (pure): statuses only move forward (queued < sent < delivered <
 * read < replied), a failure counts only before delivery, and two Graph errors get special handling:
 * 131049 (Meta chose not to deliver, per-user marketing limit) is retried once after 24 h — as a new attempt of
 * the same ledger row, and only if the failed message was never delivered; 131026 (undeliverable) marks the
 * contact unreachable for list hygiene.
 */
import type { RecipientStatus } from '../../db/types.ts';

const RANK: Record<RecipientStatus, number> = {
  planned: 0,
  skipped: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  replied: 5,
  failed: 0,
};

/** Error code of "Meta chose not to deliver": wait ≥ 24 h, then one retry. */
export const RETRY_LATER_CODE = 131049;
/** Error code of "message undeliverable": the number is marked unreachable. */
export const UNDELIVERABLE_CODE = 131026;
/** How long after a 131049 failure the retry is due. */
export const RETRY_AFTER_MS = 24 * 3_600_000;
/** Retries of one ledger row (attempts after the first). */
export const MAX_RETRIES = 1;

/** What to do with a ledger row given its message's current state. */
export type LedgerChange =
  | { kind: 'none' }
  | { kind: 'advance'; status: 'sent' | 'delivered' | 'read'; at: Date }
  | { kind: 'fail'; errorCode: number | null; at: Date; markUnreachable: boolean }
  | { kind: 'retry'; errorCode: number; dueAt: Date };

/** The message facts the decision reads (the messages row is the truth, whatever order webhooks came in). */
export interface MessageOutcome {
  status: string;
  errorCode: number | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
}

/** The change a message outcome makes to a ledger row in `current` status with `attempt` attempts so far. */
export function ledgerChange(
  current: RecipientStatus,
  attempt: number,
  m: MessageOutcome,
  now: Date,
): LedgerChange {
  if (m.status === 'failed') {
    if (RANK[current] >= RANK.delivered || current === 'failed') return { kind: 'none' };
    const delivered = m.deliveredAt !== null || m.readAt !== null;
    const at = m.failedAt ?? now;
    if (m.errorCode === RETRY_LATER_CODE && !delivered && attempt < MAX_RETRIES)
      return { kind: 'retry', errorCode: m.errorCode, dueAt: new Date(at.getTime() + RETRY_AFTER_MS) };
    return { kind: 'fail', errorCode: m.errorCode, at, markUnreachable: m.errorCode === UNDELIVERABLE_CODE };
  }
  const next =
    m.readAt || m.status === 'read'
      ? 'read'
      : m.deliveredAt || m.status === 'delivered'
        ? 'delivered'
        : m.sentAt || m.status === 'sent'
          ? 'sent'
          : null;
  if (!next || RANK[next] <= RANK[current]) return { kind: 'none' };
  // A read or delivered with proof wins over an earlier failure (DESIGN §5).
  const at = (next === 'read' ? m.readAt : next === 'delivered' ? m.deliveredAt : m.sentAt) ?? now;
  return { kind: 'advance', status: next, at };
}

/** Ledger statuses a reply can be attributed to (the message left: queued ones may still be on the wire). */
export const REPLYABLE: readonly RecipientStatus[] = ['queued', 'sent', 'delivered', 'read'];
/** How long after a campaign message a customer's message counts as its reply. */
export const REPLY_WINDOW_MS = 72 * 3_600_000;

/** What a Graph error code means, for counters (../shared/whatsapp-cloud-api.md §4). */
const MEANINGS: Record<number, string> = {
  130429: 'Throughput (messages per second) reached',
  130472: "User's number is part of an experiment",
  131000: 'Something went wrong at WhatsApp',
  131026: 'Message undeliverable (not on WhatsApp, old app, terms not accepted, or blocked)',
  131031: 'Business account locked',
  131042: 'Business eligibility or payment issue',
  131047: 'More than 24 hours since the customer last wrote',
  131048: 'Spam rate limit: the number is restricted',
  131049: 'WhatsApp chose not to deliver (per-user marketing limit); retried after 24 h',
  131050: 'The user stopped marketing messages',
  131053: 'Media upload error',
  131056: 'Too many messages to the same user (pair rate limit)',
  132000: 'Template variable count mismatch',
  132001: 'Template does not exist in that language or is not approved',
  132005: 'Filled-in template text too long',
  132012: 'Template variable format mismatch',
  132015: 'Template paused for low quality',
  132016: 'Template disabled',
};

/** The meaning of a Graph error code for people, or a generic text. */
export function errorMeaning(code: number | null): string {
  if (code === null) return 'Failed without an error code';
  return MEANINGS[code] ?? `WhatsApp error ${code}`;
}
