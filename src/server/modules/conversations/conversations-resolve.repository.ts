import { sql } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import type { DbOrTx } from '../../db/types.ts';
import { SYNTHETIC_BASE, type SyntheticRange } from '../contacts/contacts-resolve.repository.ts';
import type { ConversationSummaryRow } from './conversation-events.rules.ts';

/** A conversation asked for: one per (workspace, contact, phone number). */
export interface WantedConversation {
  workspaceId: string;
  contactId: string;
  phoneNumberId: string;
}

/** Key of a conversation in `findOrCreateConversations`'s answer. */
export const conversationKey = (contactId: string, phoneNumberId: string) => `${contactId}|${phoneNumberId}`;

/**
 * The one find-or-create of conversations (inbound, API and console sends, the demo, campaigns): one per
 * (workspace, contact, number), set-based over the whole list. Returns ids keyed by `conversationKey`, and the
 * ids created.
 */
export async function findOrCreateConversations(
  tx: DbOrTx,
  now: Date,
  wanted: WantedConversation[],
): Promise<{ ids: Map<string, string>; created: Set<string> }> {
  const byKey = new Map(wanted.map((w) => [conversationKey(w.contactId, w.phoneNumberId), w]));
  const list = [...byKey.values()];
  const created = new Set<string>();
  if (list.length === 0) return { ids: new Map(), created };
  const existing = await sql<{ id: string; contact_id: string; phone_number_id: string }>`
    select c.id, c.contact_id, c.phone_number_id from conversations c
    join unnest(${list.map((c) => c.workspaceId)}::uuid[], ${list.map((c) => c.contactId)}::uuid[],
      ${list.map((c) => c.phoneNumberId)}::uuid[]) as t(workspace_id, contact_id, phone_number_id)
      on c.workspace_id = t.workspace_id and c.contact_id = t.contact_id and c.phone_number_id = t.phone_number_id`.execute(
    tx,
  );
  const ids = new Map(existing.rows.map((r) => [conversationKey(r.contact_id, r.phone_number_id), r.id]));
  const missing = list.filter((c) => !ids.has(conversationKey(c.contactId, c.phoneNumberId)));
  if (missing.length > 0) {
    const fresh = missing.map(() => newId());
    const rows = await sql<{ id: string; contact_id: string; phone_number_id: string }>`
      insert into conversations (id, workspace_id, contact_id, phone_number_id, created_at, updated_at)
      select t.id, t.workspace_id, t.contact_id, t.phone_number_id, ${now}::timestamptz, ${now}::timestamptz
      from unnest(${fresh}::uuid[], ${missing.map((c) => c.workspaceId)}::uuid[],
        ${missing.map((c) => c.contactId)}::uuid[], ${missing.map((c) => c.phoneNumberId)}::uuid[])
        as t(id, workspace_id, contact_id, phone_number_id)
      on conflict (workspace_id, contact_id, phone_number_id) do update set workspace_id = excluded.workspace_id
      returning id, contact_id, phone_number_id`.execute(tx);
    const freshIds = new Set(fresh);
    for (const r of rows.rows) {
      ids.set(conversationKey(r.contact_id, r.phone_number_id), r.id);
      if (freshIds.has(r.id)) created.add(r.id);
    }
  }
  return { ids, created };
}

/** A customer message's effect on its conversation's summary. */
export interface InboundSummaryChange {
  conversationId: string;
  /** WhatsApp timestamp, in seconds. */
  at: number;
  preview: string;
}

/**
 * Moves conversation summaries forward for new customer messages: last inbound time (drives the 24 h window),
 * the latest preview by WhatsApp timestamp (an older message arriving late never overwrites a newer one), the
 * unread count; a resolved or snoozed conversation reopens (`previous_status` tells). One statement for the
 * whole batch.
 */
export async function applyInboundSummaries(
  tx: DbOrTx,
  now: Date,
  messages: InboundSummaryChange[],
): Promise<Array<ConversationSummaryRow & { previous_status: string }>> {
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
  if (rows.length === 0) return [];
  const res = await sql<ConversationSummaryRow & { previous_status: string }>`
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
      ${rows.map(([, s]) => new Date(s.firstAt * 1000))}::timestamptz[]) as v(id, n, last_at, preview, first_at),
      conversations before
    where c.id = v.id and before.id = v.id
    returning c.id, c.workspace_id, c.status, c.assignee_id, c.unread_count, c.last_message_at, c.last_message_preview,
      c.priority, c.team_id, c.waiting_since, c.automation_paused_reason,
      before.status as previous_status`.execute(tx);
  return res.rows;
}

/** One conversation per synthetic demo contact of a range, spread over the numbers (benchmark data). */
export async function seedSyntheticConversations(
  tx: DbOrTx,
  r: SyntheticRange & { numberIds: string[] },
): Promise<void> {
  await sql`
    insert into conversations (id, workspace_id, contact_id, phone_number_id, last_inbound_at, last_message_at,
      last_message_preview, unread_count, created_at, updated_at)
    select gen_random_uuid(), c.workspace_id, c.id, (${sql.val(r.numberIds)}::uuid[])[1 + (c.wa_id::bigint % ${r.numberIds.length})],
      ${r.now}::timestamptz - interval '1 hour', ${r.now}::timestamptz - interval '1 hour', 'Message 10', 1,
      ${r.now}::timestamptz, ${r.now}::timestamptz
    from contacts c
    where c.workspace_id = ${r.workspaceId}::uuid
      and c.wa_id in (select (${SYNTHETIC_BASE}::bigint + g)::text from generate_series(${r.from}::int, ${r.to}::int) g)`.execute(
    tx,
  );
}
