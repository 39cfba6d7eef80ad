import { sql } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import type { DbOrTx } from '../../db/types.ts';
import { mapInSlices } from '../../lib/loop.ts';
import { contactSearchKeys } from '../search/search-keys.service.ts';
import { parsePhone, regionOfWaId, timeZoneOfCountry, waIdVariants } from './contacts.rules.ts';

/** A contact asked for by WhatsApp id; fields fill a new row (and `profileName` renames an existing one). */
export interface WantedContact {
  workspaceId: string;
  /** Digits only, as WhatsApp ids are. */
  waId: string;
  e164: string;
  /**
   * The number's country when the caller already parsed it; left out, it is worked out from the number only if the
   * contact is created (inbound messages come mostly from contacts that exist, and parsing costs ~0.1 ms each).
   */
  country?: string | null;
  /** The WhatsApp profile name a webhook carried; a changed one is recorded. */
  profileName?: string | null;
  /**
   * Fields a new contact starts with (an import's row): written by the insert itself, so a new contact is one row
   * version, not an insert and then updates. Ignored for a contact that already exists.
   */
  initial?: InitialContactFields;
}

/** What a contact created by `findOrCreateContacts` starts with besides its number. */
export interface InitialContactFields {
  name: string | null;
  attributes: Record<string, unknown>;
  /** The marketing consent mirror (`consent_state`); the consent module records the change itself. */
  marketingConsent: 'opted_in' | 'opted_out' | null;
  /** The search key of this name and number, when the caller computed it ahead (outside its transaction). */
  searchKey?: string;
}

/** Key of a contact in `findOrCreateContacts`'s answer. */
export const contactKey = (workspaceId: string, waId: string) => `${workspaceId}|${waId}`;

/**
 * The one find-or-create of contacts (inbound, API sends, the demo, campaigns): one contact per person in a
 * workspace, found by any form of its WhatsApp id (`waIdVariants`: Brazil's mobile 9, Mexico's 521, Argentina's
 * 549), so a number typed one way and written to by WhatsApp the other way is the same contact. Existing rows are
 * only read (no write per message), new ones inserted with their country, time zone and search key, renamed ones
 * updated — each a single set-based statement over the whole list. Returns ids keyed by `contactKey` of the wa_id
 * asked for (even when found under another form), and the ids created.
 */
