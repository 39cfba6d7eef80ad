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

/** Sets the current state of a purpose (insert or update). */
export async function upsertContactConsent(db: DbOrTx, row: ContactConsentRow): Promise<void> {
  await db
    .insertInto('contact_consents')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'contact_id', 'purpose']).doUpdateSet({
        state: row.state,
        source: row.source,
        changed_at: row.changed_at,
        last_event_id: row.last_event_id,
      }),
    )
    .execute();
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
