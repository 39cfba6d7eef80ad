import type { OutboundStatus, SentRecord } from './sent-log.ts';
import type { ConversationEntry } from './state.ts';

/** One message of a conversation, either direction, as the phone UI renders it. */
export interface ConversationMessage {
  direction: 'inbound' | 'outbound';
  wamid: string;
  at: string;
  type: string;
  /** Inbound: the webhook message object. Outbound: the request body as sent. */
  message: Record<string, unknown>;
  /** Outbound only: latest status and its history, errors when failed. */
  status?: SentRecord['status'];
  statuses?: SentRecord['statuses'];
  errors?: SentRecord['errors'];
  /** Inbound only: when the business marked it read. */
  readAt?: string;
}

/**
 * What changed in a conversation, pushed live to the phone UI (`GET /control/stream`): a new message in
 * either direction, a status of a business message, or the business reading a customer's message.
 */
export type FeedEvent =
  | { kind: 'message'; phoneNumberId: string; customer: string; message: ConversationMessage }
  | {
      kind: 'status';
      phoneNumberId: string;
      customer: string;
      wamid: string;
      status: OutboundStatus;
      errors?: SentRecord['errors'];
    }
  | { kind: 'read'; phoneNumberId: string; customer: string; wamid: string; at: string }
  | { kind: 'typing'; phoneNumberId: string; customer: string; at: string };

/** The phone UI's view of a conversation entry. */
export function toConversationMessage(e: ConversationEntry): ConversationMessage {
  if (e.direction === 'inbound') {
    return {
      direction: 'inbound',
      wamid: e.wamid,
      at: e.at,
      type: e.type,
      message: e.message,
      ...(e.readAt ? { readAt: e.readAt } : {}),
    };
  }
  return {
    direction: 'outbound',
    wamid: e.record.wamid,
    at: e.record.acceptedAt,
    type: e.record.type,
    message: e.record.body,
    status: e.record.status,
    statuses: e.record.statuses,
    ...(e.record.errors ? { errors: e.record.errors } : {}),
  };
}

/** Synchronous fan-out of {@link FeedEvent}s to subscribers; a throwing subscriber never breaks the simulator. */
export class SimulatorFeed {
  private readonly subscribers = new Set<(e: FeedEvent) => void>();

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(fn: (e: FeedEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  publish(e: FeedEvent): void {
    for (const fn of this.subscribers) {
      try {
        fn(e);
      } catch {
        // A broken stream must not affect sends or webhooks.
      }
    }
  }

  get size(): number {
    return this.subscribers.size;
  }
}
