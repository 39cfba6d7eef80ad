import { sql } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import type { DbOrTx } from '../../db/types.ts';

/** A contact asked for by WhatsApp id; fields fill a new row (and `profileName` renames an existing one). */
export interface WantedContact {
  workspaceId: string;
  /** Digits only, as WhatsApp ids are. */
  waId: string;
  e164: string;
  country: string | null;
  /** The WhatsApp profile name a webhook carried; a changed one is recorded. */
  profileName?: string | null;
}

/** Key of a contact in `findOrCreateContacts`'s answer. */
export const contactKey = (workspaceId: string, waId: string) => `${workspaceId}|${waId}`;

/**
 * The one find-or-create of contacts (inbound, API sends, the demo, campaigns): one contact per (workspace,
 * wa_id). Existing rows are only read (no write per message), new ones inserted, renamed ones updated — each
 * a single set-based statement over the whole list. Returns ids keyed by `contactKey`, and the ids created.
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
  const existing = await sql<{
    id: string;
    workspace_id: string;
    wa_id: string;
    profile_name: string | null;
  }>`
    select c.id, c.workspace_id, c.wa_id, c.profile_name from contacts c
    join unnest(${list.map((c) => c.workspaceId)}::uuid[], ${list.map((c) => c.waId)}::text[]) as t(workspace_id, wa_id)
      on c.workspace_id = t.workspace_id and c.wa_id = t.wa_id`.execute(tx);
  const ids = new Map(existing.rows.map((r) => [contactKey(r.workspace_id, r.wa_id), r.id]));
  const renamed = existing.rows.filter((r) => {
    const name = byKey.get(contactKey(r.workspace_id, r.wa_id))?.profileName;
    return name && name !== r.profile_name;
  });
  if (renamed.length > 0) {
    await sql`
      update contacts c set profile_name = t.name, updated_at = ${now}
      from unnest(${renamed.map((r) => r.id)}::uuid[],
        ${renamed.map((r) => byKey.get(contactKey(r.workspace_id, r.wa_id))?.profileName ?? null)}::text[]) as t(id, name)
      where c.id = t.id`.execute(tx);
  }
  const missing = list.filter((c) => !ids.has(contactKey(c.workspaceId, c.waId)));
  if (missing.length > 0) {
    const fresh = missing.map(() => newId());
    // `do update` (a no-op) rather than `do nothing` so a row a concurrent transaction just inserted is returned.
    const rows = await sql<{ id: string; workspace_id: string; wa_id: string }>`
      insert into contacts (id, workspace_id, wa_id, phone_e164, country, profile_name, created_at, updated_at)
      select t.id, t.workspace_id, t.wa_id, t.e164, t.country, t.name, ${now}::timestamptz, ${now}::timestamptz
      from unnest(${fresh}::uuid[], ${missing.map((c) => c.workspaceId)}::uuid[], ${missing.map((c) => c.waId)}::text[],
        ${missing.map((c) => c.e164)}::text[], ${missing.map((c) => c.country)}::text[],
        ${missing.map((c) => c.profileName ?? null)}::text[]) as t(id, workspace_id, wa_id, e164, country, name)
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

/** A range of synthetic demo contacts (`tsunagi demo --size large`): +81 9000000000 + n, "Customer n". */
export interface SyntheticRange {
  workspaceId: string;
  from: number;
  to: number;
  now: Date;
}

/** The synthetic number of demo contact `n` (its wa_id is this number as text). */
export const SYNTHETIC_BASE = 819000000000;

/** Creates the synthetic contacts of a range in one statement (benchmark data). */
export async function seedSyntheticContacts(tx: DbOrTx, r: SyntheticRange): Promise<void> {
  await sql`
    insert into contacts (id, workspace_id, wa_id, phone_e164, country, profile_name, created_at, updated_at)
    select gen_random_uuid(), ${r.workspaceId}::uuid, (${SYNTHETIC_BASE}::bigint + g)::text,
      '+' || (${SYNTHETIC_BASE}::bigint + g)::text, 'JP', 'Customer ' || g, ${r.now}::timestamptz, ${r.now}::timestamptz
    from generate_series(${r.from}::int, ${r.to}::int) g`.execute(tx);
}
