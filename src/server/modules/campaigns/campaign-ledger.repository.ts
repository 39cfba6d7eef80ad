/**
 * SQL of the campaign ledger (`campaign_recipients`, written only by this module): the planner's candidate query
 * over the audience (keyset-paged on the contact id), ledger inserts that ignore rows already there, the release
 * claim (`FOR UPDATE SKIP LOCKED`), per-number load for pacing, counters and pages. Every query is scoped by
 * workspace.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { CampaignRecipientRow, ConsentState, DbOrTx, RecipientStatus } from '../../db/types.ts';

/** Alias of the contacts row the audience and exclusion conditions are compiled over. */
export const AUDIENCE_ALIAS = 'c';

/** One contact of the audience with what the exclusion rules need. */
export interface CandidateRow {
  id: string;
  wa_id: string | null;
  country: string | null;
  timezone: string | null;
  unreachable: boolean;
  marketing: ConsentState;
  in_excluded: boolean;
  recent: number;
  last_number: string | null;
}

/**
 * The next page of the audience after contact id `after` (ascending UUIDv7 ids), with consent, reachability,
 * exclusion-segment membership, recent campaign messages (frequency cap) and the campaign number that last talked
 * to each contact — one query per page.
 */
export async function selectCandidates(
  db: DbOrTx,
  input: {
    workspaceId: string;
    campaignId: string;
    audience: RawBuilder<SqlBool>;
    excluded: RawBuilder<SqlBool> | null;
    capSince: Date | null;
    numbers: string[];
    after: string | null;
    limit: number;
  },
): Promise<CandidateRow[]> {
  const recent = input.capSince
    ? sql`(select count(*)::int from campaign_recipients cmp_r
         where cmp_r.workspace_id = c.workspace_id and cmp_r.contact_id = c.id
           and cmp_r.campaign_id <> ${input.campaignId} and cmp_r.queued_at >= ${input.capSince})`
    : sql`0`;
  const res = await sql<CandidateRow>`
    select c.id, c.wa_id, c.country, c.timezone, c.unreachable_at is not null as unreachable,
      coalesce(cmp_cc.state, 'unknown') as marketing,
      ${input.excluded ?? sql`false`} as in_excluded,
      ${recent} as recent,
      (select cmp_v.phone_number_id from conversations cmp_v
        where cmp_v.workspace_id = c.workspace_id and cmp_v.contact_id = c.id
          and cmp_v.phone_number_id = any(${input.numbers}::uuid[])
        order by cmp_v.last_message_at desc nulls last limit 1) as last_number
    from contacts c
    left join contact_consents cmp_cc
      on cmp_cc.workspace_id = c.workspace_id and cmp_cc.contact_id = c.id and cmp_cc.purpose = 'marketing'
    where c.workspace_id = ${input.workspaceId} and c.merged_into_id is null and c.archived_at is null
      and ${input.after ? sql`c.id > ${input.after}` : sql`true`}
      and ${input.audience}
    order by c.id
    limit ${input.limit}`.execute(db);
  return res.rows;
}

/** A ledger row as the planner makes it. */
export interface PlannedRow {
  contactId: string;
  status: 'planned' | 'skipped';
  skipReason: string | null;
  phoneNumberId: string | null;
  variant: 'a' | 'b';
  timeZone: string | null;
  country: string | null;
  dueAt: Date | null;
}

/**
 * Gathers the ledger's planner statistics (PostgreSQL's ANALYZE, a sample of the table). Run when a campaign's
 * planning ends, in its last transaction: a fresh ledger of 100,000 rows without statistics got plans that scanned
 * the whole ledger for every release batch of 200 (~5 s a batch) — PGlite has no autovacuum, and on PostgreSQL it
 * comes a minute or more after the release has started.
 */
export async function analyzeLedger(db: DbOrTx): Promise<void> {
  await sql`analyze campaign_recipients`.execute(db);
}

