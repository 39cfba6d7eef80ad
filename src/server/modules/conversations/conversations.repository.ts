import { sql, type Updateable } from 'kysely';
import type { ContactSearchPatterns } from '../contacts/contacts-search.rules.ts';
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
  /** Contact name/phone or message text matches (see `contactSearchPatterns`). */
  search?: ContactSearchPatterns;
}

/**
 * A page of a workspace's conversations ordered by last message time then id, both descending (the order of
 * the `conversations_list_idx` index; PostgreSQL puts NULLs first in a descending order), strictly after the
 * keyset `after`.
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
  const { filters, after } = input;
  let q = db.selectFrom('conversations').selectAll().where('workspace_id', '=', input.workspaceId);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.assigneeId === null) q = q.where('assignee_id', 'is', null);
  else if (filters.assigneeId !== undefined) q = q.where('assignee_id', '=', filters.assigneeId);
  if (filters.phoneNumberId) q = q.where('phone_number_id', '=', filters.phoneNumberId);
  if (filters.unread !== undefined) q = q.where('unread_count', filters.unread ? '>' : '=', 0);
  if (filters.teamId) q = q.where('team_id', '=', filters.teamId);
  if (filters.contactId) q = q.where('contact_id', '=', filters.contactId);
  if (filters.tag) {
    const tag = filters.tag;
    q = q.where('contact_id', 'in', (eb) =>
      eb
        .selectFrom('contact_tags')
        .select('contact_tags.contact_id')
        .where('contact_tags.workspace_id', '=', input.workspaceId)
        .where('contact_tags.tag', '=', tag),
    );
  }
  const search = filters.search;
  if (search) {
    q = q.where((eb) =>
      eb.or([
        eb(
          'contact_id',
          'in',
          eb
            .selectFrom('contacts')
            .select('contacts.id')
            .where('contacts.workspace_id', '=', input.workspaceId)
            .where((c) =>
              c.or([
                c('contacts.name', 'ilike', search.text),
                c('contacts.profile_name', 'ilike', search.text),
                c('contacts.phone_e164', 'ilike', search.text),
                ...search.digits.map((d) => c('contacts.wa_id', 'like', d)),
              ]),
            ),
        ),
        eb.exists(
          eb
            .selectFrom('messages')
            .select(sql.lit(1).as('one'))
            .whereRef('messages.conversation_id', '=', 'conversations.id')
            .where(
              sql<string>`coalesce(messages.content->'text'->>'body', messages.content->messages.type->>'caption', '')`,
              'ilike',
              search.text,
            ),
        ),
      ]),
    );
  }
  if (after) {
    const { at, id } = after;
    q = q.where((eb) =>
      at === null
        ? eb.or([
            eb('last_message_at', 'is not', null),
            eb.and([eb('last_message_at', 'is', null), eb('id', '<', id)]),
          ])
        : eb.or([
            eb('last_message_at', '<', at),
            eb.and([eb('last_message_at', '=', at), eb('id', '<', id)]),
          ]),
    );
  }
  return q.orderBy('last_message_at', 'desc').orderBy('id', 'desc').limit(input.limit).execute();
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
