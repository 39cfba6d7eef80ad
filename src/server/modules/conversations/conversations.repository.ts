import { sql, type Updateable } from 'kysely';
import type { SearchQuery } from '../search/search-key.rules.ts';
import { matchesSearch } from '../search/search-match.repository.ts';
import { CONVERSATION_SUMMARY_COLUMNS, type ConversationSummaryRow } from './conversation-events.rules.ts';
import type {
  ConversationRow,
  ConversationStatus,
  ConversationsTable,
  DbOrTx,
  MemberRole,
} from '../../db/types.ts';

/** Filters of the conversation list; each is optional. `assigneeId: null` means unassigned. */
export interface ConversationFilters {
  status?: ConversationStatus;
  assigneeId?: string | null;
  phoneNumberId?: string;
  unread?: boolean;
  teamId?: string;
  /** Only conversations whose contact carries this tag. */
  tag?: string;
  contactId?: string;
  /** The contact's search key or a message's search text matches (see `parseSearchQuery`). */
  search?: SearchQuery;
}

/**
 * A page of a workspace's conversations ordered by last message time then id, both descending (the order of
 * the `conversations_list_idx` index; PostgreSQL puts NULLs first in a descending order), strictly after the
 * keyset `after`.
 *
 * A search is two pages unioned, then ordered and cut again: conversations whose contact matches, and
 * conversations having a matching message. Apart, each is a plain semi-join that the planner can run either way
 * round — walk the list index and probe each conversation's messages when the word is common, or start from the
 * search index when it is rare; an OR of both in one WHERE would force a per-row subplan.
 */
