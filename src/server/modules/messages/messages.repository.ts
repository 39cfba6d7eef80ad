import { sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { DbOrTx, MessageOrigin, MessageRow, MessagesTable } from '../../db/types.ts';
import { SYNTHETIC_BASE, type SyntheticRange } from '../contacts/contacts-resolve.repository.ts';
import { bigramCodes } from '../search/search-key.rules.ts';
import { messageSearchTexts } from '../search/search-keys.service.ts';

export function findMessage(db: DbOrTx, workspaceId: string, id: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The outcome fields (status and its times, error code) of many messages of a workspace, by id. */
export async function findMessageOutcomes(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
): Promise<
  Map<
    string,
    Pick<MessageRow, 'status' | 'error_code' | 'sent_at' | 'delivered_at' | 'read_at' | 'failed_at'>
  >
> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'status', 'error_code', 'sent_at', 'delivered_at', 'read_at', 'failed_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map(({ id, ...outcome }) => [id, outcome]));
}

/** The id of a number's message with a WhatsApp id (what an inbound reply's `context.id` names), if any. */
export async function findIdByWamid(
  db: DbOrTx,
  input: { workspaceId: string; phoneNumberId: string; wamid: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('wamid', '=', input.wamid)
    .executeTakeFirst();
  return row?.id;
}

export function findByIdempotencyKey(
  db: DbOrTx,
  workspaceId: string,
  key: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** A page of a conversation's messages, newest first, older than an optional cursor. */
export function listConversationMessages(
  db: DbOrTx,
  input: {
    workspaceId: string;
    conversationId: string;
    limit: number;
    before?: { occurredAt: Date; id: string };
  },
): Promise<MessageRow[]> {
  let q = db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('conversation_id', '=', input.conversationId);
  if (input.before) {
    const { occurredAt, id } = input.before;
    q = q.where((eb) =>
      eb.or([
        eb('occurred_at', '<', occurredAt),
        eb.and([eb('occurred_at', '=', occurredAt), eb('id', '<', id)]),
      ]),
    );
  }
  return q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(input.limit).execute();
}

/** A customer message to store, as ingest resolved it. */
export interface InboundMessageRow {
  id: string;
  workspaceId: string;
  conversationId: string;
  phoneNumberId: string;
  contactId: string;
  type: string;
  content: Record<string, unknown>;
  wamid: string;
  occurredAt: Date;
  /** 'pending' when the media bytes are still to be fetched. */
  mediaStatus: 'pending' | null;
}

/**
 * Stores customer messages idempotently on (phone number, wamid) in one statement (the rows as one JSON parameter,
 * see `batchRows`). Returns the ids actually inserted: a webhook delivered twice inserts nothing the second time.
 */
export async function insertInboundMessages(
  tx: DbOrTx,
  now: Date,
  rows: InboundMessageRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const searchTexts = await messageSearchTexts(rows);
  const batch = rows.map((m, i) => ({
    id: m.id,
    workspace_id: m.workspaceId,
    conversation_id: m.conversationId,
    phone_number_id: m.phoneNumberId,
    contact_id: m.contactId,
    type: m.type,
    content: m.content,
    wamid: m.wamid,
    occurred_at: m.occurredAt,
    media_status: m.mediaStatus,
    ...searchColumns(searchTexts[i]),
  }));
  const inserted = await sql<{ id: string }>`
    insert into messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type, content,
      wamid, status, origin, occurred_at, created_at, media_status, search_text, search_grams)
    select t.id, t.workspace_id, t.conversation_id, t.phone_number_id, t.contact_id, 'inbound', t.type, t.content,
      t.wamid, 'received', 'customer', t.occurred_at, ${now}::timestamptz, t.media_status, t.search_text,
      t.search_grams
    from json_to_recordset(${batchRows(batch)}::json)
      as t(id uuid, workspace_id uuid, conversation_id uuid, phone_number_id uuid, contact_id uuid, type text,
        content jsonb, wamid text, occurred_at timestamptz, media_status text, search_text text, search_grams int4[])
    on conflict (phone_number_id, wamid) where wamid is not null do nothing
    returning id`.execute(tx);
  return new Set(inserted.rows.map((r) => r.id));
}

/** Queues one outbound message (the row is the outbox), with its search text. */
export async function insertOutboundMessage(
  db: DbOrTx,
  values: Insertable<MessagesTable>,
): Promise<MessageRow> {
  const content = JSON.parse(values.content) as Record<string, unknown>;
  const [searchText = ''] = await messageSearchTexts([{ type: values.type, content }]);
  return db
    .insertInto('messages')
    .values({
      ...values,
      search_text: searchText,
      search_grams: sql<number[]>`${bigramCodes(searchText)}::int4[]`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Ten alternating customer/agent text messages per synthetic demo conversation of a range (benchmark data), with
 * the search text `messageSearchText` gives their Latin bodies ("Message m" → `message m`).
 */
export async function seedSyntheticMessages(tx: DbOrTx, r: SyntheticRange): Promise<void> {
  await sql`
    insert into messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type, content,
      search_text, search_grams, wamid, status, origin, occurred_at, created_at)
    select gen_random_uuid(), cv.workspace_id, cv.id, cv.phone_number_id, cv.contact_id,
      case when m % 2 = 0 then 'outbound' else 'inbound' end, 'text',
      jsonb_build_object('type', 'text', 'text', jsonb_build_object('body', 'Message ' || m)), 'message ' || m,
      tsunagi_bigram_codes('message ' || m),
      'wamid.LARGE' || replace(cv.id::text, '-', '') || m,
      case when m % 2 = 0 then 'read' else 'received' end,
      case when m % 2 = 0 then 'agent' else 'customer' end,
      ${r.now}::timestamptz - interval '1 hour' - (10 - m) * interval '1 minute', ${r.now}::timestamptz
    from conversations cv
    join contacts ct on ct.id = cv.contact_id
    cross join generate_series(1, 10) m
    where cv.workspace_id = ${r.workspaceId}::uuid
      and ct.wa_id::bigint - ${SYNTHETIC_BASE}::bigint between ${r.from} and ${r.to}`.execute(tx);
}

/** Where a message's media bytes stand: stored once fetched, failed when every attempt failed. */
export async function setMediaStatus(
  db: DbOrTx,
  messageId: string,
  status: 'stored' | 'failed',
): Promise<void> {
  await db.updateTable('messages').set({ media_status: status }).where('id', '=', messageId).execute();
}

/**
 * Fills the search text of up to `limit` messages written before search texts existed (NULL), in one read and
 * one set-based update. Returns how many were filled; 0 once nothing is left. Safe to run twice or concurrently
 * (a row another run filled meanwhile gets the same value).
 */
export async function backfillMessageSearchTexts(db: DbOrTx, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'type', 'content'])
    .where('search_text', 'is', null)
    .limit(limit)
    .execute();
  if (rows.length === 0) return 0;
  const texts = await messageSearchTexts(rows);
  const batch = rows.map((r, i) => ({ id: r.id, ...searchColumns(texts[i]) }));
  // Rows a status webhook or a send holds are skipped (the next run takes them), so the backfill never waits
  // for — or deadlocks with — the pipeline, which locks messages in id order.
  await sql`
    with free as (
      select id from messages where id = any(${rows.map((r) => r.id)}::uuid[]) and search_text is null
      order by id for update skip locked)
    update messages m set search_text = t.search_text, search_grams = t.search_grams
    from json_to_recordset(${batchRows(batch)}::json)
      as t(id uuid, search_text text, search_grams int4[]), free
    where m.id = t.id and free.id = t.id`.execute(db);
  return rows.length;
}

/** Every message with a contact, oldest first (the contact's privacy export). */
export function listMessagesOfContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<MessageRow[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

/** Deletes every message with a contact (erasure); status events and media rows go with them. Returns rows deleted. */
export async function deleteMessagesOfContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<number> {
  const res = await db
    .deleteFrom('messages')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Messages of a workspace by idempotency key (the keys of a batch), keyed by key. */
export async function findByIdempotencyKeys(
  db: DbOrTx,
  workspaceId: string,
  keys: string[],
): Promise<Map<string, { id: string; idempotency_hash: string | null }>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'idempotency_key', 'idempotency_hash'])
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.idempotency_key as string, r]));
}

