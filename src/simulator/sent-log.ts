import type { WebhookError } from './errors.ts';
import type { MessageType } from '../contracts/whatsapp/send.schemas.ts';

/** Status of an outbound message as the simulator has emitted it so far. */
export type OutboundStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** One message the fake Graph API accepted (`GET /control/sent`). */
export interface SentRecord {
  wamid: string;
  phoneNumberId: string;
  /** Recipient wa_id (digits). */
  to: string;
  /** `to` exactly as sent. */
  input: string;
  type: MessageType;
  /** The request body as sent. */
  body: Record<string, unknown>;
  acceptedAt: string;
  /** Graph version of the send URL (decides the status webhook shape). */
  version: string;
  status: OutboundStatus;
  /** Every status emitted (or decided, when a fault dropped the webhook), in order. */
  statuses: { status: OutboundStatus; at: string }[];
  errors?: WebhookError[];
}

/** Filters of {@link SentLog.query}. */
export interface SentQuery {
  phoneNumberId?: string;
  to?: string;
  /** ISO instant; only records accepted at or after it. */
  since?: string;
  /** Only the most recent `limit` matches. */
  limit?: number;
}

interface Indexed {
  record: SentRecord;
  atMs: number;
}

const pairKey = (pnid: string, waId: string) => `${pnid}\u0000${waId}`;

/**
 * The accepted-send ledger. Indexed by number, recipient and pair, each list in acceptance order, so a
 * filtered query is a lookup plus a binary search on time — fast with hundreds of thousands of entries.
 */
export class SentLog {
  private all: Indexed[] = [];
  private byNumber = new Map<string, Indexed[]>();
  private byRecipient = new Map<string, Indexed[]>();
  private byPair = new Map<string, Indexed[]>();
  private byWamid = new Map<string, SentRecord>();

  add(record: SentRecord, atMs: number): void {
    const entry = { record, atMs };
    this.all.push(entry);
    push(this.byNumber, record.phoneNumberId, entry);
    push(this.byRecipient, record.to, entry);
    push(this.byPair, pairKey(record.phoneNumberId, record.to), entry);
    this.byWamid.set(record.wamid, record);
  }

  get(wamid: string): SentRecord | undefined {
    return this.byWamid.get(wamid);
  }

  /** Matching records in acceptance order and how many matched before `limit` was applied. */
  query(q: SentQuery): { records: SentRecord[]; count: number } {
    const list =
      q.phoneNumberId !== undefined && q.to !== undefined
        ? this.byPair.get(pairKey(q.phoneNumberId, q.to))
        : q.phoneNumberId !== undefined
          ? this.byNumber.get(q.phoneNumberId)
          : q.to !== undefined
            ? this.byRecipient.get(q.to)
            : this.all;
    if (!list) return { records: [], count: 0 };
    const start = q.since === undefined ? 0 : lowerBound(list, Date.parse(q.since));
    const count = list.length - start;
    const from = q.limit === undefined ? start : Math.max(start, list.length - q.limit);
    return { records: list.slice(from).map((e) => e.record), count };
  }

  clear(): void {
    this.all = [];
    this.byNumber = new Map();
    this.byRecipient = new Map();
    this.byPair = new Map();
    this.byWamid = new Map();
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function lowerBound(list: Indexed[], atMs: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Indexed).atMs < atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Kinds of rule-breaking the simulator records; tests of well-behaved senders assert there are none. */
export type ViolationKind =
  'outside_window' | 'throughput' | 'pair_rate' | 'marketing_opt_out' | 'messaging_limit';

/** One entry of `GET /control/violations`. */
export interface Violation {
  kind: ViolationKind;
  phoneNumberId: string;
  to?: string;
  wamid?: string;
  at: string;
  details: string;
}
