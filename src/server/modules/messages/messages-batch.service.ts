/**
 * `POST /api/v1/messages/batch`: up to 1,000 sends, each like `POST /api/v1/messages` with its own idempotency key,
 * queued in the bulk lane in ONE transaction with set-based statements (contacts, conversations, the message
 * rows, the conversation summaries, events) — the per-message path costs about ten statements a message, this
 * costs about ten a batch. Each item is checked on its own (shape, number, recipient, the 24 h window, marketing
 * consent): an invalid item fails only itself. A key used before returns the message it created.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { SendTargetFieldsSchema } from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx, MessageOrigin } from '../../db/types.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { publishEvents } from '../../events.ts';
import { AppError, type ErrorCode } from '../../lib/app-error.ts';
import { consentRefusals } from '../consent/consent-guard.service.ts';
import { contactKey, findOrCreateContacts } from '../contacts/contacts-resolve.repository.ts';
import { parsePhone } from '../contacts/contacts.rules.ts';
import { conversationEvent } from '../conversations/conversation-events.rules.ts';
import {
  conversationKey,
  findOrCreateConversations,
} from '../conversations/conversations-resolve.repository.ts';
import { recordOutboundSummaries } from '../conversations/conversations.repository.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { sendAuthor } from './messages-send.service.ts';
import {
  findBatchNumbers,
  findByIdempotencyKeys,
  findWindowsOfConversations,
  insertOutboundMessages,
  type OutboundInsert,
} from './messages.repository.ts';
import {
  answersCustomer,
  isWindowOpen,
  messagePreview,
  outboxNotice,
  requiresOpenWindow,
} from './messages.rules.ts';
import { hashRequest, OUTBOX_CHANNEL, SendContentSchema, type SendContent } from './messages.service.ts';

/** Items per batch request. */
export const BATCH_MAX_ITEMS = 1000;

/** One item of a batch: the body of `POST /api/v1/messages` plus its idempotency key. */
export const BatchItemSchema = z.intersection(
  z.intersection(SendContentSchema, SendTargetFieldsSchema),
  z.object({
    idempotencyKey: z
      .string()
      .min(1)
      .max(255)
      .refine(
        (key) => !key.startsWith('campaign:') && !key.startsWith('reminder:'),
        'Idempotency keys starting with "campaign:" or "reminder:" are reserved',
      ),
  }),
);