/** Inserts ledger rows in one statement; rows already in the ledger are left as they are (a rerun adds nothing). */
export async function insertLedgerRows(
  tx: DbOrTx,
  workspaceId: string,
  campaignId: string,
  now: Date,
  rows: PlannedRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await sql`
    insert into campaign_recipients (workspace_id, campaign_id, contact_id, status, skip_reason, phone_number_id,
      variant, time_zone, country, due_at, created_at, updated_at)
    select ${workspaceId}::uuid, ${campaignId}::uuid, t.contact_id, t.status, t.skip_reason, t.phone_number_id,
      t.variant, t.time_zone, t.country, t.due_at, ${now}::timestamptz, ${now}::timestamptz
    from unnest(${rows.map((r) => r.contactId)}::uuid[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.skipReason)}::text[], ${rows.map((r) => r.phoneNumberId)}::uuid[],
      ${rows.map((r) => r.variant)}::text[], ${rows.map((r) => r.timeZone)}::text[],
      ${rows.map((r) => r.country)}::text[], ${rows.map((r) => r.dueAt)}::timestamptz[])
      as t(contact_id, status, skip_reason, phone_number_id, variant, time_zone, country, due_at)
    on conflict (campaign_id, contact_id) do nothing`.execute(tx);
  return Number(res.numAffectedRows ?? 0);
}

/** A due ledger row claimed for release, with the contact fields its variables may read. */
export interface DueRow {
  contact_id: string;
  variant: 'a' | 'b';
  time_zone: string | null;
  attempt: number;
  retry_of_message_id: string | null;
  name: string | null;
  profile_name: string | null;
  phone_e164: string | null;
  country: string | null;
  attributes: Record<string, unknown>;
  /** The recipient's row of the audience's CSV import (null: not a CSV audience, or no row). */
  csv: Record<string, unknown> | null;
  unreachable: boolean;
  marketing: ConsentState;
}

/**
 * Locks up to `limit` planned rows of a campaign's number due at `now`, oldest due first, skipping rows another
 * release holds: two releases never take the same row.
 */
export async function claimDueRows(
  tx: DbOrTx,
  input: {
    workspaceId: string;
    campaignId: string;
    phoneNumberId: string;
    now: Date;
    limit: number;
    /** The audience's CSV import, whose row of each recipient is read for CSV variables. */
    importId?: string | null;
  },
): Promise<DueRow[]> {
  const res = await sql<DueRow>`
    select r.contact_id, r.variant, r.time_zone, r.attempt, r.retry_of_message_id,
      c.name, c.profile_name, c.phone_e164, c.country, c.attributes, c.unreachable_at is not null as unreachable,
      coalesce(cc.state, 'unknown') as marketing, ir.columns as csv
    from campaign_recipients r
    join contacts c on c.workspace_id = r.workspace_id and c.id = r.contact_id
    left join contact_import_rows ir on ir.import_id = ${input.importId ?? null}::uuid and ir.contact_id = r.contact_id
    left join contact_consents cc
      on cc.workspace_id = r.workspace_id and cc.contact_id = r.contact_id and cc.purpose = 'marketing'
    where r.workspace_id = ${input.workspaceId} and r.campaign_id = ${input.campaignId}
      and r.phone_number_id = ${input.phoneNumberId} and r.status = 'planned' and r.due_at <= ${input.now}
    order by r.due_at
    limit ${input.limit}
    for update of r skip locked`.execute(tx);
  return res.rows;
}

