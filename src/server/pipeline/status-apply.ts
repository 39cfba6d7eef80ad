import { sql } from 'kysely';
import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { Clock } from '../../lib/clock.ts';
import type { DbOrTx, MessageStatus } from '../db/types.ts';
import { messagePreview } from '../modules/messages/messages.rules.ts';
import { messageIdFromCallback, nextStatus, webhookStatusToMessageStatus } from './status.rules.ts';

/** A delivery status from a webhook, as the parser yields it. */
export interface StatusItem {
  /** Cloud API phone number id (the webhook's metadata). */
  phoneNumberId: string;
  wamid: string;
  status: string;
  timestamp: number;
  bizOpaqueCallbackData: string | null;
  errors: Array<{
    code: number | null;
    title: string | null;
    message: string | null;
    details: string | null;
  }> | null;
  pricing: Record<string, unknown> | null;
}

interface MessageState {
  id: string;
  workspace_id: string;
  conversation_id: string;
  wamid: string | null;
  status: MessageStatus;
  type: string;
  content: Record<string, unknown>;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  error_code: number | null;
  error_title: string | null;
  error_details: string | null;
}

/**
 * Applies status webhooks idempotently on (wamid, status) and monotonically (see status.rules.ts). A status
 * whose message is not known yet — the send's commit may still be in flight — is parked and applied when
 * the wamid is recorded (`applyParkedStatuses`). Messages are found by wamid or, when the status echoes our
 * `biz_opaque_callback_data`, by our id: that is how a send whose HTTP response was lost (crash) is
 * reconciled. Returns realtime events to publish.
 */
export async function applyStatuses(
  tx: DbOrTx,
  clock: Clock,
  items: StatusItem[],
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

  const rows = await tx
    .selectFrom('messages')
    .select([
      'id',
      'workspace_id',
      'conversation_id',
      'wamid',
      'status',
      'type',
      'content',
      'sent_at',
      'delivered_at',
      'read_at',
      'failed_at',
      'error_code',
      'error_title',
      'error_details',
    ])
    .where('direction', '=', 'outbound')
    .where((eb) => eb.or([eb('wamid', 'in', wamids), ...(ids.length > 0 ? [eb('id', 'in', ids)] : [])]))
    .orderBy('id')
    .forUpdate()
    .execute();
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

  if (toPark.length > 0) {
    await tx
      .insertInto('parked_statuses')
      .values(
        dedupe(toPark).map((i) => ({
          wamid: i.wamid,
          status: i.status,
          phone_number_id: i.phoneNumberId,
          payload: JSON.stringify(i),
          received_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['wamid', 'status']).doNothing())
      .execute();
  }
  if (matched.length === 0) return { applied: 0, parked: toPark.length, events: [] };

  // Idempotency: only (wamid, status) pairs not seen before move a message.
  const fresh = await tx
    .insertInto('message_status_events')
    .values(
      [...new Map(matched.map((m) => [`${m.item.wamid}|${m.item.status}`, m])).values()].map(
        ({ item, msg }) => ({
          workspace_id: msg.workspace_id,
          message_id: msg.id,
          wamid: item.wamid,
          status: item.status,
          occurred_at: new Date(item.timestamp * 1000),
          received_at: now,
          errors: item.errors ? JSON.stringify(item.errors) : null,
          pricing: item.pricing ? JSON.stringify(item.pricing) : null,
        }),
      ),
    )
    .onConflict((oc) => oc.columns(['wamid', 'status']).doNothing())
    .returning(['wamid', 'status'])
    .execute();
  const freshKeys = new Set(fresh.map((f) => `${f.wamid}|${f.status}`));

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

  const values = sql.join(
    [...changed.values()].map(
      (s) =>
        sql`(${s.id}::uuid, ${s.wamid}::text, ${s.status}::text, ${s.sent_at}::timestamptz, ${s.delivered_at}::timestamptz, ${s.read_at}::timestamptz, ${s.failed_at}::timestamptz, ${s.error_code}::int, ${s.error_title}::text, ${s.error_details}::text)`,
    ),
  );
  await sql`
    update messages m set wamid = coalesce(m.wamid, v.wamid), status = v.status, sent_at = v.sent_at, delivered_at = v.delivered_at,
      read_at = v.read_at, failed_at = v.failed_at, error_code = v.error_code, error_title = v.error_title, error_details = v.error_details,
      lease_owner = case when v.status in ('sent','delivered','read','failed') then null else m.lease_owner end,
      lease_expires_at = case when v.status in ('sent','delivered','read','failed') then null else m.lease_expires_at end
    from (values ${values}) as v(id, wamid, status, sent_at, delivered_at, read_at, failed_at, error_code, error_title, error_details)
    where m.id = v.id`.execute(tx);

  const events: RealtimeEvent[] = [...changed.values()].map((s) => ({
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
  return { applied: changed.size, parked: toPark.length, events };
}

/** Applies statuses parked for these wamids (called once the sends' wamids are committed). */
export async function applyParkedStatuses(
  tx: DbOrTx,
  clock: Clock,
  wamids: string[],
): Promise<RealtimeEvent[]> {
  if (wamids.length === 0) return [];
  const parked = await tx
    .deleteFrom('parked_statuses')
    .where('wamid', 'in', wamids)
    .returning(['payload'])
    .execute();
  if (parked.length === 0) return [];
  const result = await applyStatuses(
    tx,
    clock,
    parked.map((p) => p.payload as StatusItem),
  );
  return result.events;
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