/**
 * The workspace's live numbers among `refs` (Tsunagi ids or Cloud API phone number ids, as a send names them),
 * keyed by the ref as given.
 */
export async function findBatchNumbers(
  db: DbOrTx,
  workspaceId: string,
  refs: string[],
): Promise<Map<string, { id: string; waba_id: string }>> {
  if (refs.length === 0) return new Map();
  const uuids = refs.filter((r) => /^[0-9a-f-]{36}$/i.test(r));
  const rows = await db
    .selectFrom('phone_numbers')
    .select(['id', 'phone_number_id', 'waba_id'])
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([...(uuids.length > 0 ? [eb('id', 'in', uuids)] : []), eb('phone_number_id', 'in', refs)]),
    )
    .execute();
  const out = new Map<string, { id: string; waba_id: string }>();
  for (const r of rows) {
    if (refs.includes(r.id)) out.set(r.id, r);
    if (refs.includes(r.phone_number_id)) out.set(r.phone_number_id, r);
  }
  return out;
}

/** The last customer message time of conversations (what the 24 h window is computed from), keyed by id. */
export async function findWindowsOfConversations(
  db: DbOrTx,
  workspaceId: string,
  conversationIds: string[],
): Promise<Map<string, Date | null>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('conversations')
    .select(['id', 'last_inbound_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', conversationIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.last_inbound_at]));
}

/** One outbound message of a set-based insert. */
export interface OutboundInsert {
  id: string;
  conversationId: string;
  phoneNumberId: string;
  contactId: string;
  content: { type: string } & Record<string, unknown>;
  origin: MessageOrigin;
  authorUserId: string | null;
  idempotencyKey: string;
  idempotencyHash: string | null;
}

