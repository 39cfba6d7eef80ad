/**
 * The consent tables' only writer: `contact_consents` (current state per contact and purpose),
 * `consent_events` (append-only history) and `consent_settings` (keywords and confirmations per workspace).
 */
import type { Selectable } from 'kysely';
import type {
  ConsentEventsTable,
  ConsentPurpose,
  ConsentSource,
  ConsentState,
  ContactConsentsTable,
  DbOrTx,
} from '../../db/types.ts';

export type ContactConsentRow = Selectable<ContactConsentsTable>;
export type ConsentEventRow = Selectable<ConsentEventsTable>;

/** A contact's current consents (one row per purpose ever recorded). */
export async function findContactConsents(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<ContactConsentRow[]> {
  return db
    .selectFrom('contact_consents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .execute();
}

/** The state of one purpose, `unknown` without a row; `forUpdate` locks the row (if any) for a change. */
export async function findConsentState(
  db: DbOrTx,
  key: { workspaceId: string; contactId: string; purpose: ConsentPurpose },
  opts: { forUpdate?: boolean } = {},
): Promise<{ state: ConsentState; source: ConsentSource | null }> {
  let q = db
    .selectFrom('contact_consents')
    .select(['state', 'source'])
    .where('workspace_id', '=', key.workspaceId)
    .where('contact_id', '=', key.contactId)
    .where('purpose', '=', key.purpose);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ?? { state: 'unknown', source: null };
}

/**
 * The states (and their sources) of one purpose for many contacts (those without a row are absent: `unknown`);
 * `forUpdate` locks the rows in contact id order (the order every batch locks in, so two batches never deadlock).
 */
export async function findConsentStates(
  db: DbOrTx,
  workspaceId: string,
  purpose: ConsentPurpose,
  contactIds: readonly string[],
  opts: { forUpdate?: boolean } = {},
): Promise<Map<string, { state: ConsentState; source: ConsentSource }>> {
  const out = new Map<string, { state: ConsentState; source: ConsentSource }>();
  if (contactIds.length === 0) return out;
  let q = db
    .selectFrom('contact_consents')
    .select(['contact_id', 'state', 'source'])
    .where('workspace_id', '=', workspaceId)
    .where('purpose', '=', purpose)
    .where('contact_id', 'in', [...contactIds])
    .orderBy('contact_id');
  if (opts.forUpdate) q = q.forUpdate();
  for (const r of await q.execute()) out.set(r.contact_id, { state: r.state, source: r.source });
  return out;
}

/** The consent history of contacts (one, or one with those merged into it), newest first. */
export async function findConsentEvents(
  db: DbOrTx,
  workspaceId: string,
  contactIds: readonly string[],
  limit: number,
): Promise<ConsentEventRow[]> {
  return db
    .selectFrom('consent_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', [...contactIds])
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Appends a history entry. An entry carrying an inbound `message_id` is written once per (message, purpose):
 * the second attempt inserts nothing and returns false.
 */
export async function insertConsentEvent(
  db: DbOrTx,
  row: Omit<ConsentEventRow, 'evidence'> & { evidence: Record<string, unknown> },
): Promise<boolean> {
  const res = await db
    .insertInto('consent_events')
    .values({ ...row, evidence: JSON.stringify(row.evidence) })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'message_id', 'purpose']).where('message_id', 'is not', null).doNothing(),
    )
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Appends many history entries without an inbound message (imports, bulk actions), a few statements for any
 * number of rows.
 */
export async function insertConsentEvents(
  db: DbOrTx,
  rows: ReadonlyArray<Omit<ConsentEventRow, 'evidence'> & { evidence: Record<string, unknown> }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
    await db
      .insertInto('consent_events')
      .values(
        rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({ ...r, evidence: JSON.stringify(r.evidence) })),
      )
      .execute();
}

/** Sets the current state of many (contact, purpose) pairs, each pair at most once. */
export async function upsertContactConsents(db: DbOrTx, rows: readonly ContactConsentRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
    await db
      .insertInto('contact_consents')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'contact_id', 'purpose']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          source: eb.ref('excluded.source'),
          changed_at: eb.ref('excluded.changed_at'),
          last_event_id: eb.ref('excluded.last_event_id'),
        })),
      )
      .execute();
}

/** Rows per multi-row INSERT (13 columns each stays far below PostgreSQL's 65,535 parameters). */
const ROWS_PER_STATEMENT = 1000;

/** Sets the current state of a purpose (insert or update). */
export async function upsertContactConsent(db: DbOrTx, row: ContactConsentRow): Promise<void> {
  await upsertContactConsents(db, [row]);
}

/** The workspace's saved settings (parsed by the caller), or null for the defaults. */
export async function findConsentSettings(db: DbOrTx, workspaceId: string): Promise<unknown> {
  const row = await db
    .selectFrom('consent_settings')
    .select('settings')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.settings ?? null;
}

/** Saves the workspace's settings. */
export async function saveConsentSettings(
  db: DbOrTx,
  workspaceId: string,
  settings: unknown,
  at: Date,
): Promise<void> {
  const json = JSON.stringify(settings);
  await db
    .insertInto('consent_settings')
    .values({ workspace_id: workspaceId, settings: json, updated_at: at })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ settings: json, updated_at: at }))
    .execute();
}

/** The contacts among `contactIds` who opted out of marketing (a batch send's consent check). */
export async function findOptedOutContacts(
  db: DbOrTx,
  workspaceId: string,
  contactIds: string[],
): Promise<Set<string>> {
  if (contactIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('contact_consents')
    .select('contact_id')
    .where('workspace_id', '=', workspaceId)
    .where('purpose', '=', 'marketing')
    .where('state', '=', 'opted_out')
    .where('contact_id', 'in', contactIds)
    .execute();
  return new Set(rows.map((r) => r.contact_id));
}
