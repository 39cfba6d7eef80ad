import { sql, type Insertable, type RawBuilder, type SqlBool, type Updateable } from 'kysely';
import type { ContactRow, ContactsTable, DbOrTx } from '../../db/types.ts';
import type { SearchQuery } from '../search/search-key.rules.ts';
import { contactSearchKeys } from '../search/search-keys.service.ts';
import { matchesSearch } from '../search/search-match.repository.ts';

/** One contact of a workspace; `forUpdate` locks the row for a read-modify-write in the caller's transaction. */
export function findContact(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ContactRow | undefined> {
  const q = db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id);
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** The contact of a workspace having any of the given wa_ids (the forms of one number, `waIdVariants`), first form first. */
export function findContactByWaIds(
  db: DbOrTx,
  workspaceId: string,
  waIds: readonly string[],
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('wa_id', 'in', [...waIds])
    .orderBy(sql`array_position(${sql.val([...waIds])}::text[], wa_id)`)
    .executeTakeFirst();
}

/**
 * The ids of a workspace's contacts by wa_id, for any number of wa_ids in one statement (merged ones included,
 * as `findContactByWaIds`): a map from wa_id to contact id, without the wa_ids no contact has.
 */
export async function findContactIdsByWaIds(
  db: DbOrTx,
  workspaceId: string,
  waIds: readonly string[],
): Promise<Map<string, string>> {
  if (waIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'wa_id'])
    .where('workspace_id', '=', workspaceId)
    .where('wa_id', 'in', [...new Set(waIds)])
    .execute();
  return new Map(rows.map((r) => [r.wa_id, r.id]));
}

/** The contacts of a workspace having any of the given wa_ids (merged ones left out). */
export function findContactsByWaIds(
  db: DbOrTx,
  workspaceId: string,
  waIds: readonly string[],
): Promise<ContactRow[]> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('merged_into_id', 'is', null)
    .where('wa_id', 'in', [...waIds])
    .execute();
}

/** Contacts of a workspace by id (for inlining them in conversation lists). */
export function findContactsByIds(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
): Promise<ContactRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...ids])
    .execute();
}

/**
 * A page of contacts (merged ones left out; archived ones only when asked for), newest first (UUIDv7 ids are time-ordered), optionally searched on the stored search key
 * (name and profile name by script and reading, wa_id digits; see `parseSearchQuery`). Fetches `limit` rows
 * after `afterId`.
 */
export function searchContacts(
  db: DbOrTx,
  input: {
    workspaceId: string;
    search: SearchQuery | null;
    limit: number;
    afterId?: string;
    /** true: only archived contacts; otherwise (the default list) only those not archived. */
    archived?: boolean;
  },
): Promise<ContactRow[]> {
  let q = db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('merged_into_id', 'is', null)
    .where('archived_at', input.archived ? 'is not' : 'is', null);
  if (input.search) q = q.where(matchesSearch('contacts.search_key', input.search));
  if (input.afterId) q = q.where('id', '<', input.afterId);
  return q.orderBy('id', 'desc').limit(input.limit).execute();
}