export async function findOrCreateContacts(
  tx: DbOrTx,
  now: Date,
  wanted: WantedContact[],
): Promise<{ ids: Map<string, string>; created: Set<string> }> {
  const byKey = new Map<string, WantedContact>();
  for (const w of wanted) {
    const key = contactKey(w.workspaceId, w.waId);
    const prev = byKey.get(key);
    byKey.set(key, { ...w, profileName: w.profileName ?? prev?.profileName ?? null });
  }
  const list = [...byKey.values()];
  const created = new Set<string>();
  if (list.length === 0) return { ids: new Map(), created };
  const probes = list.flatMap((c) =>
    waIdVariants(c.waId).map((variant, rank) => ({
      c,
      variant,
      rank,
      key: contactKey(c.workspaceId, c.waId),
    })),
  );
  // Per contact asked for, its exact wa_id first (rank 0), then the other form.
  const existing = await sql<{
    key: string;
    id: string;
    wa_id: string;
    name: string | null;
    profile_name: string | null;
    merged_into_id: string | null;
  }>`
    select distinct on (t.key) t.key, c.id, c.wa_id, c.name, c.profile_name, c.merged_into_id from contacts c
    join unnest(${probes.map((p) => p.c.workspaceId)}::uuid[], ${probes.map((p) => p.variant)}::text[],
      ${probes.map((p) => p.key)}::text[], ${probes.map((p) => p.rank)}::int[]) as t(workspace_id, wa_id, key, rank)
      on c.workspace_id = t.workspace_id and c.wa_id = t.wa_id
    order by t.key, t.rank`.execute(tx);
  const survivors = await survivorsOf(
    tx,
    existing.rows.flatMap((r) => (r.merged_into_id ? [r.merged_into_id] : [])),
  );
  // A contact merged into another one stands for its survivor: new messages from its number go there.
  const ids = new Map(
    existing.rows.map((r) => [r.key, r.merged_into_id ? (survivors.get(r.merged_into_id) ?? r.id) : r.id]),
  );
  const renamed = existing.rows.filter((r) => {
    const name = byKey.get(r.key)?.profileName;
    return name && name !== r.profile_name;
  });
  if (renamed.length > 0) {
    const names = renamed.map((r) => byKey.get(r.key)?.profileName ?? null);
    const keys = await contactSearchKeys(
      renamed.map((r, i) => ({ name: r.name, profileName: names[i] ?? null, waId: r.wa_id })),
    );
    await sql`
      update contacts c set profile_name = t.name, search_key = t.search_key, updated_at = ${now}
      from unnest(${renamed.map((r) => r.id)}::uuid[], ${names}::text[], ${keys}::text[]) as t(id, name, search_key)
      where c.id = t.id`.execute(tx);
  }
  const missing = list.filter((c) => !ids.has(contactKey(c.workspaceId, c.waId)));
  if (missing.length > 0) {
    const fresh = missing.map(() => newId());
    // Parsing a number takes ~0.1 ms: a batch of new contacts is parsed in slices (see mapInSlices).
    const regions = await mapInSlices(missing, 32, (c) => {
      const region = regionOfWaId(c.waId);
      const known = c.country !== undefined ? c.country : (parsePhone(c.e164)?.country ?? null);
      const country = known ?? region.country;
      return { country, timezone: timeZoneOfCountry(country) ?? region.timezone };
    });
    const toKey = missing.filter((c) => c.initial?.searchKey === undefined);
    const computed = await contactSearchKeys(
      toKey.map((c) => ({ name: c.initial?.name ?? null, profileName: c.profileName ?? null, waId: c.waId })),
    );
    const keyOf = new Map(toKey.map((c, i) => [c, computed[i] as string]));
    const keys = missing.map((c) => c.initial?.searchKey ?? (keyOf.get(c) as string));
    const consent = missing.map((c) => c.initial?.marketingConsent ?? 'unknown');
    // `do update` (a no-op) rather than `do nothing` so a row a concurrent transaction just inserted is returned.
    const rows = await sql<{ id: string; workspace_id: string; wa_id: string }>`
      insert into contacts (id, workspace_id, wa_id, phone_e164, country, timezone, profile_name, search_key,
        name, attributes, consent_state, marketing_opted_out_at, created_at, updated_at)
      select t.id, t.workspace_id, t.wa_id, t.e164, t.country, t.timezone, t.profile_name, t.search_key,
        t.name, t.attributes::jsonb, t.consent_state,
        case when t.consent_state = 'opted_out' then ${now}::timestamptz end,
        ${now}::timestamptz, ${now}::timestamptz
      from unnest(${fresh}::uuid[], ${missing.map((c) => c.workspaceId)}::uuid[], ${missing.map((c) => c.waId)}::text[],
        ${missing.map((c) => c.e164)}::text[], ${regions.map((r) => r.country)}::text[],
        ${regions.map((r) => r.timezone)}::text[], ${missing.map((c) => c.profileName ?? null)}::text[],
        ${keys}::text[], ${missing.map((c) => c.initial?.name ?? null)}::text[],
        ${missing.map((c) => JSON.stringify(c.initial?.attributes ?? {}))}::text[], ${consent}::text[])
        as t(id, workspace_id, wa_id, e164, country, timezone, profile_name, search_key, name, attributes,
          consent_state)
      on conflict (workspace_id, wa_id) do update set workspace_id = excluded.workspace_id
      returning id, workspace_id, wa_id`.execute(tx);
    const freshIds = new Set(fresh);
    for (const r of rows.rows) {
      ids.set(contactKey(r.workspace_id, r.wa_id), r.id);
      if (freshIds.has(r.id)) created.add(r.id);
    }
  }
  return { ids, created };
}

