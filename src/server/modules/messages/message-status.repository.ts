import { sql } from 'kysely';
import type { DbOrTx, MessageStatus } from '../../db/types.ts';

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

/** What a status can change on an outbound message. */
export interface MessageState {
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

/** Outbound messages by wamid or by our id (echoed in `biz_opaque_callback_data`), locked for the update. */
export function lockOutboundMessages(db: DbOrTx, wamids: string[], ids: string[]): Promise<MessageState[]> {
  return db
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
}

/** Parks statuses whose message is not known yet, once per (wamid, status). */
export async function parkStatuses(db: DbOrTx, now: Date, items: StatusItem[]): Promise<void> {
  if (items.length === 0) return;
  await db
    .insertInto('parked_statuses')
    .values(
      items.map((i) => ({
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

/** Takes (deletes and returns) the statuses parked for these wamids. */
export async function takeParkedStatuses(db: DbOrTx, wamids: string[]): Promise<StatusItem[]> {
  if (wamids.length === 0) return [];
  const parked = await db
    .deleteFrom('parked_statuses')
    .where('wamid', 'in', wamids)
    .returning(['payload'])
    .execute();
  return parked.map((p) => p.payload as StatusItem);
}

/**
 * Records status events idempotently on (wamid, status); returns the `wamid|status` keys seen for the first
 * time (only those may move a message).
 */
export async function recordStatusEvents(
  db: DbOrTx,
  now: Date,
  matched: Array<{ item: StatusItem; msg: MessageState }>,
): Promise<Set<string>> {
  if (matched.length === 0) return new Set();
  const fresh = await db
    .insertInto('message_status_events')
    .values(
      matched.map(({ item, msg }) => ({
        workspace_id: msg.workspace_id,
        message_id: msg.id,
        wamid: item.wamid,
        status: item.status,
        occurred_at: new Date(item.timestamp * 1000),
        received_at: now,
        errors: item.errors ? JSON.stringify(item.errors) : null,
        pricing: item.pricing ? JSON.stringify(item.pricing) : null,
      })),
    )
    .onConflict((oc) => oc.columns(['wamid', 'status']).doNothing())
    .returning(['wamid', 'status'])
    .execute();
  return new Set(fresh.map((f) => `${f.wamid}|${f.status}`));
}

/** Writes the new states of messages moved by statuses; a final status ends the send's lease. */
export async function updateMessageStates(db: DbOrTx, states: MessageState[]): Promise<void> {
  if (states.length === 0) return;
  const values = sql.join(
    states.map(
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
    where m.id = v.id`.execute(db);
}
