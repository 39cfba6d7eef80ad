import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';

/** The tags of each given contact (sorted by name), for inlining them in contact and conversation DTOs. */
export async function findTagsOfContacts(
  db: DbOrTx,
  workspaceId: string,
  contactIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (contactIds.length === 0) return out;
  const rows = await db
    .selectFrom('contact_tags')
    .select(['contact_id', 'tag'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', [...new Set(contactIds)])
    .orderBy('tag')
    .execute();
  for (const r of rows) {
    const list = out.get(r.contact_id);
    if (list) list.push(r.tag);
    else out.set(r.contact_id, [r.tag]);
  }
  return out;
}

/**
 * Adds a tag to a contact by hand; adding it twice is a no-op. A tag a rule had added becomes the person's (its
 * `rule_id` is cleared), so the rule no longer removes it.
 */
export async function insertContactTag(
  db: DbOrTx,
  row: { workspaceId: string; contactId: string; tag: string; at: Date },
): Promise<void> {
  await db
    .insertInto('contact_tags')
    .values({ workspace_id: row.workspaceId, contact_id: row.contactId, tag: row.tag, created_at: row.at })
    .onConflict((oc) =>
      oc
        .columns(['contact_id', 'tag'])
        .doUpdateSet({ rule_id: null })
        .where('contact_tags.rule_id', 'is not', null),
    )
    .execute();
}

export async function deleteContactTag(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  tag: string,
): Promise<void> {
  await db
    .deleteFrom('contact_tags')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('tag', '=', tag)
    .execute();
}

/** Every tag used in a workspace with how many contacts carry it, most used first. */
export function countTags(db: DbOrTx, workspaceId: string): Promise<Array<{ name: string; count: number }>> {
  return db
    .selectFrom('contact_tags')
    .select((eb) => ['tag as name', eb.fn.countAll<string>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('tag')
    .orderBy('count', 'desc')
    .orderBy('tag')
    .limit(1000)
    .execute()
    .then((rows) => rows.map((r) => ({ name: r.name, count: Number(r.count) })));
}

/**
 * Adds many (contact, tag) pairs of a workspace in one statement (imports: set by a person); pairs present already
 * are left alone, except that one a rule had added becomes the person's, as in `insertContactTag`.
 */
export async function insertContactTags(
  db: DbOrTx,
  workspaceId: string,
  at: Date,
  pairs: ReadonlyArray<{ contactId: string; tag: string }>,
): Promise<void> {
  if (pairs.length === 0) return;
  await sql`
    insert into contact_tags (workspace_id, contact_id, tag, created_at)
    select ${workspaceId}::uuid, t.contact_id, t.tag, ${at}::timestamptz
    from unnest(${pairs.map((p) => p.contactId)}::uuid[], ${pairs.map((p) => p.tag)}::text[]) as t(contact_id, tag)
    on conflict (contact_id, tag) do update set rule_id = null where contact_tags.rule_id is not null`.execute(
    db,
  );
}

/** A tag rule's run over the contacts of one workspace (see `applyTagRule`). */
export interface TagRuleApplication {
  workspaceId: string;
  ruleId: string;
  tag: string;
  /** The rule's condition compiled over the contacts row aliased `c` (`compileCondition`). */
  where: RawBuilder<SqlBool>;
  at: Date;
}

/**
 * Makes the rule's tag sit on exactly the workspace's (unmerged) contacts `where` selects, as far as the rule is
 * concerned, in two set-based statements: one DELETE of the rule's rows that no longer match (or carry an old tag
 * name), one INSERT … SELECT of the matching contacts that lack the tag. Rows set by a person (`rule_id` NULL) are
 * never deleted, and a person's tag is never taken over. Returns the counts. Run it in a transaction.
 */
export async function applyTagRule(
  db: DbOrTx,
  run: TagRuleApplication,
): Promise<{ added: number; removed: number }> {
  const removed = await sql`
    DELETE FROM contact_tags t
    WHERE t.workspace_id = ${run.workspaceId} AND t.rule_id = ${run.ruleId}
      AND (t.tag <> ${run.tag} OR NOT EXISTS (
        SELECT 1 FROM contacts c
        WHERE c.id = t.contact_id AND c.workspace_id = ${run.workspaceId} AND c.merged_into_id IS NULL
          AND ${run.where}))`.execute(db);
  const added = await sql`
    INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at, rule_id)
    SELECT c.workspace_id, c.id, ${run.tag}, ${run.at}::timestamptz, ${run.ruleId}::uuid
    FROM contacts c
    WHERE c.workspace_id = ${run.workspaceId} AND c.merged_into_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM contact_tags x WHERE x.contact_id = c.id AND x.tag = ${run.tag})
      AND ${run.where}
    ON CONFLICT (contact_id, tag) DO NOTHING`.execute(db);
  return { added: Number(added.numAffectedRows ?? 0), removed: Number(removed.numAffectedRows ?? 0) };
}

/** Removes every tag a rule added (the rule is being deleted); tags set by people stay. */
export async function deleteTagsOfRule(db: DbOrTx, workspaceId: string, ruleId: string): Promise<number> {
  const r = await db
    .deleteFrom('contact_tags')
    .where('workspace_id', '=', workspaceId)
    .where('rule_id', '=', ruleId)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Removes a tag from every contact of a workspace (tag hygiene); returns how many lost it. */
export async function deleteTagEverywhere(db: DbOrTx, workspaceId: string, tag: string): Promise<number> {
  const r = await db
    .deleteFrom('contact_tags')
    .where('workspace_id', '=', workspaceId)
    .where('tag', '=', tag)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Merges tag `from` into `to` over a workspace in two statements: every contact carrying `from` and lacking `to`
 * gets `to` (as set by a person: `rule_id` NULL, `created_at` = `at`), then every `from` row goes. Returns how
 * many contacts carried `from`. Run it in a transaction.
 */
export async function mergeTagRows(
  db: DbOrTx,
  workspaceId: string,
  from: string,
  to: string,
  at: Date,
): Promise<number> {
  await sql`
    INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at)
    SELECT workspace_id, contact_id, ${to}, ${at}::timestamptz FROM contact_tags
    WHERE workspace_id = ${workspaceId} AND tag = ${from}
    ON CONFLICT (contact_id, tag) DO NOTHING`.execute(db);
  return deleteTagEverywhere(db, workspaceId, from);
}

/**
 * Resolves the workspace's declared conflicts that name a tag to keep, in one DELETE: on each contact carrying
 * both tags of such a pair, the other tag goes. Returns how many (contact, tag) rows were removed.
 */
export async function deleteConflictingTags(db: DbOrTx, workspaceId: string): Promise<number> {
  const r = await sql`
    DELETE FROM contact_tags t
    USING tag_conflicts k, contact_tags o
    WHERE k.workspace_id = ${workspaceId} AND k.keep IS NOT NULL
      AND t.workspace_id = ${workspaceId} AND o.workspace_id = ${workspaceId} AND o.contact_id = t.contact_id
      AND ((k.keep = 'a' AND o.tag = k.tag_a AND t.tag = k.tag_b)
        OR (k.keep = 'b' AND o.tag = k.tag_b AND t.tag = k.tag_a))`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
