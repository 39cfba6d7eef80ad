/**
 * Tag rules: a workspace's rule `{tag, condition, enabled}` keeps its tag on exactly the contacts the condition
 * selects. A run is set-based SQL (`applyTagRule`: one DELETE of the rule's rows that no longer match, one
 * INSERT … SELECT of the matches), in one transaction holding the rule's row lock, so two runs of one rule never
 * interleave. Only tags the rule added are ever removed: a tag a person set stays.
 *
 * Runs happen on a schedule (`tag-rules.jobs.ts`, every 15 minutes), on demand (`runTagRule`), and — as a job
 * enqueued in the same transaction — when a rule is created, enabled, or its tag or condition changes.
 *
 * No domain event is published per tag added or removed: tag changes publish none anywhere today (a person's tag
 * change neither), and a run may touch a million rows. The run's counts are stored on the rule.
 */
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import type {
  TagRuleDto,
  TagRuleInputSchema,
  TagRuleUpdateSchema,
} from '../../../contracts/tag-rules.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx, TagRuleRow } from '../../db/types.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { AppError, duplicateAsConflict, notFound } from '../../lib/app-error.ts';
import { compileCondition } from '../conditions/condition-sql.rules.ts';
import { applyTagRule, deleteTagsOfRule } from '../contacts/contact-tags.repository.ts';
import { resolveCondition } from '../segments/segments.service.ts';
import {
  deleteTagRuleRow,
  findTagRuleRow,
  insertTagRuleRow,
  listTagRuleRows,
  recordTagRuleRun,
  updateTagRuleRow,
} from './tag-rules.repository.ts';

/** What the tag rule functions use. */
export interface TagRulesDeps {
  db: Db;
  clock: Clock;
}

/** Alias of the contacts row in the run's SQL (what `applyTagRule` expects). */
const CONTACT_ALIAS = 'c';

function toDto(row: TagRuleRow): TagRuleDto {
  return {
    id: row.id,
    tag: row.tag,
    condition: row.condition,
    conditionText: row.condition_text,
    enabled: row.enabled,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastRun: row.last_run_at
      ? {
          at: row.last_run_at.toISOString(),
          added: row.last_run_added ?? 0,
          removed: row.last_run_removed ?? 0,
          durationMs: row.last_run_ms ?? 0,
        }
      : null,
  };
}

/** Enqueues a run of the rule (no dedupe key: each change runs once more; a run is idempotent). */
function enqueueRun(tx: DbOrTx, clock: Clock, row: TagRuleRow): Promise<void> {
  return enqueueJob(tx, clock, 'tag_rules.run', { ruleId: row.id }, { workspaceId: row.workspace_id });
}

const duplicateTag = (tag: string) => `A rule for the tag "${tag}" exists already`;

export async function listTagRules(deps: TagRulesDeps, workspaceId: string): Promise<{ data: TagRuleDto[] }> {
  return { data: (await listTagRuleRows(deps.db, workspaceId)).map(toDto) };
}

export async function getTagRule(deps: TagRulesDeps, workspaceId: string, id: string): Promise<TagRuleDto> {
  const row = await findTagRuleRow(deps.db, workspaceId, id);
  if (!row) throw notFound('Tag rule');
  return toDto(row);
}

/** Creates a rule (400 `invalid_condition` for condition text that does not parse); an enabled one runs soon. */
export async function createTagRule(
  deps: TagRulesDeps,
  workspaceId: string,
  createdBy: string | null,
  input: z.infer<typeof TagRuleInputSchema>,
): Promise<TagRuleDto> {
  const { tree, text } = resolveCondition(input.condition);
  const row = await duplicateAsConflict(
    deps.db.transaction().execute(async (tx) => {
      const created = await insertTagRuleRow(tx, {
        id: newId(),
        workspaceId,
        tag: input.tag,
        condition: tree,
        conditionText: text,
        enabled: input.enabled,
        createdBy,
        at: deps.clock.now(),
      });
      if (created.enabled) await enqueueRun(tx, deps.clock, created);
      return created;
    }),
    duplicateTag(input.tag),
  );
  return toDto(row);
}

/** Changes a rule; a change of tag or condition, or enabling it, runs it soon (when enabled). */
export async function updateTagRule(
  deps: TagRulesDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof TagRuleUpdateSchema>,
): Promise<TagRuleDto> {
  const condition = input.condition === undefined ? null : resolveCondition(input.condition);
  const row = await duplicateAsConflict(
    deps.db.transaction().execute(async (tx) => {
      const before = await findTagRuleRow(tx, workspaceId, id, { lock: true });
      if (!before) throw notFound('Tag rule');
      const after = await updateTagRuleRow(tx, workspaceId, id, {
        ...(input.tag !== undefined ? { tag: input.tag } : {}),
        ...(condition ? { condition: condition.tree, conditionText: condition.text } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        at: deps.clock.now(),
      });
      if (!after) throw notFound('Tag rule');
      const changed =
        after.tag !== before.tag ||
        JSON.stringify(after.condition) !== JSON.stringify(before.condition) ||
        (after.enabled && !before.enabled);
      if (after.enabled && changed) await enqueueRun(tx, deps.clock, after);
      return after;
    }),
    duplicateTag(input.tag ?? ''),
  );
  return toDto(row);
}

/** Deletes a rule and the tags it added (tags people set stay). */
export async function deleteTagRule(deps: TagRulesDeps, workspaceId: string, id: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    if (!(await findTagRuleRow(tx, workspaceId, id, { lock: true }))) throw notFound('Tag rule');
    await deleteTagsOfRule(tx, workspaceId, id);
    await deleteTagRuleRow(tx, workspaceId, id);
  });
}

/** Runs a rule now and returns it with the run's counts; 409 `conflict` for a disabled rule. */
export async function runTagRule(deps: TagRulesDeps, workspaceId: string, id: string): Promise<TagRuleDto> {
  const row = await runLocked(deps, workspaceId, id);
  if (row === 'missing') throw notFound('Tag rule');
  if (row === 'disabled') throw new AppError('conflict', 'The rule is disabled: enable it to run it');
  return toDto(row);
}

/** The job's run: a rule deleted or disabled since the job was enqueued is skipped. */
export async function runTagRuleJob(deps: TagRulesDeps, workspaceId: string, id: string): Promise<void> {
  await runLocked(deps, workspaceId, id);
}

async function runLocked(
  deps: TagRulesDeps,
  workspaceId: string,
  id: string,
): Promise<TagRuleRow | 'missing' | 'disabled'> {
  return deps.db.transaction().execute(async (tx) => {
    const rule = await findTagRuleRow(tx, workspaceId, id, { lock: true });
    if (!rule) return 'missing';
    if (!rule.enabled) return 'disabled';
    const at = deps.clock.now();
    // Wall time of the SQL, for the rule's "took" figure: a duration, not an instant, so not the injected clock.
    const started = performance.now();
    const { added, removed } = await applyTagRule(tx, {
      workspaceId,
      ruleId: rule.id,
      tag: rule.tag,
      where: compileCondition(rule.condition, { now: at, contactAlias: CONTACT_ALIAS }),
      at,
    });
    const durationMs = Math.round(performance.now() - started);
    return recordTagRuleRun(tx, workspaceId, id, { at, added, removed, durationMs });
  });
}