/**
 * Queues many outbound messages in the bulk lane in one statement (the rows as one JSON parameter, see
 * `batchRows`), with their search texts and search bigrams. A row whose idempotency key a concurrent request took
 * meanwhile is not inserted: the ids actually inserted are returned.
 */
export async function insertOutboundMessages(
  tx: DbOrTx,
  workspaceId: string,
  now: Date,
  rows: OutboundInsert[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const searchTexts = await messageSearchTexts(
    rows.map((r) => ({ type: r.content.type, content: r.content })),
  );
  const batch = rows.map((m, i) => ({
    id: m.id,
    conversation_id: m.conversationId,
    phone_number_id: m.phoneNumberId,
    contact_id: m.contactId,
    type: m.content.type,
    content: m.content,
    origin: m.origin,
    author_user_id: m.authorUserId,
    idempotency_key: m.idempotencyKey,
    idempotency_hash: m.idempotencyHash,
    ...searchColumns(searchTexts[i]),
  }));
  const inserted = await sql<{ id: string }>`
    insert into messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type, content,
      status, origin, lane, author_user_id, occurred_at, created_at, queued_at, idempotency_key, idempotency_hash,
      search_text, search_grams)
    select t.id, ${workspaceId}::uuid, t.conversation_id, t.phone_number_id, t.contact_id, 'outbound', t.type,
      t.content, 'queued', t.origin, 'bulk', t.author_user_id, ${now}::timestamptz, ${now}::timestamptz,
      ${now}::timestamptz, t.idempotency_key, t.idempotency_hash, t.search_text, t.search_grams
    from json_to_recordset(${batchRows(batch)}::json)
      as t(id uuid, conversation_id uuid, phone_number_id uuid, contact_id uuid, type text, content jsonb, origin text,
        author_user_id uuid, idempotency_key text, idempotency_hash text, search_text text, search_grams int4[])
    on conflict (workspace_id, idempotency_key) where idempotency_key is not null do nothing
    returning id`.execute(tx);
  return new Set(inserted.rows.map((r) => r.id));
}

/** A message's search columns: its search text ('' without one) and that text's bigram codes, as stored. */
function searchColumns(searchText: string | undefined): { search_text: string; search_grams: number[] } {
  const text = searchText ?? '';
  return { search_text: text, search_grams: bigramCodes(text) };
}

/**
 * A batch of rows as one JSON text, for `json_to_recordset(…) as t(column type, …)`: the statement names each
 * column's type, dates travel as ISO strings and arrays and objects as themselves. Cheaper on the thread that
 * answers webhooks than one array parameter per column: node-postgres quotes every element of a text[] in
 * JavaScript, twice over for a JSON value inside it (measured 5.2 → 3.7 µs a row, and a fifth of the bytes the
 * server allocated while ingesting).
 */
function batchRows(rows: readonly object[]): string {
  return JSON.stringify(rows);
}

/** A message moved by a contact merge, with the conversation it was in before. */
export interface MovedMessage {
  id: string;
  fromConversationId: string;
}

/**
 * Contact merge: gives every message of contact `fromId` to `toId`; a message in one of the conversations of
 * `intoConversation` (source conversation id → survivor conversation id, for numbers where both had a thread)
 * also moves into that conversation. Returns each message moved with its previous conversation.
 */
export async function moveMessagesToContact(
  db: DbOrTx,
  workspaceId: string,
  fromId: string,
  toId: string,
  intoConversation: ReadonlyMap<string, string>,
): Promise<MovedMessage[]> {
  const from = [...intoConversation.keys()];
  const to = [...intoConversation.values()];
  const res = await sql<{ id: string; from_conversation_id: string }>`
    with old as (
      select id, conversation_id from messages
      where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid
      order by id for update)
    update messages m set contact_id = ${toId}::uuid,
      conversation_id = coalesce(
        (select t.to_id from unnest(${from}::uuid[], ${to}::uuid[]) as t(from_id, to_id)
          where t.from_id = old.conversation_id), old.conversation_id)
    from old where m.id = old.id
    returning m.id, old.conversation_id as from_conversation_id`.execute(db);
  return res.rows.map((r) => ({ id: r.id, fromConversationId: r.from_conversation_id }));
}

/**
 * Undo of a contact merge: puts the messages moved by it (still with contact `fromId`) back with contact `toId`
 * in the conversations they were in.
 */
export async function moveMessagesBack(
  db: DbOrTx,
  workspaceId: string,
  moved: readonly MovedMessage[],
  fromId: string,
  toId: string,
): Promise<void> {
  if (moved.length === 0) return;
  await sql`
    update messages m set contact_id = ${toId}::uuid, conversation_id = t.conversation_id
    from unnest(${moved.map((m) => m.id)}::uuid[], ${moved.map((m) => m.fromConversationId)}::uuid[])
      as t(id, conversation_id)
    where m.workspace_id = ${workspaceId}::uuid and m.contact_id = ${fromId}::uuid and m.id = t.id`.execute(
    db,
  );
}
