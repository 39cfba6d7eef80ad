import { sql } from 'kysely';
import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { DbOrTx } from '../db/types.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { normalizeWaId } from '../modules/contacts/contacts.rules.ts';
import {
  conversationEvent,
  type ConversationSummaryRow,
} from '../modules/conversations/conversation-events.rules.ts';
import { messagePreview, type InboundItem } from '../modules/messages/messages.rules.ts';

export type { InboundItem };

/** Message types automation never answers: reactions, system notices, what WhatsApp could not deliver. */
const NOT_FOR_AUTOMATION = ['reaction', 'system', 'unsupported', 'errors'];

export const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * Applies a batch of inbound messages with set-based SQL: contacts and conversations are found or created,
 * messages inserted idempotently on (phone number, wamid), conversation summaries moved forward in WhatsApp
 * timestamp order (an older message arriving late never overwrites a newer preview), media fetches enqueued —
 * all in the caller's transaction. Every statement takes whole columns as array parameters (`unnest`), so a
 * batch of 500 messages costs a handful of round trips with a few parameters each. Returns the realtime
 * events to publish.
 */
export async function applyInboundMessages(
  tx: DbOrTx,
  clock: Clock,
  items: InboundItem[],
): Promise<{ inserted: number; events: RealtimeEvent[] }> {
  if (items.length === 0) return { inserted: 0, events: [] };
  const now = clock.now();
  const sorted = [...items].sort((a, b) => a.timestamp - b.timestamp);
  const contactId = await resolveContacts(tx, now, sorted);
  const contactOf = (i: InboundItem) =>
    contactId.get(`${i.number.workspace_id}|${normalizeWaId(i.from)}`) as string;
  const conversationId = await resolveConversations(tx, now, sorted, contactOf);
  const conversationOf = (i: InboundItem) => conversationId.get(`${contactOf(i)}|${i.number.id}`) as string;

  // Messages, idempotent on (phone number, wamid). Duplicates within the batch are dropped first.
  const seen = new Set<string>();
  const fresh: Array<{ id: string; item: InboundItem; mediaId: string | null }> = [];
  for (const i of sorted) {
    const key = `${i.number.id}|${i.wamid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const id = (i.content[i.type] as { id?: unknown } | undefined)?.id;
    fresh.push({
      id: newId(),
      item: i,
      mediaId: MEDIA_TYPES.has(i.type) && typeof id === 'string' ? id : null,
    });
  }
  const col = <T>(fn: (m: (typeof fresh)[number]) => T) => fresh.map(fn);
  // The messages, and in the same statement the automation engine's job for each new customer message of a
  // workspace whose automation is on (one round trip: this runs for every webhook batch).
  const inserted = await sql<{ id: string }>`
    with ins as (
      insert into messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type, content,
        wamid, status, origin, occurred_at, created_at, media_status)
      select t.id, t.workspace_id, t.conversation_id, t.phone_number_id, t.contact_id, 'inbound', t.type, t.content::jsonb,
        t.wamid, 'received', 'customer', t.occurred_at, ${now}::timestamptz, t.media_status
      from unnest(${col((m) => m.id)}::uuid[], ${col((m) => m.item.number.workspace_id)}::uuid[],
        ${col((m) => conversationOf(m.item))}::uuid[], ${col((m) => m.item.number.id)}::uuid[],
        ${col((m) => contactOf(m.item))}::uuid[], ${col((m) => m.item.type)}::text[],
        ${col((m) => JSON.stringify(m.item.content))}::text[], ${col((m) => m.item.wamid)}::text[],
        ${col((m) => new Date(m.item.timestamp * 1000))}::timestamptz[], ${col((m) => (m.mediaId ? 'pending' : null))}::text[])
        as t(id, workspace_id, conversation_id, phone_number_id, contact_id, type, content, wamid, occurred_at, media_status)
      on conflict (phone_number_id, wamid) where wamid is not null do nothing
      returning id, workspace_id, type),
    automation as (
      insert into jobs (id, workspace_id, name, payload, dedupe_key, run_at, max_attempts, created_at)
      select gen_random_uuid(), ins.workspace_id, 'automation.inbound', jsonb_build_object('messageId', ins.id),
        'automation:' || ins.id, ${now}::timestamptz, 5, ${now}::timestamptz
      from ins
      where ins.type <> all (${NOT_FOR_AUTOMATION}::text[])
        and exists (select 1 from automation_settings s where s.workspace_id = ins.workspace_id and s.enabled)
      on conflict (name, dedupe_key) where dedupe_key is not null do nothing)
    select id from ins`.execute(tx);
  const insertedIds = new Set(inserted.rows.map((r) => r.id));
  const created = fresh.filter((m) => insertedIds.has(m.id));
  if (created.length === 0) return { inserted: 0, events: [] };

  const updated = await updateSummaries(
    tx,
    now,
    created.map((m) => ({
      conversationId: conversationOf(m.item),
      at: m.item.timestamp,
      preview: messagePreview(m.item.content),
    })),
  );

  // Media bytes are fetched as their own retryable step.
  for (const m of created) {
    if (!m.mediaId) continue;
    await enqueueJob(
      tx,
      clock,
      'media.fetch',
      { messageId: m.id, mediaId: m.mediaId },
      { workspaceId: m.item.number.workspace_id, dedupeKey: m.id },
    );
  }

  const events: RealtimeEvent[] = created.map((m) => ({
    type: 'message.created',
    workspaceId: m.item.number.workspace_id,
    data: {
      id: m.id,
      conversationId: conversationOf(m.item),
      direction: 'inbound',
      type: m.item.type,
      status: 'received',
      wamid: m.item.wamid,
      preview: messagePreview(m.item.content),
    },
  }));
  for (const c of updated) events.push(conversationEvent(c));
  return { inserted: created.length, events };
}

/**
 * Finds or creates one contact per (workspace, wa_id); a changed WhatsApp profile name is recorded. Existing
 * rows are only read (no write per message), new ones inserted, renamed ones updated.
 */
async function resolveContacts(tx: DbOrTx, now: Date, items: InboundItem[]): Promise<Map<string, string>> {
  const wanted = new Map<string, { workspaceId: string; waId: string; name: string | null }>();
  for (const i of items) {
    const waId = normalizeWaId(i.from);
    const prev = wanted.get(`${i.number.workspace_id}|${waId}`);
    wanted.set(`${i.number.workspace_id}|${waId}`, {
      workspaceId: i.number.workspace_id,
      waId,
      name: i.profileName ?? prev?.name ?? null,
    });
  }
  const list = [...wanted.values()];
  const existing = await sql<{
    id: string;
    workspace_id: string;
    wa_id: string;
    profile_name: string | null;
  }>`
    select c.id, c.workspace_id, c.wa_id, c.profile_name from contacts c
    join unnest(${list.map((c) => c.workspaceId)}::uuid[], ${list.map((c) => c.waId)}::text[]) as t(workspace_id, wa_id)
      on c.workspace_id = t.workspace_id and c.wa_id = t.wa_id`.execute(tx);
  const ids = new Map(existing.rows.map((r) => [`${r.workspace_id}|${r.wa_id}`, r.id]));
  const renamed = existing.rows.filter((r) => {
    const name = wanted.get(`${r.workspace_id}|${r.wa_id}`)?.name;
    return name && name !== r.profile_name;
  });
  if (renamed.length > 0) {
    await sql`
      update contacts c set profile_name = t.name, updated_at = ${now}
      from unnest(${renamed.map((r) => r.id)}::uuid[], ${renamed.map((r) => wanted.get(`${r.workspace_id}|${r.wa_id}`)?.name ?? null)}::text[]) as t(id, name)
      where c.id = t.id`.execute(tx);
  }
  const missing = list.filter((c) => !ids.has(`${c.workspaceId}|${c.waId}`));
  if (missing.length > 0) {
    // `do update` (a no-op) rather than `do nothing` so a row a concurrent transaction just inserted is returned.
    const rows = await sql<{ id: string; workspace_id: string; wa_id: string }>`
      insert into contacts (id, workspace_id, wa_id, phone_e164, profile_name, created_at, updated_at)
      select t.id, t.workspace_id, t.wa_id, '+' || t.wa_id, t.name, ${now}::timestamptz, ${now}::timestamptz
      from unnest(${missing.map(() => newId())}::uuid[], ${missing.map((c) => c.workspaceId)}::uuid[],
        ${missing.map((c) => c.waId)}::text[], ${missing.map((c) => c.name)}::text[]) as t(id, workspace_id, wa_id, name)
      on conflict (workspace_id, wa_id) do update set workspace_id = excluded.workspace_id
      returning id, workspace_id, wa_id`.execute(tx);
    for (const r of rows.rows) ids.set(`${r.workspace_id}|${r.wa_id}`, r.id);
  }
  return ids;
}

/** Finds or creates one conversation per (workspace, contact, number); keyed `${contactId}|${numberId}`. */
async function resolveConversations(
  tx: DbOrTx,
  now: Date,
  items: InboundItem[],
  contactOf: (i: InboundItem) => string,
): Promise<Map<string, string>> {
  const wanted = new Map<string, { workspaceId: string; contactId: string; numberId: string }>();
  for (const i of items)
    wanted.set(`${contactOf(i)}|${i.number.id}`, {
      workspaceId: i.number.workspace_id,
      contactId: contactOf(i),
      numberId: i.number.id,
    });
  const list = [...wanted.values()];
  const existing = await sql<{ id: string; contact_id: string; phone_number_id: string }>`
    select c.id, c.contact_id, c.phone_number_id from conversations c
    join unnest(${list.map((c) => c.workspaceId)}::uuid[], ${list.map((c) => c.contactId)}::uuid[], ${list.map((c) => c.numberId)}::uuid[])
      as t(workspace_id, contact_id, phone_number_id)
      on c.workspace_id = t.workspace_id and c.contact_id = t.contact_id and c.phone_number_id = t.phone_number_id`.execute(
    tx,
  );
  const ids = new Map(existing.rows.map((r) => [`${r.contact_id}|${r.phone_number_id}`, r.id]));
  const missing = list.filter((c) => !ids.has(`${c.contactId}|${c.numberId}`));
  if (missing.length > 0) {
    const rows = await sql<{ id: string; contact_id: string; phone_number_id: string }>`
      insert into conversations (id, workspace_id, contact_id, phone_number_id, created_at, updated_at)
      select t.id, t.workspace_id, t.contact_id, t.phone_number_id, ${now}::timestamptz, ${now}::timestamptz
      from unnest(${missing.map(() => newId())}::uuid[], ${missing.map((c) => c.workspaceId)}::uuid[],
        ${missing.map((c) => c.contactId)}::uuid[], ${missing.map((c) => c.numberId)}::uuid[]) as t(id, workspace_id, contact_id, phone_number_id)
      on conflict (workspace_id, contact_id, phone_number_id) do update set workspace_id = excluded.workspace_id
      returning id, contact_id, phone_number_id`.execute(tx);
    for (const r of rows.rows) ids.set(`${r.contact_id}|${r.phone_number_id}`, r.id);
  }
  return ids;
}

/**
 * Moves conversation summaries forward: last inbound time (drives the 24 h window), the latest preview by
 * WhatsApp timestamp, the unread count; a resolved or snoozed conversation reopens.
 */
async function updateSummaries(
  tx: DbOrTx,
  now: Date,
  messages: Array<{ conversationId: string; at: number; preview: string }>,
): Promise<ConversationSummaryRow[]> {
  const perConv = new Map<string, { count: number; firstAt: number; lastAt: number; preview: string }>();
  for (const m of messages) {
    const cur = perConv.get(m.conversationId);
    if (!cur) perConv.set(m.conversationId, { count: 1, firstAt: m.at, lastAt: m.at, preview: m.preview });
    else {
      cur.count++;
      cur.firstAt = Math.min(cur.firstAt, m.at);
      if (m.at >= cur.lastAt) Object.assign(cur, { lastAt: m.at, preview: m.preview });
    }
  }
  const rows = [...perConv];
  const res = await sql<ConversationSummaryRow>`
    update conversations c set
      unread_count = c.unread_count + v.n,
      last_inbound_at = greatest(c.last_inbound_at, v.last_at),
      last_message_preview = case when c.last_message_at is null or v.last_at >= c.last_message_at then v.preview else c.last_message_preview end,
      last_message_at = greatest(c.last_message_at, v.last_at),
      waiting_since = least(c.waiting_since, v.first_at),
      status = case when c.status in ('resolved', 'snoozed') then 'open' else c.status end,
      snoozed_until = case when c.status = 'snoozed' then null else c.snoozed_until end,
      updated_at = ${now}
    from unnest(${rows.map(([id]) => id)}::uuid[], ${rows.map(([, s]) => s.count)}::int[],
      ${rows.map(([, s]) => new Date(s.lastAt * 1000))}::timestamptz[], ${rows.map(([, s]) => s.preview)}::text[],
      ${rows.map(([, s]) => new Date(s.firstAt * 1000))}::timestamptz[]) as v(id, n, last_at, preview, first_at)
    where c.id = v.id
    returning c.id, c.workspace_id, c.status, c.assignee_id, c.unread_count, c.last_message_at, c.last_message_preview,
      c.priority, c.team_id, c.waiting_since, c.automation_paused_reason`.execute(tx);
  return res.rows;
}
