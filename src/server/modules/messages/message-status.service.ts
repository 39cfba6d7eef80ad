import type { RealtimeEvent } from '../../../contracts/realtime.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { DbOrTx, MessageStatus } from '../../db/types.ts';
import type { DomainEvent } from '../../domain-events/domain-events.schemas.ts';
import type { DomainEvents } from '../../domain-events/domain-events.service.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import {
  lockOutboundMessages,
  parkStatuses,
  recordStatusEvents,
  takeParkedStatuses,
  updateMessageStates,
  type MessageState,
  type StatusItem,
} from './message-status.repository.ts';
import { messageIdFromCallback, nextStatus, webhookStatusToMessageStatus } from './message-status.rules.ts';
import { messagePreview } from './messages.rules.ts';

export type { StatusItem };

/**
 * Applies status webhooks idempotently on (wamid, status) and monotonically (see message-status.rules.ts). A
 * status whose message is not known yet — the send's commit may still be in flight — is parked and applied when
 * the wamid is recorded (`applyParkedStatuses`). Messages are found by wamid or, when the status echoes our
 * `biz_opaque_callback_data`, by our id: that is how a send whose HTTP response was lost (crash) is
 * reconciled. Publishes `message.status_changed` for each message whose status moved (to the catalog's listeners
 * unless `events` is given); returns realtime events.
 */
export async function applyStatuses(
  tx: DbOrTx,
  clock: Clock,
  items: StatusItem[],
  events: Pick<DomainEvents, 'publish'> = domainEvents,
): Promise<{ applied: number; parked: number; events: RealtimeEvent[] }> {
  const usable = items.filter((i) => webhookStatusToMessageStatus(i.status) !== null);
  if (usable.length === 0) return { applied: 0, parked: 0, events: [] };
  const now = clock.now();
  const wamids = [...new Set(usable.map((i) => i.wamid))];
  const ids = [
    ...new Set(
      usable
        .map((i) => messageIdFromCallback(i.bizOpaqueCallbackData))
        .filter((x): x is string => x !== null),
    ),
  ];
  const rows = await lockOutboundMessages(tx, wamids, ids);
  const byWamid = new Map<string, MessageState>();
  const byId = new Map<string, MessageState>();
  for (const r of rows) {
    byId.set(r.id, r);
    if (r.wamid) byWamid.set(r.wamid, r);
  }

  const toPark: StatusItem[] = [];
  const matched: Array<{ item: StatusItem; msg: MessageState }> = [];
  for (const item of usable) {
    const msg = byWamid.get(item.wamid) ?? byId.get(messageIdFromCallback(item.bizOpaqueCallbackData) ?? '');
    if (msg) matched.push({ item, msg });
    else toPark.push(item);
  }
  await parkStatuses(tx, now, dedupe(toPark));
  if (matched.length === 0) return { applied: 0, parked: toPark.length, events: [] };

  // Idempotency: only (wamid, status) pairs not seen before move a message.
  const freshKeys = await recordStatusEvents(tx, now, [
    ...new Map(matched.map((m) => [`${m.item.wamid}|${m.item.status}`, m])).values(),
  ]);
  const changed = new Map<string, MessageState>();
  for (const { item, msg } of matched.sort((a, b) => a.item.timestamp - b.item.timestamp)) {
    if (!freshKeys.has(`${item.wamid}|${item.status}`)) continue;
    freshKeys.delete(`${item.wamid}|${item.status}`);
    const incoming = webhookStatusToMessageStatus(item.status) as MessageStatus;
    const at = new Date(item.timestamp * 1000);
    const state = changed.get(msg.id) ?? { ...msg };
    state.wamid ??= item.wamid;
    state.status = nextStatus(state.status, incoming);
    if (incoming === 'sent') state.sent_at ??= at;
    if (incoming === 'delivered') state.delivered_at ??= at;
    if (incoming === 'read') state.read_at ??= at;
    if (incoming === 'failed') {
      state.failed_at ??= at;
      const e = item.errors?.[0];
      state.error_code = e?.code ?? state.error_code;
      state.error_title = e?.title ?? e?.message ?? state.error_title;
      state.error_details = e?.details ?? state.error_details;
    }
    changed.set(msg.id, state);
  }
  if (changed.size === 0) return { applied: 0, parked: toPark.length, events: [] };
  const states = [...changed.values()];
  await updateMessageStates(tx, states);

  const before = new Map(rows.map((r) => [r.id, r.status]));
  await events.publish(
    tx,
    clock,
    states
      .filter((s) => s.status !== before.get(s.id))
      .map((s): DomainEvent<'message.status_changed'> => ({
        type: 'message.status_changed',
        workspaceId: s.workspace_id,
        key: `${s.id}:${s.status}`,
        data: {
          messageId: s.id,
          conversationId: s.conversation_id,
          status: s.status,
          previousStatus: before.get(s.id) ?? s.status,
          errorCode: s.error_code,
        },
      })),
  );
  const realtime: RealtimeEvent[] = states.map((s) => ({
    type: 'message.updated',
    workspaceId: s.workspace_id,
    data: {
      id: s.id,
      conversationId: s.conversation_id,
      direction: 'outbound',
      type: s.type,
      status: s.status,
      wamid: s.wamid,
      preview: messagePreview(s.content),
      errorCode: s.error_code,
    },
  }));
  return { applied: changed.size, parked: toPark.length, events: realtime };
}

/** Applies statuses parked for these wamids (called once the sends' wamids are committed). */
export async function applyParkedStatuses(
  tx: DbOrTx,
  clock: Clock,
  wamids: string[],
): Promise<RealtimeEvent[]> {
  const parked = await takeParkedStatuses(tx, wamids);
  if (parked.length === 0) return [];
  return (await applyStatuses(tx, clock, parked)).events;
}

function dedupe(items: StatusItem[]): StatusItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = `${i.wamid}|${i.status}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
