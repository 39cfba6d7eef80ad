import type { MessageStatus } from '../../db/types.ts';

/**
 * Pure rules for outbound message status. Statuses only move forward: queued < sending < accepted (Meta
 * returned a wamid) < sent < delivered < read. `failed` is terminal, except that a later `delivered` or `read`
 * is proof the message arrived and wins (reference §3.4 and DESIGN.md §5). Webhooks may arrive in any order
 * and more than once, so the result never depends on arrival order.
 */
const RANK: Record<string, number> = { queued: 0, sending: 1, accepted: 2, sent: 3, delivered: 4, read: 5 };

/** Maps a webhook status to ours; `played` (voice note played) counts as read; unknown ones are ignored. */
export function webhookStatusToMessageStatus(status: string): MessageStatus | null {
  if (status === 'played') return 'read';
  if (status === 'sent' || status === 'delivered' || status === 'read' || status === 'failed') return status;
  return null;
}

/** The status after applying `incoming` to `current`. */
export function nextStatus(current: MessageStatus, incoming: MessageStatus): MessageStatus {
  if (current === 'received') return current; // inbound messages have no delivery status
  if (incoming === 'failed') {
    return current === 'delivered' || current === 'read' ? current : 'failed';
  }
  if (current === 'failed') {
    return incoming === 'delivered' || incoming === 'read' ? incoming : 'failed';
  }
  return (RANK[incoming] ?? -1) > (RANK[current] ?? -1) ? incoming : current;
}

/** Our message id travels as `biz_opaque_callback_data` so status webhooks can find a send without its wamid. */
export const CALLBACK_PREFIX = 'tsg:';

export function callbackDataFor(messageId: string): string {
  return CALLBACK_PREFIX + messageId;
}

/** The message id inside our callback data, or null if the value is not ours. */
export function messageIdFromCallback(value: string | null | undefined): string | null {
  if (!value || !value.startsWith(CALLBACK_PREFIX)) return null;
  const id = value.slice(CALLBACK_PREFIX.length);
  return /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}
