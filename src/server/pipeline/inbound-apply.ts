import { sql } from 'kysely';
import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { DbOrTx, PhoneNumberRow } from '../db/types.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { messagePreview } from '../modules/messages/messages.rules.ts';
import { normalizeWaId } from '../modules/contacts/contacts.rules.ts';

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

export const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * Applies a batch of inbound messages with set-based SQL: contacts and conversations are upserted, messages
 * inserted idempotently on (phone number, wamid), conversation summaries moved forward in WhatsApp timestamp
 * order (an older message arriving late never overwrites a newer preview), media fetches enqueued, and
 * realtime events published — all in the caller's transaction. Returns how many messages were new.
 */
export async function applyInboundMessages(
  tx: DbOrTx,
  clock: Clock,
  items: InboundItem[],
): Promise<{ inserted: number; events: RealtimeEvent[] }> {
  if (items.length === 0) return { inserted: 0, events: [] };
  const now = clock.now();
  const sorted = [...items].sort((a, b) => a.timestamp - b.timestamp);

  // 1. Contacts, one row per (workspace, wa_id); the newest profile name wins.
  const contactKey = (i: InboundItem) => `${i.number.workspace_id}|${normalizeWaId(i.from)}`;
  const contactRows = new Map<string, { workspace_id: string; wa_id: string; profile_name: string | null }>();
  for (const i of sorted) {
    contactRows.set(contactKey(i), {
      workspace_id: i.number.workspace_id,
      wa_id: normalizeWaId(i.from),
      profile_name: i.profileName,
    });
  }
  const contacts = await tx
    .insertInto('contacts')
    .values(
      [...contactRows.values()].map((c) => ({
        id: newId(),
        workspace_id: c.workspace_id,
        wa_id: c.wa_id,
        phone_e164: '+' + c.wa_id,
        profile_name: c.profile_name,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'wa_id']).doUpdateSet({
        profile_name: sql`coalesce(excluded.profile_name, contacts.profile_name)`,
        updated_at: sql`case when excluded.profile_name is distinct from contacts.profile_name and excluded.profile_name is not null then excluded.updated_at else contacts.updated_at end`,
      }),
    )
    .returning(['id', 'workspace_id', 'wa_id'])
    .execute();
  const contactId = new Map(contacts.map((c) => [`${c.workspace_id}|${c.wa_id}`, c.id]));

  // 2. Conversations, one per (workspace, contact, number).
  const convKey = (i: InboundItem) => `${contactId.get(contactKey(i))}|${i.number.id}`;
  const convRows = new Map<string, { workspace_id: string; contact_id: string; phone_number_id: string }>();
  for (const i of sorted) {
    const cid = contactId.get(contactKey(i));
    if (!cid) throw new Error(`contact upsert lost ${contactKey(i)}`);
    convRows.set(convKey(i), {
      workspace_id: i.number.workspace_id,
      contact_id: cid,
      phone_number_id: i.number.id,
    });
  }
  const conversations = await tx
    .insertInto('conversations')
    .values([...convRows.values()].map((c) => ({ id: newId(), ...c, created_at: now, updated_at: now })))
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'contact_id', 'phone_number_id'])
        .doUpdateSet({ workspace_id: sql`conversations.workspace_id` }),
    )
    .returning(['id', 'contact_id', 'phone_number_id'])
    .execute();
  const conversationId = new Map(conversations.map((c) => [`${c.contact_id}|${c.phone_number_id}`, c.id]));

  // 3. Messages, idempotent on (phone number, wamid). Duplicates within the batch are dropped first.
  const seen = new Set<string>();
  const messageValues = [];
  for (const i of sorted) {
    const key = `${i.number.id}|${i.wamid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const media =
      MEDIA_TYPES.has(i.type) && typeof (i.content[i.type] as { id?: unknown } | undefined)?.id === 'string';
    messageValues.push({
      id: newId(),
      workspace_id: i.number.workspace_id,
      conversation_id: conversationId.get(convKey(i)) ?? '',
      phone_number_id: i.number.id,
      contact_id: contactId.get(contactKey(i)) ?? '',
      direction: 'inbound' as const,
      type: i.type,
      content: JSON.stringify(i.content),
      wamid: i.wamid,
      status: 'received' as const,
      origin: 'customer' as const,
      occurred_at: new Date(i.timestamp * 1000),
      created_at: now,
      media_status: media ? ('pending' as const) : null,
    });
  }
  const inserted = await tx
    .insertInto('messages')
    .values(messageValues)
    .onConflict((oc) => oc.columns(['phone_number_id', 'wamid']).where('wamid', 'is not', null).doNothing())
    .returning([
      'id',
      'workspace_id',
      'conversation_id',
      'phone_number_id',
      'type',
      'content',
      'wamid',
      'occurred_at',
      'media_status',
    ])
    .execute();
  if (inserted.length === 0) return { inserted: 0, events: [] };

  // 4. Conversation summaries: last inbound time (drives the 24 h window), latest preview, unread count.
  const perConv = new Map<string, { count: number; lastAt: Date; preview: string }>();
  for (const m of inserted) {
    const cur = perConv.get(m.conversation_id);
    const preview = messagePreview(m.content);
    if (!cur) perConv.set(m.conversation_id, { count: 1, lastAt: m.occurred_at, preview });
    else {
      cur.count++;
      if (m.occurred_at >= cur.lastAt) Object.assign(cur, { lastAt: m.occurred_at, preview });
    }
  }
  const values = sql.join(
    [...perConv].map(
      ([id, s]) => sql`(${id}::uuid, ${s.count}::int, ${s.lastAt}::timestamptz, ${s.preview}::text)`,
    ),
  );
  const updated = await sql<{
    id: string;
    workspace_id: string;
    status: string;
    assignee_id: string | null;
    unread_count: number;
    last_message_at: Date | null;
    last_message_preview: string | null;
  }>`
    update conversations c set
      unread_count = c.unread_count + v.n,
      last_inbound_at = greatest(c.last_inbound_at, v.last_at),
      last_message_preview = case when c.last_message_at is null or v.last_at >= c.last_message_at then v.preview else c.last_message_preview end,
      last_message_at = greatest(c.last_message_at, v.last_at),
      status = case when c.status in ('resolved', 'snoozed') then 'open' else c.status end,
      snoozed_until = case when c.status = 'snoozed' then null else c.snoozed_until end,
      updated_at = ${now}
    from (values ${values}) as v(id, n, last_at, preview)
    where c.id = v.id
    returning c.id, c.workspace_id, c.status, c.assignee_id, c.unread_count, c.last_message_at, c.last_message_preview`.execute(
    tx,
  );

  // 5. Media bytes are fetched as their own retryable step.
  for (const m of inserted) {
    if (m.media_status !== 'pending') continue;
    const mediaId = (m.content[m.type] as { id?: string } | undefined)?.id;
    await enqueueJob(
      tx,
      clock,
      'media.fetch',
      { messageId: m.id, mediaId },
      { workspaceId: m.workspace_id, dedupeKey: m.id },
    );
  }

  const events: RealtimeEvent[] = inserted.map((m) => ({
    type: 'message.created',
    workspaceId: m.workspace_id,
    data: {
      id: m.id,
      conversationId: m.conversation_id,
      direction: 'inbound',
      type: m.type,
      status: 'received',
      wamid: m.wamid,
      preview: messagePreview(m.content),
    },
  }));
  for (const c of updated.rows) events.push(conversationEvent(c));
  return { inserted: inserted.length, events };
}

/** The `conversation.updated` event for a conversation row. */
export function conversationEvent(c: {
  id: string;
  workspace_id: string;
  status: string;
  assignee_id: string | null;
  unread_count: number;
  last_message_at: Date | null;
  last_message_preview: string | null;
}): RealtimeEvent {
  return {
    type: 'conversation.updated',
    workspaceId: c.workspace_id,
    data: {
      id: c.id,
      status: c.status,
      assigneeId: c.assignee_id,
      unreadCount: c.unread_count,
      lastMessageAt: c.last_message_at ? new Date(c.last_message_at).toISOString() : null,
      lastMessagePreview: c.last_message_preview,
    },
  };
}
