/**
 * SQL of tag rules: the `tag_rules` table (written only here), every query scoped by workspace. The tags a rule
 * keeps are `contact_tags` rows, written by the contacts module (`applyTagRule`, `deleteTagsOfRule`).
 */
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type { DbOrTx, TagRuleRow } from '../../db/types.ts';

export function listTagRuleRows(db: DbOrTx, workspaceId: string): Promise<TagRuleRow[]> {
  return db
    .selectFrom('tag_rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('tag')
    .limit(1000)
    .execute();
}

/** A rule of the workspace; `lock` takes its row lock, so runs of one rule happen one after the other. */
export function findTagRuleRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<TagRuleRow | undefined> {
  let q = db.selectFrom('tag_rules').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Every enabled rule of every workspace (what a scheduled tick runs). */
export function listEnabledTagRules(db: DbOrTx): Promise<Array<{ id: string; workspaceId: string }>> {
  return db
    .selectFrom('tag_rules')
    .select(['id', 'workspace_id as workspaceId'])
    .where('enabled', '=', true)
    .orderBy('id')
    .execute();
}

export function insertTagRuleRow(
  db: DbOrTx,
  row: {
    id: string;
    workspaceId: string;
    tag: string;
    condition: ConditionNode;
    conditionText: string | null;
    enabled: boolean;
    createdBy: string | null;
    at: Date;
  },
): Promise<TagRuleRow> {
  return db
    .insertInto('tag_rules')
    .values({
      id: row.id,
      workspace_id: row.workspaceId,
      tag: row.tag,
      condition: JSON.stringify(row.condition),
      condition_text: row.conditionText,
      enabled: row.enabled,
      created_by: row.createdBy,
      created_at: row.at,
      updated_at: row.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateTagRuleRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  change: {
    tag?: string;
    condition?: ConditionNode;
    conditionText?: string | null;
    enabled?: boolean;
    at: Date;
  },
): Promise<TagRuleRow | undefined> {
  return db
    .updateTable('tag_rules')
    .set({
      ...(change.tag !== undefined ? { tag: change.tag } : {}),
      ...(change.condition !== undefined
        ? { condition: JSON.stringify(change.condition), condition_text: change.conditionText ?? null }
        : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      updated_at: change.at,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Stores what a run did on the rule's row. */
export async function recordTagRuleRun(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  run: { at: Date; added: number; removed: number; durationMs: number },
): Promise<TagRuleRow> {
  return db
    .updateTable('tag_rules')
    .set({
      last_run_at: run.at,
      last_run_added: run.added,
      last_run_removed: run.removed,
      last_run_ms: run.durationMs,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteTagRuleRow(db: DbOrTx, workspaceId: string, id: string): Promise<number> {
  const r = await db
    .deleteFrom('tag_rules')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