export function listConversations(
  db: DbOrTx,
  input: {
    workspaceId: string;
    filters: ConversationFilters;
    limit: number;
    after?: { at: Date | null; id: string };
  },
): Promise<ConversationRow[]> {
  const { filters, after, workspaceId } = input;
  const base = () => {
    let q = db.selectFrom('conversations').where('conversations.workspace_id', '=', workspaceId);
    if (filters.status) q = q.where('status', '=', filters.status);
    if (filters.assigneeId === null) q = q.where('assignee_id', 'is', null);
    else if (filters.assigneeId !== undefined) q = q.where('assignee_id', '=', filters.assigneeId);
    if (filters.phoneNumberId) q = q.where('conversations.phone_number_id', '=', filters.phoneNumberId);
    if (filters.unread !== undefined) q = q.where('unread_count', filters.unread ? '>' : '=', 0);
    if (filters.teamId) q = q.where('team_id', '=', filters.teamId);
    if (filters.contactId) q = q.where('conversations.contact_id', '=', filters.contactId);
    if (filters.tag) {
      const tag = filters.tag;
      q = q.where('conversations.contact_id', 'in', (eb) =>
        eb
          .selectFrom('contact_tags')
          .select('contact_tags.contact_id')
          .where('contact_tags.workspace_id', '=', workspaceId)
          .where('contact_tags.tag', '=', tag),
      );
    }
    if (after) {
      const { at, id } = after;
      q = q.where((eb) =>
        at === null
          ? eb.or([
              eb('last_message_at', 'is not', null),
              eb.and([eb('last_message_at', 'is', null), eb('conversations.id', '<', id)]),
            ])
          : eb.or([
              eb('last_message_at', '<', at),
              eb.and([eb('last_message_at', '=', at), eb('conversations.id', '<', id)]),
            ]),
      );
    }
    return q;
  };
  const search = filters.search;
  if (!search) {
    return base()
      .selectAll()
      .orderBy('last_message_at', 'desc')
      .orderBy('id', 'desc')
      .limit(input.limit)
      .execute();
  }
  const byContact = base()
    .select(['conversations.id'])
    .where('conversations.contact_id', 'in', (eb) =>
      eb
        .selectFrom('contacts')
        .select('contacts.id')
        .where('contacts.workspace_id', '=', workspaceId)
        .where(matchesSearch('contacts.search_key', search)),
    )
    .orderBy('last_message_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(input.limit);
  const byMessage = base()
    .select(['conversations.id'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('messages')
          .select(sql.lit(1).as('one'))
          .whereRef('messages.conversation_id', '=', 'conversations.id')
          .where('messages.workspace_id', '=', workspaceId)
          .where(matchesSearch('messages.search_text', search)),
      ),
    )
    .orderBy('last_message_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(input.limit);
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom(byContact.as('by_contact'))
        .select('by_contact.id')
        .union(eb.selectFrom(byMessage.as('by_message')).select('by_message.id')),
    )
    .orderBy('last_message_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit)
    .execute();
}

/** One conversation of a workspace; `forUpdate` locks it for a read-modify-write in the caller's transaction. */
export function findConversation(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ConversationRow | undefined> {
  const q = db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** The conversation of a (contact, number) of a workspace — one unique-index lookup — or undefined. */
export function findThread(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  phoneNumberId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ConversationRow | undefined> {
  const q = db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('phone_number_id', '=', phoneNumberId);
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** Applies a change to one conversation of a workspace; the updated row, or undefined when there is none. */
export function updateConversationRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  set: Updateable<ConversationsTable>,
): Promise<ConversationRow | undefined> {
  return db
    .updateTable('conversations')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** The role of an active (not deactivated) member of the workspace, or undefined. */
export async function findActiveMemberRole(
  db: DbOrTx,
  workspaceId: string,
  userId: string,
): Promise<MemberRole | undefined> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('memberships.role')
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.user_id', '=', userId)
    .where('users.deactivated_at', 'is', null)
    .where('memberships.deactivated_at', 'is', null)
    .executeTakeFirst();
  return row?.role;
}

/**
 * Moves a conversation's summary for a message the business sent: last message time and preview; an answer
 * (agent, automation) also ends the customer's wait.
 */
export function recordOutboundSummary(
  db: DbOrTx,
  conversationId: string,
  change: { at: Date; preview: string; answered: boolean },
): Promise<ConversationSummaryRow> {
  return db
    .updateTable('conversations')
    .set({
      last_message_at: change.at,
      last_message_preview: change.preview,
      updated_at: change.at,
      ...(change.answered ? { waiting_since: null } : {}),
    })
    .where('id', '=', conversationId)
    .returning(CONVERSATION_SUMMARY_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Reopens the snoozed conversations whose time came; their summaries, for the consoles. */
export function wakeDueSnoozed(db: DbOrTx, now: Date): Promise<ConversationSummaryRow[]> {
  return db
    .updateTable('conversations')
    .set({ status: 'open', snoozed_until: null, updated_at: now })
    .where('status', '=', 'snoozed')
    .where('snoozed_until', '<=', now)
    .returning(CONVERSATION_SUMMARY_COLUMNS)
    .execute();
}

/**
 * The team read a conversation: unread count 0, and when the reader is its assignee, the assignee has read it (the
 * unread timeout will not pass it on).
 */
export function markConversationReadRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  readerId: string | null,
  now: Date,
): Promise<ConversationRow | undefined> {
  return db
    .updateTable('conversations')
    .set({
      unread_count: 0,
      ...(readerId
        ? {
            assignee_read_at: sql<Date>`case when assignee_id = ${readerId}::uuid then ${now}::timestamptz else assignee_read_at end`,
          }
        : {}),
      updated_at: now,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Every conversation with a contact, oldest first (the contact's privacy export). */
export function listConversationsOfContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<ConversationRow[]> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .execute();
}

/**
 * Deletes every conversation with a contact (erasure; delete the messages first through the messages module);
 * activities and automation rows go with them. Returns rows deleted.
 */
export async function deleteConversationsOfContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<number> {
  const res = await db
    .deleteFrom('conversations')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * `recordOutboundSummary` for many conversations at once (a batch send): each gets its latest preview; rows are
 * locked in id order first, so two batches touching the same conversations wait for each other instead of
 * deadlocking.
 */
export async function recordOutboundSummaries(
  db: DbOrTx,
  changes: { conversationId: string; preview: string }[],
  opts: { at: Date; answered: boolean },
): Promise<ConversationSummaryRow[]> {
  if (changes.length === 0) return [];
  const ids = changes.map((c) => c.conversationId);
  await sql`select id from conversations where id = any(${ids}::uuid[]) order by id for update`.execute(db);
  const res = await sql<ConversationSummaryRow>`
    update conversations c set last_message_at = ${opts.at}::timestamptz, last_message_preview = v.preview,
      updated_at = ${opts.at}::timestamptz,
      waiting_since = case when ${opts.answered}::boolean then null else c.waiting_since end
    from unnest(${ids}::uuid[], ${changes.map((c) => c.preview)}::text[]) as v(id, preview)
    where c.id = v.id
    returning ${sql.join(CONVERSATION_SUMMARY_COLUMNS.map((col) => sql.ref(`c.${col}`)))}`.execute(db);
  return res.rows;
}

/**
 * Contact merge: moves the conversations of contact `fromId` to `toId` on the numbers where `toId` has none yet
 * (one thread per contact and number); returns the ids moved. The conversations on numbers both have stay.
 */
export async function moveConversationsToContact(
  db: DbOrTx,
  workspaceId: string,
  fromId: string,
  toId: string,
): Promise<string[]> {
  const res = await sql<{ id: string }>`
    update conversations v set contact_id = ${toId}::uuid
    where v.workspace_id = ${workspaceId}::uuid and v.contact_id = ${fromId}::uuid
      and not exists (select 1 from conversations o where o.workspace_id = v.workspace_id
        and o.contact_id = ${toId}::uuid and o.phone_number_id = v.phone_number_id)
    returning v.id`.execute(db);
  return res.rows.map((r) => r.id);
}

/** Undo of a contact merge: gives the conversations `ids` (still with `fromId`) back to contact `toId`. */
export async function moveConversationsBack(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
  fromId: string,
  toId: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('conversations')
    .set({ contact_id: toId })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', fromId)
    .where('id', 'in', [...ids])
    .execute();
}

/**
 * Sets a conversation's last message time and last inbound time (the 24 h window) from its messages, after
 * messages moved in or out of it (contact merge and its undo); the preview is left as it is.
 */
export async function recomputeConversationTimes(
  db: DbOrTx,
  workspaceId: string,
  conversationId: string,
): Promise<void> {
  await sql`
    update conversations v set
      last_message_at = (select max(m.occurred_at) from messages m where m.conversation_id = v.id),
      last_inbound_at = (select max(m.occurred_at) from messages m
        where m.conversation_id = v.id and m.direction = 'inbound')
    where v.workspace_id = ${workspaceId}::uuid and v.id = ${conversationId}::uuid`.execute(db);
}
