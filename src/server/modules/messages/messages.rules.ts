import type { MessageOrigin, OutboxLane, PhoneNumberRow } from '../../db/types.ts';

/** An inbound customer message resolved to its business number (workspace). */
export interface InboundItem {
  number: PhoneNumberRow;
  wamid: string;
  from: string;
  profileName: string | null;
  timestamp: number;
  type: string;
  /** The message in the webhook's shape without id/from/timestamp: `{type, [type]: {...}, context?, …}`. */
  content: Record<string, unknown>;
}

/**
 * Pure rules about messages: previews for lists and notifications, the 24-hour customer service window.
 */

/** How long a customer's message keeps the free-form window open (Cloud API reference §6.1). */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Message types that may be sent outside the window (only templates). */
export function requiresOpenWindow(type: string): boolean {
  return type !== 'template';
}

/** Whether the customer service window is open at `now`, given the customer's latest message time. */
export function isWindowOpen(lastInboundAt: Date | null, now: Date): boolean {
  return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS;
}

/** When the window closes, or null if it is not open. */
export function windowExpiresAt(lastInboundAt: Date | null, now: Date): Date | null {
  if (!isWindowOpen(lastInboundAt, now) || !lastInboundAt) return null;
  return new Date(lastInboundAt.getTime() + SERVICE_WINDOW_MS);
}

const PREVIEW_MAX = 160;

/**
 * A one-line, plain-text preview of a message in the Cloud API's shape (`{type, [type]: {...}}`), used in
 * conversation lists and notifications. Never HTML: the console renders it as text.
 */
export function messagePreview(content: Record<string, unknown>): string {
  const type = typeof content.type === 'string' ? content.type : 'unknown';
  const body = asRecord(content[type]);
  const text = previewText(type, body);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > PREVIEW_MAX ? oneLine.slice(0, PREVIEW_MAX - 1) + '…' : oneLine;
}

function previewText(type: string, body: Record<string, unknown>): string {
  switch (type) {
    case 'text':
      return str(body.body);
    case 'image':
    case 'video':
    case 'document':
      return str(body.caption) || str(body.filename) || `[${type}]`;
    case 'audio':
      return body.voice === true ? '[voice message]' : '[audio]';
    case 'sticker':
      return '[sticker]';
    case 'location':
      return str(body.name) || str(body.address) || '[location]';
    case 'contacts':
      return '[contact card]';
    case 'reaction':
      return str(body.emoji) ? `reacted ${str(body.emoji)}` : 'removed a reaction';
    case 'interactive':
      return interactivePreview(body);
    case 'button':
      return str(body.text) || str(body.payload);
    case 'template':
      return `[template: ${str(body.name)}]`;
    case 'order':
      return str(body.text) || '[order]';
    case 'system':
      return str(body.body) || '[system]';
    default:
      return `[${type}]`;
  }
}

function interactivePreview(body: Record<string, unknown>): string {
  const kind = str(body.type);
  const reply = asRecord(body[kind]);
  if (kind === 'button_reply' || kind === 'list_reply') return str(reply.title);
  if (kind === 'nfm_reply') return str(reply.body) || '[form response]';
  return str(asRecord(body.body).text) || '[interactive]';
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Whether an outbound message answers the customer, so they are no longer waiting: a person (agent) or an
 * integration replying for one (api). Automatic replies and campaigns do not: a customer who got only an
 * away message is still waiting for someone.
 */
export function answersCustomer(origin: MessageOrigin): boolean {
  return origin === 'agent' || origin === 'api';
}

/**
 * The outbox lane of an outbound message by its origin: campaigns are bulk, everything a person or a
 * conversation is waiting for (agent, API, automation) is conversational and goes first on its number.
 */
export function laneFor(origin: MessageOrigin): OutboxLane {
  return origin === 'campaign' ? 'bulk' : 'conversational';
}

/** The payload of the outbox NOTIFY for a message queued on a number (Tsunagi's id) in a lane. */
export function outboxNotice(phoneNumberId: string, lane: OutboxLane): string {
  return `${lane}:${phoneNumberId}`;
}

/** Reads an outbox NOTIFY payload; null for anything else (an older build's empty payload). */
export function parseOutboxNotice(payload: string): { lane: OutboxLane; phoneNumberId: string } | null {
  const [lane, phoneNumberId] = payload.split(':');
  if ((lane !== 'conversational' && lane !== 'bulk') || !phoneNumberId) return null;
  return { lane, phoneNumberId };
}