/** Moves one ledger row; `where` guards (status, message) make a stale update a no-op. Returns rows changed. */
export async function updateLedgerRow(
  db: DbOrTx,
  key: { workspaceId: string; campaignId: string; contactId: string },
  set: Partial<{
    status: RecipientStatus;
    skip_reason: string | null;
    due_at: Date | null;
    attempt: number;
    message_id: string | null;
    retry_of_message_id: string | null;
    error_code: number | null;
    queued_at: Date;
    sent_at: Date;
    delivered_at: Date;
    read_at: Date;
    replied_at: Date;
    failed_at: Date;
  }> & { updated_at: Date },
  guard: { status?: RecipientStatus; messageId?: string } = {},
): Promise<number> {
  let q = db
    .updateTable('campaign_recipients')
    .set(set)
    .where('workspace_id', '=', key.workspaceId)
    .where('campaign_id', '=', key.campaignId)
    .where('contact_id', '=', key.contactId);
  if (guard.status) q = q.where('status', '=', guard.status);
  if (guard.messageId) q = q.where('message_id', '=', guard.messageId);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Marks released ledger rows queued with their messages, in one statement. The rows are the caller's: claimed FOR
 * UPDATE in this transaction while planned, so no status guard (it would make PostgreSQL scan the campaign's planned
 * rows instead of looking up the primary key).
 */
export async function markRowsQueued(
  tx: DbOrTx,
  key: { workspaceId: string; campaignId: string; now: Date },
  rows: { contactId: string; messageId: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update campaign_recipients r
    set status = 'queued', message_id = t.message_id, queued_at = ${key.now}::timestamptz, error_code = null,
      updated_at = ${key.now}::timestamptz
    from unnest(${rows.map((r) => r.contactId)}::uuid[], ${rows.map((r) => r.messageId)}::uuid[])
      as t(contact_id, message_id)
    where r.campaign_id = ${key.campaignId} and r.contact_id = t.contact_id
      and r.workspace_id = ${key.workspaceId}`.execute(tx);
}

/** Which of these messages a ledger row of the workspace owns (one index probe each). */
export async function findLedgerMessageIds(
  db: DbOrTx,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('campaign_recipients')
    .select('message_id')
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', messageIds)
    .execute();
  return new Set(rows.flatMap((r) => (r.message_id ? [r.message_id] : [])));
}

/**
 * The ledger rows that own these messages, locked in key order (two runs over overlapping messages wait for each
 * other instead of deadlocking).
 */
export function findLedgerRowsByMessages(
  tx: DbOrTx,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<CampaignRecipientRow[]> {
  if (messageIds.length === 0) return Promise.resolve([]);
  return tx
    .selectFrom('campaign_recipients')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', messageIds)
    .orderBy('campaign_id')
    .orderBy('contact_id')
    .forUpdate()
    .execute();
}

/**
 * Moves many ledger rows forward to `sent`, `delivered` or `read` in one statement, each only while it still
 * holds the message it was judged by.
 */
export async function advanceLedgerRows(
  tx: DbOrTx,
  workspaceId: string,
  now: Date,
  rows: ReadonlyArray<{
    campaignId: string;
    contactId: string;
    messageId: string;
    status: 'sent' | 'delivered' | 'read';
    at: Date;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update campaign_recipients r set
      status = t.status,
      sent_at = case when t.status = 'sent' then t.at else r.sent_at end,
      delivered_at = case when t.status = 'delivered' then t.at else r.delivered_at end,
      read_at = case when t.status = 'read' then t.at else r.read_at end,
      updated_at = ${now}::timestamptz
    from unnest(${rows.map((r) => r.campaignId)}::uuid[], ${rows.map((r) => r.contactId)}::uuid[],
      ${rows.map((r) => r.messageId)}::uuid[], ${rows.map((r) => r.status)}::text[],
      ${rows.map((r) => r.at)}::timestamptz[]) as t(campaign_id, contact_id, message_id, status, at)
    where r.workspace_id = ${workspaceId}::uuid and r.campaign_id = t.campaign_id and r.contact_id = t.contact_id
      and r.message_id = t.message_id`.execute(tx);
}

/** The contact's latest campaign ledger row queued in [from, to] whose message may have been answered, locked. */
export function findLatestReplyable(
  tx: DbOrTx,
  input: { workspaceId: string; contactId: string; from: Date; to: Date },
): Promise<CampaignRecipientRow | undefined> {
  return tx
    .selectFrom('campaign_recipients')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('contact_id', '=', input.contactId)
    .where('queued_at', '>=', input.from)
    .where('queued_at', '<=', input.to)
    .orderBy('queued_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** Marks the still-planned rows of a cancelled campaign skipped. */
export async function skipPlannedRows(tx: DbOrTx, workspaceId: string, campaignId: string, now: Date) {
  await tx
    .updateTable('campaign_recipients')
    .set({ status: 'skipped', skip_reason: 'cancelled', updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'planned')
    .execute();
}

/** The earliest due time of a campaign's planned rows (null when none is left). */
export async function nextDueAt(db: DbOrTx, workspaceId: string, campaignId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('campaign_recipients')
    .select((eb) => eb.fn.min('due_at').as('next'))
    .where('workspace_id', '=', workspaceId)
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'planned')
    .executeTakeFirst();
  return row?.next ? new Date(row.next as unknown as string) : null;
}

/** Serialises release batches of one number until the transaction ends (a transaction-scoped advisory lock). */
export async function lockNumberForRelease(tx: DbOrTx, phoneNumberId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`campaign-release:${phoneNumberId}`}))`.execute(tx);
}

/**
 * What a number released in the rolling hour and 24 h before `now` (all campaigns; a release exactly an hour ago
 * is out of the window) and still has queued in the bulk lane.
 */
export async function numberLoad(
  db: DbOrTx,
  phoneNumberId: string,
  now: Date,
): Promise<{ backlog: number; sentLastHour: number; sentLast24h: number; uniqueRecipients24h: number }> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const res = await sql<{ backlog: number; hour: number; day: number; unique_day: number }>`
    select
      (select count(*)::int from messages m where m.phone_number_id = ${phoneNumberId}
        and m.status in ('queued', 'sending') and m.lane = 'bulk') as backlog,
      count(*) filter (where r.queued_at > ${hourAgo})::int as hour,
      count(*)::int as day,
      count(distinct r.contact_id)::int as unique_day
    from campaign_recipients r
    where r.phone_number_id = ${phoneNumberId} and r.queued_at > ${dayAgo}`.execute(db);
  const row = res.rows[0];
  return {
    backlog: row?.backlog ?? 0,
    sentLastHour: row?.hour ?? 0,
    sentLast24h: row?.day ?? 0,
    uniqueRecipients24h: row?.unique_day ?? 0,
  };
}

/** Ledger counts of a campaign by status, skip reason and error code. */
export async function countLedger(
  db: DbOrTx,
  workspaceId: string,
  campaignId: string,
): Promise<{ status: RecipientStatus; skip_reason: string | null; error_code: number | null; n: number }[]> {
  const res = await sql<{
    status: RecipientStatus;
    skip_reason: string | null;
    error_code: number | null;
    n: number;
  }>`
    select status, skip_reason, error_code, count(*)::int as n from campaign_recipients
    where workspace_id = ${workspaceId} and campaign_id = ${campaignId}
    group by status, skip_reason, error_code`.execute(db);
  return res.rows;
}

/** A ledger row with what a person needs to recognise its contact (read from `contacts`, owned elsewhere). */
export type LedgerPageRow = CampaignRecipientRow & {
  contact_name: string | null;
  contact_phone: string | null;
};

/** {@link countLedger} of several campaigns in one query (a page of the list), with each row's campaign. */
export async function countLedgers(
  db: DbOrTx,
  workspaceId: string,
  campaignIds: string[],
): Promise<
  {
    campaign_id: string;
    status: RecipientStatus;
    skip_reason: string | null;
    error_code: number | null;
    n: number;
  }[]
> {
  if (campaignIds.length === 0) return [];
  const res = await sql<{
    campaign_id: string;
    status: RecipientStatus;
    skip_reason: string | null;
    error_code: number | null;
    n: number;
  }>`
    select campaign_id, status, skip_reason, error_code, count(*)::int as n from campaign_recipients
    where workspace_id = ${workspaceId} and campaign_id = any(${campaignIds}::uuid[])
    group by campaign_id, status, skip_reason, error_code`.execute(db);
  return res.rows;
}

/** A page of a campaign's ledger by contact id, optionally of one status, with each contact's name and number. */
export function pageLedger(
  db: DbOrTx,
  input: { workspaceId: string; campaignId: string; status?: RecipientStatus; after?: string; limit: number },
): Promise<LedgerPageRow[]> {
  let q = db
    .selectFrom('campaign_recipients as r')
    .leftJoin('contacts as c', (j) =>
      j.onRef('c.id', '=', 'r.contact_id').onRef('c.workspace_id', '=', 'r.workspace_id'),
    )
    .selectAll('r')
    .select((eb) => [
      eb.fn.coalesce('c.name', 'c.profile_name').as('contact_name'),
      eb.fn.coalesce('c.phone_e164', 'c.wa_id').as('contact_phone'),
    ])
    .where('r.workspace_id', '=', input.workspaceId)
    .where('r.campaign_id', '=', input.campaignId);
  if (input.status) q = q.where('r.status', '=', input.status);
  if (input.after) q = q.where('r.contact_id', '>', input.after);
  return q.orderBy('r.contact_id').limit(input.limit).execute();
}

/** Planned rows whose sender is not among `live` numbers (a number removed after planning), up to `limit`. */
export async function findOrphanRows(
  db: DbOrTx,
  input: { workspaceId: string; campaignId: string; live: string[]; limit: number },
): Promise<string[]> {
  const res = await sql<{ contact_id: string }>`
    select contact_id from campaign_recipients
    where workspace_id = ${input.workspaceId} and campaign_id = ${input.campaignId} and status = 'planned'
      and (phone_number_id is null or not (phone_number_id = any(${input.live}::uuid[])))
    limit ${input.limit}`.execute(db);
  return res.rows.map((r) => r.contact_id);
}

/** Gives planned rows a new sender, or (null) skips them with reason `no_sender`. */
export async function reassignSenders(
  db: DbOrTx,
  input: { workspaceId: string; campaignId: string; now: Date },
  rows: { contactId: string; phoneNumberId: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update campaign_recipients r set phone_number_id = t.pn,
      status = case when t.pn is null then 'skipped' else r.status end,
      skip_reason = case when t.pn is null then 'no_sender' else r.skip_reason end,
      updated_at = ${input.now}
    from unnest(${rows.map((r) => r.contactId)}::uuid[], ${rows.map((r) => r.phoneNumberId)}::uuid[]) as t(contact_id, pn)
    where r.workspace_id = ${input.workspaceId} and r.campaign_id = ${input.campaignId}
      and r.contact_id = t.contact_id and r.status = 'planned'`.execute(db);
}

/**
 * Contact merge: moves the ledger rows of contact `fromId` to `toId` for the campaigns `toId` has no row in (a
 * ledger row is unique per campaign and contact, so where both have one, each keeps its own); returns the campaign
 * ids of the rows moved and how many rows stayed with `fromId`.
 */
export async function moveLedgerRowsToContact(
  db: DbOrTx,
  workspaceId: string,
  fromId: string,
  toId: string,
): Promise<{ moved: string[]; kept: number }> {
  const res = await sql<{ campaign_id: string }>`
    update campaign_recipients r set contact_id = ${toId}::uuid
    where r.workspace_id = ${workspaceId}::uuid and r.contact_id = ${fromId}::uuid
      and not exists (select 1 from campaign_recipients o
        where o.campaign_id = r.campaign_id and o.contact_id = ${toId}::uuid)
    returning r.campaign_id`.execute(db);
  const kept = await sql<{ n: number }>`
    select count(*)::int as n from campaign_recipients
    where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid`.execute(db);
  return { moved: res.rows.map((r) => r.campaign_id), kept: kept.rows[0]?.n ?? 0 };
}

/** Undo of a contact merge: gives the ledger rows of `campaignIds` back from contact `fromId` to `toId`. */
export async function moveLedgerRowsBack(
  db: DbOrTx,
  workspaceId: string,
  campaignIds: readonly string[],
  fromId: string,
  toId: string,
): Promise<void> {
  if (campaignIds.length === 0) return;
  await db
    .updateTable('campaign_recipients')
    .set({ contact_id: toId })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', fromId)
    .where('campaign_id', 'in', [...campaignIds])
    .execute();
}
