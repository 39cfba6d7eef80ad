import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { MessageDto } from '../../../contracts/api.schemas.ts';
import { MessageContentSchema } from '../../../contracts/whatsapp/send.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ConversationRow, Db, DbOrTx, MessageOrigin, MessageRow, OutboxLane } from '../../db/types.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { publishEvents } from '../../events.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { conversationEvent } from '../conversations/conversation-events.rules.ts';
import { contactKey, findOrCreateContacts } from '../contacts/contacts-resolve.repository.ts';
import { parsePhone } from '../contacts/contacts.rules.ts';
import {
  conversationKey,
  findOrCreateConversations,
} from '../conversations/conversations-resolve.repository.ts';
import {
  findConversation,
  findThread,
  recordOutboundSummary,
} from '../conversations/conversations.repository.ts';
import {
  answersCustomer,
  isWindowOpen,
  laneFor,
  messagePreview,
  outboxNotice,
  requiresOpenWindow,
} from './messages.rules.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { assertConsentAllowsSend } from '../consent/consent-guard.service.ts';
import { insertOutboundMessage } from './messages.repository.ts';

/** NOTIFY channel that wakes dispatchers when a message is queued. */
export const OUTBOX_CHANNEL = 'tsunagi_outbox';

/** A message to send, in the Cloud API's own shape, plus an optional reply-to. */
export const SendContentSchema = z.intersection(
  MessageContentSchema,
  z.object({ context: z.object({ message_id: z.string().min(1).max(512) }).optional() }),
);
export type SendContent = z.infer<typeof SendContentSchema>;

export interface SendTarget {
  conversationId?: string;
  /** Tsunagi's phone number id (uuid) or the Cloud API phone number id. */
  phoneNumberId?: string;
  to?: string;
  /** An existing contact (with `phoneNumberId`): its conversation on that number is found or created. */
  contactId?: string;
}

export interface SendInput {
  target: SendTarget;
  content: SendContent;
  origin: MessageOrigin;
  /** Default: by origin (`laneFor`); a batch API send may ask for the bulk lane. */
  lane?: OutboxLane;
  authorUserId?: string | null;
  idempotencyKey?: string | null;
}

/**
 * Queues an outbound message: the row (status `queued`) is the send queue, written in one transaction with
 * the conversation's summary and the realtime event, then the dispatcher is woken. Free-form content outside
 * the 24 h customer service window is refused here with `window_closed` (and again at send time, in case the
 * window closes while the message waits). An `Idempotency-Key` makes retries of the same request return the
 * first result; reusing a key for a different request is `idempotency_key_reused`. Consent is checked here, the one
 * place every send passes: a marketing template to a contact who opted out is `contact_opted_out`
 * (consent-guard.service.ts).
 */
export async function queueMessage(
  deps: { db: Db; clock: Clock },
  workspaceId: string,
  input: SendInput,
): Promise<{ message: MessageRow; replayed: boolean }> {
  const { db, clock } = deps;
  const requestHash = input.idempotencyKey ? hashRequest(input) : null;
  if (input.idempotencyKey) {
    const existing = await replay(db, workspaceId, input.idempotencyKey, requestHash);
    if (existing) return { message: existing, replayed: true };
  }
  try {
    const message = await db
      .transaction()
      .execute((tx) =>
        queueMessageInTransaction(tx, clock, workspaceId, { ...input, idempotencyHash: requestHash }),
      );
    return { message, replayed: false };
  } catch (err) {
    // Two concurrent requests with one key: the loser reads the winner's row.
    if (input.idempotencyKey && isUniqueViolation(err)) {
      const existing = await replay(db, workspaceId, input.idempotencyKey, requestHash);
      if (existing) return { message: existing, replayed: true };
    }
    throw err;
  }
}

/**
 * The body of `queueMessage` inside the caller's transaction, for callers that must create the outbox row
 * atomically with their own state (a campaign's ledger row): window, consent, the row, the conversation summary,
 * realtime events and the outbox NOTIFY (delivered at commit). No idempotency replay here: a reused key is a
 * unique violation that aborts the caller's transaction, which is what such callers want.
 */
export async function queueMessageInTransaction(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  input: SendInput & { idempotencyHash?: string | null },
): Promise<MessageRow> {
  const conv = await resolveConversation(tx, clock, workspaceId, input.target);
  const now = clock.now();
  if (requiresOpenWindow(input.content.type) && !isWindowOpen(conv.last_inbound_at, now)) {
    throw new AppError(
      'window_closed',
      'The 24-hour customer service window is closed: only an approved template can be sent to this customer now',
      {
        hint: 'Send a template message (type "template")',
        lastInboundAt: conv.last_inbound_at?.toISOString() ?? null,
      },
    );
  }
  await assertConsentAllowsSend(tx, {
    workspaceId,
    contactId: conv.contact_id,
    phoneNumberId: conv.phone_number_id,
    content: input.content,
  });
  const row = await insertOutboundMessage(tx, {
    id: newId(),
    workspace_id: workspaceId,
    conversation_id: conv.id,
    phone_number_id: conv.phone_number_id,
    contact_id: conv.contact_id,
    direction: 'outbound',
    type: input.content.type,
    content: JSON.stringify(input.content),
    status: 'queued',
    origin: input.origin,
    lane: input.lane ?? laneFor(input.origin),
    author_user_id: input.authorUserId ?? null,
    occurred_at: now,
    created_at: now,
    queued_at: now,
    idempotency_key: input.idempotencyKey ?? null,
    idempotency_hash: input.idempotencyHash ?? null,
  });
  const preview = messagePreview(input.content);
  // The business answered: nobody is waiting (campaign and API sends are not answers).
  const updated = await recordOutboundSummary(tx, conv.id, {
    at: now,
    preview,
    answered: answersCustomer(input.origin),
  });
  await publishEvents(tx, [
    {
      type: 'message.created',
      workspaceId,
      data: {
        id: row.id,
        conversationId: conv.id,
        direction: 'outbound',
        type: row.type,
        status: 'queued',
        wamid: null,
        preview,
      },
    },
    conversationEvent(updated),
  ]);
  await sql`select pg_notify(${OUTBOX_CHANNEL}, ${outboxNotice(row.phone_number_id, row.lane)})`.execute(tx);
  return row;
}