/** The outcome of one item: the message id (new or replayed) or the error that item alone got. */
export type BatchItemResult =
  | { index: number; id: string; replayed: boolean }
  | { index: number; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

/** An item that passed the checks that need no database. */
interface Candidate {
  index: number;
  key: string;
  hash: string;
  numberRef: string;
  waId: string;
  e164: string;
  country: string | null;
  content: SendContent;
}

const failure = (index: number, err: AppError): BatchItemResult => ({
  index,
  error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
});

/** Parses one item; the candidate, or the item's error. */
function parseItem(raw: unknown, index: number): Candidate | BatchItemResult {
  const parsed = BatchItemSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
    return failure(
      index,
      new AppError(
        'validation_failed',
        `Invalid message: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        { issues },
      ),
    );
  }
  const {
    phoneNumberId,
    to,
    idempotencyKey,
    messaging_product: _product,
    recipient_type: _recipientType,
    ...content
  } = parsed.data;
  const phone = parsePhone(to);
  if (!phone)
    return failure(
      index,
      new AppError(
        'invalid_recipient',
        `"${to}" is not a valid phone number; include the country code, e.g. +819012345678`,
      ),
    );
  return {
    index,
    key: idempotencyKey,
    // The same hash as a single send of this body, so a key may move between the two endpoints.
    hash: hashRequest({ target: { phoneNumberId, to }, content }),
    numberRef: phoneNumberId,
    waId: phone.waId,
    e164: phone.e164,
    country: phone.country,
    content,
  };
}

/** Queues a batch of sends (see the file comment); results in the items' order. */
export async function queueBatch(
  deps: { db: Db; clock: Clock },
  principal: Principal,
  items: unknown[],
): Promise<BatchItemResult[]> {
  const results: (BatchItemResult | undefined)[] = items.map(() => undefined);
  const workspaceId = principal.workspaceId;
  const candidates: Candidate[] = [];
  const firstOfKey = new Map<string, Candidate>();
  const sameAs = new Map<number, Candidate>();
  items.forEach((raw, index) => {
    const c = parseItem(raw, index);
    if (!('content' in c)) {
      results[index] = c;
      return;
    }
    const first = firstOfKey.get(c.key);
    if (!first) {
      firstOfKey.set(c.key, c);
      candidates.push(c);
    } else if (first.hash === c.hash) sameAs.set(index, first);
    else results[index] = failure(index, keyReused(null));
  });

  // Keys used before (this batch resent, or a single send with the same key): the original message.
  const previous = await findByIdempotencyKeys(
    deps.db,
    workspaceId,
    candidates.map((c) => c.key),
  );
  const fresh = candidates.filter((c) => {
    const prev = previous.get(c.key);
    if (!prev) return true;
    results[c.index] =
      prev.idempotency_hash === c.hash
        ? { index: c.index, id: prev.id, replayed: true }
        : failure(c.index, keyReused(prev.id));
    return false;
  });

  const raced = await deps.db
    .transaction()
    .execute((tx) => queueFresh(tx, deps.clock, principal, fresh, results));
  // A concurrent request inserted some of these keys first: answer with its messages.
  if (raced.length > 0) {
    const won = await findByIdempotencyKeys(
      deps.db,
      workspaceId,
      raced.map((c) => c.key),
    );
    for (const c of raced) {
      const prev = won.get(c.key);
      results[c.index] = !prev
        ? failure(c.index, new AppError('conflict', 'The message could not be queued; retry'))
        : prev.idempotency_hash === c.hash
          ? { index: c.index, id: prev.id, replayed: true }
          : failure(c.index, keyReused(prev.id));
    }
  }
  for (const [index, first] of sameAs) {
    const r = results[first.index];
    results[index] =
      r && 'id' in r ? { index, id: r.id, replayed: true } : { ...(r as BatchItemResult), index };
  }
  return results.map((r, index) => r ?? failure(index, new AppError('internal', 'Not processed')));
}

function keyReused(messageId: string | null): AppError {
  return new AppError(
    'idempotency_key_reused',
    'This idempotency key was already used for a different message',
    messageId ? { messageId } : undefined,
  );
}

/**
 * The transaction: numbers and contacts found or created set-based, then the sends queued by
 * {@link queueToContactsInTransaction}. Returns the candidates whose key a concurrent request took first.
 */
async function queueFresh(
  tx: DbOrTx,
  clock: Clock,
  principal: Principal,
  fresh: Candidate[],
  results: (BatchItemResult | undefined)[],
): Promise<Candidate[]> {
  if (fresh.length === 0) return [];
  const workspaceId = principal.workspaceId;
  const now = clock.now();
  const numbers = await findBatchNumbers(tx, workspaceId, [...new Set(fresh.map((c) => c.numberRef))]);
  const routed = fresh.filter((c) => {
    if (numbers.has(c.numberRef)) return true;
    results[c.index] = failure(c.index, new AppError('not_found', 'Phone number not found'));
    return false;
  });
  const contacts = await findOrCreateContacts(
    tx,
    now,
    routed.map((c) => ({ workspaceId, waId: c.waId, e164: c.e164, country: c.country })),
  );
  const queued = await queueToContactsInTransaction(
    tx,
    clock,
    workspaceId,
    routed.map((c) => ({
      contactId: contacts.ids.get(contactKey(workspaceId, c.waId)) as string,
      phoneNumber: numbers.get(c.numberRef) as { id: string; waba_id: string },
      content: c.content,
      idempotencyKey: c.key,
      idempotencyHash: c.hash,
    })),
    sendAuthor(principal),
    contacts.created,
  );
  const raced: Candidate[] = [];
  routed.forEach((c, i) => {
    const r = queued[i] as ContactSendResult;
    if ('raced' in r) raced.push(c);
    else
      results[c.index] =
        'id' in r ? { index: c.index, id: r.id, replayed: false } : failure(c.index, r.error);
  });
  return raced;
}

/** One send to a known contact from a known number. */
export interface ContactSend {
  contactId: string;
  phoneNumber: { id: string; waba_id: string };
  content: SendContent;
  idempotencyKey: string;
  /** The request hash the key is bound to (null: the key is internal, e.g. a campaign's). */
  idempotencyHash: string | null;
}

/** What became of one send: its new message, the refusal of that send alone, or `raced` (key taken meanwhile). */
export type ContactSendResult = { id: string } | { error: AppError } | { raced: true };

/**
 * Queues sends to existing contacts in the bulk lane set-based, inside the caller's transaction (the batch API after
 * it resolved the contacts, and the campaign release): conversations found or created, each send's 24 h window and
 * marketing consent checked, the accepted rows inserted in one statement, then summaries, events and one outbox
 * NOTIFY per number — about ten statements whatever the number of sends. Results are in the sends' order.
 * `createdContacts` are contacts the caller created in this transaction (their `contact.created` events go out here).
 */
export async function queueToContactsInTransaction(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  sends: ContactSend[],
  author: { origin: MessageOrigin; authorUserId: string | null },
  createdContacts: ReadonlySet<string> = new Set(),
): Promise<ContactSendResult[]> {
  const now = clock.now();
  const conversations = await findOrCreateConversations(
    tx,
    now,
    sends.map((s) => ({ workspaceId, contactId: s.contactId, phoneNumberId: s.phoneNumber.id })),
  );
  const conversationOf = (s: ContactSend) =>
    conversations.ids.get(conversationKey(s.contactId, s.phoneNumber.id)) as string;
  const windows = await findWindowsOfConversations(tx, workspaceId, [...new Set(sends.map(conversationOf))]);
  const refusals = await consentRefusals(
    tx,
    workspaceId,
    sends.map((s) => ({ contactId: s.contactId, wabaId: s.phoneNumber.waba_id, content: s.content })),
  );
  const results: ContactSendResult[] = sends.map((s, i) => {
    const lastInbound = windows.get(conversationOf(s)) ?? null;
    if (requiresOpenWindow(s.content.type) && !isWindowOpen(lastInbound, now))
      return { error: windowClosed(lastInbound) };
    const refusal = refusals[i];
    return refusal ? { error: refusal } : { raced: true };
  });
  const rows: OutboundInsert[] = [];
  sends.forEach((s, i) => {
    if ('error' in (results[i] as ContactSendResult)) return;
    rows.push({
      id: newId(),
      conversationId: conversationOf(s),
      phoneNumberId: s.phoneNumber.id,
      contactId: s.contactId,
      content: s.content,
      origin: author.origin,
      authorUserId: author.authorUserId,
      idempotencyKey: s.idempotencyKey,
      idempotencyHash: s.idempotencyHash,
    });
  });
  const inserted = await insertOutboundMessages(tx, workspaceId, now, rows);
  let next = 0;
  sends.forEach((_, i) => {
    if ('error' in (results[i] as ContactSendResult)) return;
    const row = rows[next++] as OutboundInsert;
    if (inserted.has(row.id)) results[i] = { id: row.id };
  });
  const newConversations = sends
    .filter((s) => conversations.created.has(conversationOf(s)))
    .map((s) => ({
      conversationId: conversationOf(s),
      contactId: s.contactId,
      phoneNumberId: s.phoneNumber.id,
    }));
  await afterInsert(
    tx,
    clock,
    workspaceId,
    rows.filter((r) => inserted.has(r.id)),
    { contacts: createdContacts, conversations: newConversations, answered: answersCustomer(author.origin) },
  );
  return results;
}

function windowClosed(lastInboundAt: Date | null): AppError {
  return new AppError(
    'window_closed',
    'The 24-hour customer service window is closed: only an approved template can be sent to this customer now',
    {
      hint: 'Send a template message (type "template")',
      lastInboundAt: lastInboundAt?.toISOString() ?? null,
    },
  );
}

/** Summaries, realtime events, domain events of new contacts and conversations, one NOTIFY per number. */
async function afterInsert(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  rows: OutboundInsert[],
  created: {
    contacts: ReadonlySet<string>;
    conversations: { conversationId: string; contactId: string; phoneNumberId: string }[];
    answered: boolean;
  },
): Promise<void> {
  // Contacts and conversations created for items refused afterwards (window, consent) exist all the same.
  const unique = new Map(created.conversations.map((c) => [c.conversationId, c]));
  await domainEvents.publish(tx, clock, [
    ...[...created.contacts].map((id) => ({
      type: 'contact.created' as const,
      workspaceId,
      key: id,
      data: { contactId: id },
    })),
    ...[...unique.values()].map((c) => ({
      type: 'conversation.created' as const,
      workspaceId,
      key: c.conversationId,
      data: c,
    })),
  ]);
  if (rows.length === 0) return;
  const now = clock.now();
  const previews = rows.map((r) => messagePreview(r.content));
  const lastPreview = new Map<string, string>();
  rows.forEach((r, i) => lastPreview.set(r.conversationId, previews[i] as string));
  const summaries = await recordOutboundSummaries(
    tx,
    [...lastPreview].map(([conversationId, preview]) => ({ conversationId, preview })),
    { at: now, answered: created.answered },
  );
  await publishEvents(tx, [
    ...rows.map((r, i) => ({
      type: 'message.created' as const,
      workspaceId,
      data: {
        id: r.id,
        conversationId: r.conversationId,
        direction: 'outbound' as const,
        type: r.content.type,
        status: 'queued' as const,
        wamid: null,
        preview: previews[i] as string,
      },
    })),
    ...summaries.map(conversationEvent),
  ]);
  const notices = [...new Set(rows.map((r) => outboxNotice(r.phoneNumberId, 'bulk')))];
  await sql`select pg_notify(${OUTBOX_CHANNEL}, n) from unnest(${notices}::text[]) as n`.execute(tx);
}
