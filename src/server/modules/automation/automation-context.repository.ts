/**
 * Reads what the automation planner needs about a message, its conversation and its contact. Reads only: the
 * decisions are written by automation-runtime.service.ts.
 */
import { sql } from 'kysely';
import type { ConversationRow, DbOrTx, MessageRow } from '../../db/types.ts';
import type { ContactEvent } from '../../../contracts/automation-rules.schemas.ts';
import { findTagsOfContacts } from '../contacts/contact-tags.repository.ts';
import type { PastReply } from './automation-plan.rules.ts';

/** An inbound message with what routing needs of its number and contact. */
export interface InboundContext {
  message: MessageRow;
  cloudPhoneNumberId: string;
  contact: { id: string; name: string | null; phone: string | null; attributes: Record<string, unknown> };
}

export async function loadInbound(db: DbOrTx, messageId: string): Promise<InboundContext | undefined> {
  const row = await db
    .selectFrom('messages')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
    .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
    .selectAll('messages')
    .select([
      'phone_numbers.phone_number_id as cloud_id',
      'contacts.name as contact_name',
      'contacts.profile_name as contact_profile_name',
      'contacts.phone_e164 as contact_phone',
      'contacts.attributes as contact_attributes',
    ])
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  if (!row || row.direction !== 'inbound') return undefined;
  const { cloud_id, contact_name, contact_profile_name, contact_phone, contact_attributes, ...message } = row;
  return {
    message,
    cloudPhoneNumberId: cloud_id,
    contact: {
      id: message.contact_id,
      name: contact_name ?? contact_profile_name,
      phone: contact_phone,
      attributes: contact_attributes,
    },
  };
}

/** The contact's recorded events (latest 200) for conditions. */
export async function loadContactEvents(db: DbOrTx, contactId: string): Promise<ContactEvent[]> {
  const rows = await db
    .selectFrom('contact_events')
    .select(['name', 'occurred_at'])
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ name: r.name, at: r.occurred_at }));
}

/**
 * When the contact last wrote before `at` (any number of the workspace), not counting the message `excludeId`
 * (the one being decided); null for a first message.
 */
export async function previousInboundAt(
  db: DbOrTx,
  contact: { workspaceId: string; contactId: string },
  before: { at: Date; excludeId: string | null },
): Promise<Date | null> {
  let q = db
    .selectFrom('messages')
    .select('occurred_at')
    .where('workspace_id', '=', contact.workspaceId)
    .where('contact_id', '=', contact.contactId)
    .where('direction', '=', 'inbound')
    .where('occurred_at', '<=', before.at);
  if (before.excludeId) q = q.where('id', '!=', before.excludeId);
  const row = await q.orderBy('occurred_at', 'desc').limit(1).executeTakeFirst();
  return row?.occurred_at ?? null;
}

/**
 * What conditions and conditional content see of a contact when a message arrives at `before.at`: tags,
 * recorded events, and the customer's previous message as the event `message_received` (so
 * `not event.message_received within 30d` means inactive for 30 days). One loader for deciding, for sending
 * the reply later and for the dry run, so all three see the same thing.
 */
export async function loadConditionSubject(
  db: DbOrTx,
  contact: { workspaceId: string; contactId: string },
  before: { at: Date; excludeId: string | null },
): Promise<{ tags: string[]; events: ContactEvent[]; previousInboundAt: Date | null }> {
  const [tags, events, previous] = await Promise.all([
    findTagsOfContacts(db, contact.workspaceId, [contact.contactId]),
    loadContactEvents(db, contact.contactId),
    previousInboundAt(db, contact, before),
  ]);
  return {
    tags: tags.get(contact.contactId) ?? [],
    events: previous ? [...events, { name: 'message_received', at: previous }] : events,
    previousInboundAt: previous,
  };
}

/** The texts of the conversation's previous customer messages, oldest first (at most `limit`). */
export async function previousTexts(db: DbOrTx, message: MessageRow, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select(sql<string>`coalesce(content->'text'->>'body', '')`.as('text'))
    .where('conversation_id', '=', message.conversation_id)
    .where('direction', '=', 'inbound')
    .where('id', '!=', message.id)
    .where('occurred_at', '<=', message.occurred_at)
    .orderBy('occurred_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.text).reverse();
}

/**
 * Automatic replies of the conversation within `windowMs` before `now` (the planner's history window), and when
 * it last got the away message.
 */
export async function loadReplyHistory(
  db: DbOrTx,
  conversationId: string,
  now: Date,
  windowMs: number,
): Promise<{ history: PastReply[]; lastAwayAt: Date | null }> {
  const [rows, away] = await Promise.all([
    db
      .selectFrom('automation_replies')
      .select(['kind', 'rule_id', 'layer', 'created_at'])
      .where('conversation_id', '=', conversationId)
      .where('created_at', '>', new Date(now.getTime() - windowMs))
      .execute(),
    db
      .selectFrom('automation_replies')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('conversation_id', '=', conversationId)
      .where('kind', '=', 'away')
      .executeTakeFirst(),
  ]);
  return {
    history: rows.map((r) => ({ kind: r.kind, ruleId: r.rule_id, layer: r.layer, at: r.created_at })),
    lastAwayAt: away?.at ? new Date(away.at) : null,
  };
}

/** Locks the conversation for the decision (one message of a conversation is decided at a time). */
export function lockConversation(db: DbOrTx, conversationId: string): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .forUpdate()
    .executeTakeFirst();
}

/** Of these workspaces, those whose automation is switched on. */
export async function automationEnabledWorkspaces(db: DbOrTx, workspaceIds: string[]): Promise<Set<string>> {
  if (workspaceIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('automation_settings')
    .select('workspace_id')
    .where('workspace_id', 'in', workspaceIds)
    .where('enabled', '=', true)
    .execute();
  return new Set(rows.map((r) => r.workspace_id));
}