async function replay(
  db: DbOrTx,
  workspaceId: string,
  key: string,
  hash: string | null,
): Promise<MessageRow | null> {
  const existing = await db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!existing) return null;
  if (existing.idempotency_hash !== hash) {
    throw new AppError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request',
      { messageId: existing.id },
    );
  }
  return existing;
}

async function resolveConversation(tx: DbOrTx, clock: Clock, workspaceId: string, target: SendTarget) {
  if (target.conversationId) {
    const conv = await tx
      .selectFrom('conversations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', target.conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conv) throw notFound('Conversation');
    const number = await tx
      .selectFrom('phone_numbers')
      .select('deleted_at')
      .where('id', '=', conv.phone_number_id)
      .executeTakeFirst();
    if (!number || number.deleted_at)
      throw new AppError('phone_number_unavailable', "The conversation's phone number was removed");
    return conv;
  }
  if (!target.phoneNumberId || (!target.to && !target.contactId))
    throw new AppError('validation_failed', 'Give conversationId, or phoneNumberId and to');
  const byUuid = /^[0-9a-f-]{36}$/i.test(target.phoneNumberId);
  const number = await tx
    .selectFrom('phone_numbers')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(byUuid ? 'id' : 'phone_number_id', '=', target.phoneNumberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!number) throw notFound('Phone number');
  if (target.contactId) return conversationOfContact(tx, clock, workspaceId, target.contactId, number.id);
  if (!target.to) throw new AppError('validation_failed', 'Give to');
  const phone = parsePhone(target.to);
  if (!phone)
    throw new AppError(
      'invalid_recipient',
      `"${target.to}" is not a valid phone number; include the country code, e.g. +819012345678`,
    );
  const now = clock.now();
  const contacts = await findOrCreateContacts(tx, now, [
    { workspaceId, waId: phone.waId, e164: phone.e164, country: phone.country },
  ]);
  const contactId = contacts.ids.get(contactKey(workspaceId, phone.waId)) as string;
  const conversations = await findOrCreateConversations(tx, now, [
    { workspaceId, contactId, phoneNumberId: number.id },
  ]);
  const conversationId = conversations.ids.get(conversationKey(contactId, number.id)) as string;
  await domainEvents.publish(tx, clock, [
    ...[...contacts.created].map((id) => ({
      type: 'contact.created' as const,
      workspaceId,
      key: id,
      data: { contactId: id },
    })),
    ...[...conversations.created].map((id) => ({
      type: 'conversation.created' as const,
      workspaceId,
      key: id,
      data: { conversationId: id, contactId, phoneNumberId: number.id },
    })),
  ]);
  return (await findConversation(tx, workspaceId, conversationId, { forUpdate: true })) as ConversationRow;
}

/** The conversation of an existing contact on a number, created (with its domain event) on first contact. */
async function conversationOfContact(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  contactId: string,
  phoneNumberId: string,
): Promise<ConversationRow> {
  // The common case (the thread exists) is one index lookup; the set-based find-or-create joins an unnest, which
  // the planner may hash-join against every conversation of a large workspace.
  const existing = await findThread(tx, workspaceId, contactId, phoneNumberId, { forUpdate: true });
  if (existing) return existing;
  const conversations = await findOrCreateConversations(tx, clock.now(), [
    { workspaceId, contactId, phoneNumberId },
  ]);
  const conversationId = conversations.ids.get(conversationKey(contactId, phoneNumberId)) as string;
  if (conversations.created.size > 0)
    await domainEvents.publish(tx, clock, [
      {
        type: 'conversation.created',
        workspaceId,
        key: conversationId,
        data: { conversationId, contactId, phoneNumberId },
      },
    ]);
  return (await findConversation(tx, workspaceId, conversationId, { forUpdate: true })) as ConversationRow;
}

/** The request hash an idempotency key is bound to: the target and the content (the same for a batch item). */
export function hashRequest(input: Pick<SendInput, 'target' | 'content'>): string {
  return createHash('sha256')
    .update(JSON.stringify({ t: input.target, c: input.content }))
    .digest('hex');
}

/** The API representation of a message row. */
export function toMessageDto(row: MessageRow): MessageDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    phoneNumberId: row.phone_number_id,
    contactId: row.contact_id,
    direction: row.direction,
    type: row.type,
    content: row.content,
    wamid: row.wamid,
    status: row.status,
    origin: row.origin,
    error:
      row.error_code !== null || row.error_title !== null
        ? { code: row.error_code, title: row.error_title, details: row.error_details }
        : null,
    mediaStatus: row.media_status,
    timestamps: {
      created: row.created_at.toISOString(),
      whatsapp: row.direction === 'inbound' ? row.occurred_at.toISOString() : null,
      queued: iso(row.queued_at),
      sent: iso(row.sent_at),
      delivered: iso(row.delivered_at),
      read: iso(row.read_at),
      failed: iso(row.failed_at),
    },
  };
}
