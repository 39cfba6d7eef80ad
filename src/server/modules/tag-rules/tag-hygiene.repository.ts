/**
 * SQL of tag hygiene: the `tag_conflicts` table (written only here) and the set-based reads of the hygiene
 * report over `contact_tags`. Every query is scoped by workspace. The writes to `contact_tags` (delete, merge,
 * resolve) are the contacts module's (`contact-tags.repository.ts`).
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';
import type { StoredConflict } from './tag-hygiene.rules.ts';

/** At most this many unused tags are reported (oldest first). */
const UNUSED_LIMIT = 200;
/** Over-tagged contacts shown as a sample. */
const SAMPLE_LIMIT = 20;

/**
 * Tags whose newest `contact_tags.created_at` is before `before` and whose name (as a JSON string, compared
 * case-insensitively, as conditions compare tags) appears in none of: a tag rule (its tag or condition), a segment's
 * condition, the active automation version, a campaign's audience or exclusions. A name found as any string in
 * those documents counts as referenced — wrong only on the safe side (a tag is kept, never offered by mistake).
 */
export async function findUnusedTags(
  db: DbOrTx,
  workspaceId: string,
  before: Date,
): Promise<Array<{ tag: string; contacts: number; lastUsedAt: Date }>> {
  const r = await sql<{ tag: string; contacts: string; last_used_at: Date }>`
    WITH used AS (
      SELECT tag, count(*) AS contacts, max(created_at) AS last_used_at
      FROM contact_tags WHERE workspace_id = ${workspaceId}
      GROUP BY tag HAVING max(created_at) < ${before}::timestamptz
    ), docs AS (
      SELECT lower(tag) AS doc FROM tag_rules WHERE workspace_id = ${workspaceId}
      UNION ALL SELECT lower(condition::text) FROM tag_rules WHERE workspace_id = ${workspaceId}
      UNION ALL SELECT lower(condition::text) FROM segments WHERE workspace_id = ${workspaceId}
      UNION ALL SELECT lower(c.config::text) FROM automation_configs c
        JOIN automation_settings s ON s.workspace_id = c.workspace_id AND s.active_version = c.version
        WHERE c.workspace_id = ${workspaceId}
      UNION ALL SELECT lower(audience::text || exclusions::text) FROM campaigns WHERE workspace_id = ${workspaceId}
    )
    SELECT u.tag, u.contacts, u.last_used_at FROM used u
    WHERE NOT EXISTS (
      SELECT 1 FROM docs d
      WHERE d.doc = lower(u.tag) OR strpos(d.doc, lower(to_json(u.tag)::text)) > 0)
    ORDER BY u.last_used_at, u.tag
    LIMIT ${UNUSED_LIMIT}`.execute(db);
  return r.rows.map((x) => ({
    tag: x.tag,
    contacts: Number(x.contacts),
    lastUsedAt: new Date(x.last_used_at),
  }));
}

/** Contacts not merged into another with more than `limit` tags: how many, and the 20 with the most. */
export async function findOverTagged(
  db: DbOrTx,
  workspaceId: string,
  limit: number,
): Promise<{ count: number; sample: Array<{ contactId: string; name: string | null; tags: string[] }> }> {
  const r = await sql<{ id: string; name: string | null; tags: string[]; total: string }>`
    WITH over AS (
      SELECT t.contact_id, count(*) AS n
      FROM contact_tags t JOIN contacts c ON c.id = t.contact_id AND c.workspace_id = t.workspace_id
      WHERE t.workspace_id = ${workspaceId} AND c.merged_into_id IS NULL
      GROUP BY t.contact_id HAVING count(*) > ${limit}
    ), top AS (
      SELECT contact_id, n FROM over ORDER BY n DESC, contact_id LIMIT ${SAMPLE_LIMIT}
    )
    SELECT c.id, coalesce(c.name, c.profile_name) AS name,
      (SELECT array_agg(x.tag ORDER BY x.tag) FROM contact_tags x WHERE x.contact_id = c.id) AS tags,
      (SELECT count(*) FROM over) AS total
    FROM top JOIN contacts c ON c.id = top.contact_id
    ORDER BY top.n DESC, c.id`.execute(db);
  const total = r.rows[0] ? Number(r.rows[0].total) : 0;
  return {
    count: total,
    sample: r.rows.map((x) => ({ contactId: x.id, name: x.name, tags: x.tags })),
  };
}

/** Declared pairs found together on contacts, with how many contacts carry both (most first). */
export async function findConflictCounts(
  db: DbOrTx,
  workspaceId: string,
): Promise<Array<StoredConflict & { contacts: number }>> {
  const r = await sql<{ tag_a: string; tag_b: string; keep: 'a' | 'b' | null; contacts: string }>`
    SELECT k.tag_a, k.tag_b, k.keep, count(*) AS contacts
    FROM tag_conflicts k
    JOIN contact_tags x ON x.workspace_id = k.workspace_id AND x.tag = k.tag_a
    JOIN contact_tags y ON y.workspace_id = k.workspace_id AND y.tag = k.tag_b AND y.contact_id = x.contact_id
    WHERE k.workspace_id = ${workspaceId}
    GROUP BY k.tag_a, k.tag_b, k.keep
    ORDER BY contacts DESC, k.tag_a, k.tag_b`.execute(db);
  return r.rows.map((x) => ({ a: x.tag_a, b: x.tag_b, keep: x.keep, contacts: Number(x.contacts) }));
}

export async function listConflictRows(db: DbOrTx, workspaceId: string): Promise<StoredConflict[]> {
  const rows = await db
    .selectFrom('tag_conflicts')
    .select(['tag_a', 'tag_b', 'keep'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('tag_a')
    .orderBy('tag_b')
    .execute();
  return rows.map((r) => ({ a: r.tag_a, b: r.tag_b, keep: r.keep }));
}

/** Replaces the workspace's declared pairs. */
export async function replaceConflictRows(
  db: DbOrTx,
  workspaceId: string,
  pairs: readonly StoredConflict[],
  at: Date,
): Promise<void> {
  await db.deleteFrom('tag_conflicts').where('workspace_id', '=', workspaceId).execute();
  if (pairs.length === 0) return;
  await db
    .insertInto('tag_conflicts')
    .values(
      pairs.map((p) => ({ workspace_id: workspaceId, tag_a: p.a, tag_b: p.b, keep: p.keep, created_at: at })),
    )
    .execute();
}

/** Forgets the declared pairs naming `tag` (it was deleted or merged into another). */
export async function deleteConflictsOfTag(db: DbOrTx, workspaceId: string, tag: string): Promise<void> {
  await db
    .deleteFrom('tag_conflicts')
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('tag_a', '=', tag), eb('tag_b', '=', tag)]))
    .execute();
}

/** Whether a tag rule keeps `tag` (its tags would come back on the rule's next run). */
export async function tagHasRule(db: DbOrTx, workspaceId: string, tag: string): Promise<boolean> {
  const row = await db
    .selectFrom('tag_rules')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('tag', '=', tag)
    .executeTakeFirst();
  return row !== undefined;
}