/**
 * The surviving contact of each given contact id, following merges (a survivor may itself have been merged since):
 * rare, so a short loop of small reads. Ids not merged map to themselves.
 */
async function survivorsOf(tx: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let pending = new Map(ids.map((id) => [id, id]));
  for (let depth = 0; pending.size > 0 && depth < 20; depth++) {
    const rows = await tx
      .selectFrom('contacts')
      .select(['id', 'merged_into_id'])
      .where('id', 'in', [...new Set(pending.values())])
      .execute();
    const next = new Map(rows.map((r) => [r.id, r.merged_into_id]));
    const still = new Map<string, string>();
    for (const [start, at] of pending) {
      const into = next.get(at);
      if (into) still.set(start, into);
      else out.set(start, at);
    }
    pending = still;
  }
  return out;
}

/** A range of synthetic demo contacts (`tsunagi demo --size large`): +81 9000000000 + n, "Customer n". */
export interface SyntheticRange {
  workspaceId: string;
  from: number;
  to: number;
  now: Date;
}

/** The synthetic number of demo contact `n` (its wa_id is this number as text). */
export const SYNTHETIC_BASE = 819000000000;

/**
 * Creates the synthetic contacts of a range in one statement (benchmark data), with the country, time zone and
 * search key that `findOrCreateContacts` would give them: for the Latin name "Customer n" the key is
 * `customern <wa_id>` (folded name without spaces, then the digits; no reading, no kana form — see
 * `contactSearchKey`, and the test of the large demo seed in search-key.rules.test.ts).
 */
export async function seedSyntheticContacts(tx: DbOrTx, r: SyntheticRange): Promise<void> {
  await sql`
    insert into contacts (id, workspace_id, wa_id, phone_e164, country, timezone, profile_name, search_key,
      created_at, updated_at)
    select gen_random_uuid(), ${r.workspaceId}::uuid, (${SYNTHETIC_BASE}::bigint + g)::text,
      '+' || (${SYNTHETIC_BASE}::bigint + g)::text, 'JP', 'Asia/Tokyo', 'Customer ' || g,
      'customer' || g || ' ' || (${SYNTHETIC_BASE}::bigint + g)::text, ${r.now}::timestamptz, ${r.now}::timestamptz
    from generate_series(${r.from}::int, ${r.to}::int) g`.execute(tx);
}

/**
 * Fills the search key of up to `limit` contacts written before search keys existed (NULL), and their country
 * and time zone where missing (from the number, `regionOfWaId`). One read and one set-based update; returns how
 * many were filled, 0 once nothing is left. Idempotent.
 */
export async function backfillContactSearchKeys(db: DbOrTx, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'wa_id', 'name', 'profile_name', 'country', 'timezone'])
    .where('search_key', 'is', null)
    .limit(limit)
    .execute();
  if (rows.length === 0) return 0;
  const keys = await contactSearchKeys(
    rows.map((r) => ({ name: r.name, profileName: r.profile_name, waId: r.wa_id })),
  );
  const regions = rows.map((r) => {
    const region = regionOfWaId(r.wa_id);
    const country = r.country ?? region.country;
    return { country, timezone: r.timezone ?? timeZoneOfCountry(country) ?? region.timezone };
  });
  // Rows the pipeline holds are skipped (taken by the next run): the backfill never waits for it or deadlocks.
  await sql`
    with free as (
      select id from contacts where id = any(${rows.map((r) => r.id)}::uuid[]) and search_key is null
      order by id for update skip locked)
    update contacts c set search_key = t.search_key, country = t.country, timezone = t.timezone
    from unnest(${rows.map((r) => r.id)}::uuid[], ${keys}::text[], ${regions.map((r) => r.country)}::text[],
      ${regions.map((r) => r.timezone)}::text[]) as t(id, search_key, country, timezone), free
    where c.id = t.id and free.id = t.id`.execute(db);
  return rows.length;
}