/** Inserts a contact unless (workspace, wa_id) exists; returns the new row or undefined on a duplicate. */
export function insertContactIfNew(
  db: DbOrTx,
  values: Insertable<ContactsTable>,
): Promise<ContactRow | undefined> {
  return db
    .insertInto('contacts')
    .values(values)
    .onConflict((oc) => oc.columns(['workspace_id', 'wa_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function updateContactRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  set: Updateable<ContactsTable>,
): Promise<ContactRow | undefined> {
  return db
    .updateTable('contacts')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a contact; its conversations and messages go with it (ON DELETE CASCADE). Returns rows deleted. */
export async function deleteContactRow(db: DbOrTx, workspaceId: string, id: string): Promise<number> {
  const res = await db
    .deleteFrom('contacts')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Mirrors a contact's marketing consent into `contacts.consent_state` (and the opt-out time) for the contact DTO
 * and the console; the consent module (`contact_consents`) is the source of truth and calls this with its change.
 */
export async function setMarketingConsentMirror(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  state: 'unknown' | 'opted_in' | 'opted_out',
  at: Date,
): Promise<void> {
  await setMarketingConsentMirrors(db, workspaceId, [{ id, state }], at);
}

/**
 * The marketing consent mirror of many contacts of a workspace, in one statement. A contact whose mirror already
 * says the state (a contact an import created with it) is not written again.
 */
export async function setMarketingConsentMirrors(
  db: DbOrTx,
  workspaceId: string,
  changes: ReadonlyArray<{ id: string; state: 'unknown' | 'opted_in' | 'opted_out' }>,
  at: Date,
): Promise<void> {
  if (changes.length === 0) return;
  await sql`
    update contacts c set
      consent_state = t.state,
      marketing_opted_out_at = case when t.state = 'opted_out' then coalesce(c.marketing_opted_out_at, ${at}::timestamptz) end,
      updated_at = ${at}::timestamptz
    from unnest(${changes.map((x) => x.id)}::uuid[], ${changes.map((x) => x.state)}::text[]) as t(id, state)
    where c.workspace_id = ${workspaceId}::uuid and c.id = t.id and c.consent_state is distinct from t.state`.execute(
    db,
  );
}

/**
 * Fields an import writes on one contact (absent name = leave as is; attributes are merged in). Not consent: the
 * consent module records an imported consent and writes its mirror (`setMarketingConsentMirrors`), once.
 */
export interface ImportedContactFields {
  id: string;
  name: string | null;
  attributes: Record<string, unknown>;
}

/**
 * Writes imported fields on many contacts of a workspace in one statement: name when given, attributes merged
 * (`||`), as `updateContact` does for one; then the search keys of the renamed ones in a second.
 */
export async function applyImportedContactFields(
  db: DbOrTx,
  workspaceId: string,
  now: Date,
  rows: readonly ImportedContactFields[],
): Promise<void> {
  if (rows.length === 0) return;
  const renamed = await sql<{ id: string; name: string | null; profile_name: string | null; wa_id: string }>`
    update contacts c set
      name = coalesce(t.name, c.name),
      attributes = c.attributes || t.attributes::jsonb,
      updated_at = ${now}::timestamptz
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.name)}::text[],
      ${rows.map((r) => JSON.stringify(r.attributes))}::text[]) as t(id, name, attributes)
    where c.workspace_id = ${workspaceId}::uuid and c.id = t.id
    returning c.id, case when t.name is not null then c.name end as name, c.profile_name, c.wa_id`.execute(
    db,
  );
  // A new name is searchable at once (by reading and script) like one set through the API.
  const named = renamed.rows.filter((r) => r.name !== null);
  if (named.length === 0) return;
  const keys = await contactSearchKeys(
    named.map((r) => ({ name: r.name, profileName: r.profile_name, waId: r.wa_id })),
  );
  await sql`
    update contacts c set search_key = t.search_key
    from unnest(${named.map((r) => r.id)}::uuid[], ${keys}::text[]) as t(id, search_key)
    where c.workspace_id = ${workspaceId}::uuid and c.id = t.id`.execute(db);
}

/**
 * A workspace's contacts in id order after `afterId` (keyset paging for exports), optionally only those with a
 * tag. `limit` rows at most.
 */
export function pageContactsForExport(
  db: DbOrTx,
  input: {
    workspaceId: string;
    afterId: string | null;
    limit: number;
    tag?: string | undefined;
    /** A further test over the `contacts` row (a segment's compiled condition). */
    where?: RawBuilder<SqlBool>;
  },
): Promise<ContactRow[]> {
  let q = db
    .selectFrom('contacts')
    .selectAll('contacts')
    .where('contacts.workspace_id', '=', input.workspaceId)
    .where('contacts.merged_into_id', 'is', null);
  if (input.afterId) q = q.where('contacts.id', '>', input.afterId);
  if (input.tag !== undefined) {
    const tag = input.tag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('contact_tags')
          .select('contact_tags.contact_id')
          .whereRef('contact_tags.contact_id', '=', 'contacts.id')
          .where('contact_tags.tag', '=', tag),
      ),
    );
  }
  if (input.where) q = q.where(input.where);
  return q.orderBy('contacts.id').limit(input.limit).execute();
}

/** Every attribute key used on a workspace's contacts (export columns for keys without a definition). */
export async function findAttributeKeysInUse(db: DbOrTx, workspaceId: string): Promise<string[]> {
  const res = await sql<{ key: string }>`
    select distinct jsonb_object_keys(attributes) as key from contacts
    where workspace_id = ${workspaceId}::uuid and attributes <> '{}'::jsonb order by 1`.execute(db);
  return res.rows.map((r) => r.key);
}

/** A contact's notes, oldest first (the contact's privacy export). */
export function findNotesOfContact(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<Array<{ id: string; author_user_id: string | null; body: string; created_at: Date }>> {
  return db
    .selectFrom('contact_notes')
    .select(['id', 'author_user_id', 'body', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .orderBy('created_at')
    .execute();
}

/**
 * Marks a contact's number unreachable (WhatsApp answered 131026, undeliverable) for list hygiene: campaigns leave
 * such contacts out. The first report's time is kept.
 */
export async function markContactUnreachable(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set((eb) => ({ unreachable_at: eb.fn.coalesce('unreachable_at', eb.val(at)), updated_at: at }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}
