/**
 * Tag hygiene: the report (tags unused for 6 months that nothing references, contacts with more than 15 tags,
 * declared conflicting pairs found together) and its set-based actions — delete a tag everywhere, merge one tag
 * into another, resolve conflicts by each pair's `keep`. Every action is one transaction with its audit entry.
 *
 * A tag a rule keeps can be neither deleted nor merged away (409 `conflict`): the rule's next run would put it
 * back. Resolving a conflict removes the other tag even where a rule set it; the rule puts it back on its next run
 * if the contact still matches — the rule's condition is the place to fix that (e.g. `and not contact.tags has b`).
 */
import type { z } from 'zod';
import {
  OVER_TAGGED_LIMIT,
  type TagConflictListInputSchema,
  type TagHygieneDto,
} from '../../../contracts/tag-hygiene.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import {
  deleteConflictingTags,
  deleteTagEverywhere,
  mergeTagRows,
} from '../contacts/contact-tags.repository.ts';
import {
  deleteConflictsOfTag,
  findConflictCounts,
  findOverTagged,
  findUnusedTags,
  listConflictRows,
  replaceConflictRows,
  tagHasRule,
} from './tag-hygiene.repository.ts';
import { normalizeConflicts, unusedBefore, type StoredConflict } from './tag-hygiene.rules.ts';

/** What the tag hygiene functions use. */
export interface TagHygieneDeps {
  db: Db;
  clock: Clock;
}

/** The hygiene report of a workspace, as of now. */
export async function tagHygieneReport(deps: TagHygieneDeps, workspaceId: string): Promise<TagHygieneDto> {
  const [unused, overTagged, conflicts] = await Promise.all([
    findUnusedTags(deps.db, workspaceId, unusedBefore(deps.clock.now())),
    findOverTagged(deps.db, workspaceId, OVER_TAGGED_LIMIT),
    findConflictCounts(deps.db, workspaceId),
  ]);
  return {
    unused: unused.map((u) => ({ tag: u.tag, contacts: u.contacts, lastUsedAt: u.lastUsedAt.toISOString() })),
    overTagged,
    conflicts: conflicts.map((c) => ({ tags: [c.a, c.b], keep: c.keep, contacts: c.contacts })),
  };
}

export async function listTagConflicts(
  deps: TagHygieneDeps,
  workspaceId: string,
): Promise<{ data: StoredConflict[] }> {
  return { data: await listConflictRows(deps.db, workspaceId) };
}

/** Replaces the workspace's declared conflicting pairs; answers them as stored. */
export async function setTagConflicts(
  deps: TagHygieneDeps,
  workspaceId: string,
  actor: AuditActor,
  input: z.infer<typeof TagConflictListInputSchema>,
): Promise<{ data: StoredConflict[] }> {
  const pairs = normalizeConflicts(input);
  await deps.db.transaction().execute(async (tx) => {
    await replaceConflictRows(tx, workspaceId, pairs, deps.clock.now());
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'tag.conflicts_changed',
      data: { pairs: pairs.length },
    });
  });
  return { data: pairs };
}

/** On each contact carrying both tags of a pair with `keep`, removes the other tag. */
export async function resolveTagConflicts(
  deps: TagHygieneDeps,
  workspaceId: string,
  actor: AuditActor,
): Promise<{ removed: number }> {
  const removed = await deps.db.transaction().execute(async (tx) => {
    const n = await deleteConflictingTags(tx, workspaceId);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'tag.conflicts_resolved',
      data: { removed: n },
    });
    return n;
  });
  return { removed };
}

function refuseRuleTag(tag: string): AppError {
  return new AppError('conflict', `A tag rule keeps the tag "${tag}": change or delete the rule first`);
}

/** Removes `tag` from every contact of the workspace (and the conflict pairs naming it). */
export async function deleteTag(
  deps: TagHygieneDeps,
  workspaceId: string,
  actor: AuditActor,
  tag: string,
): Promise<{ contacts: number }> {
  return deps.db.transaction().execute(async (tx) => {
    if (await tagHasRule(tx, workspaceId, tag)) throw refuseRuleTag(tag);
    const contacts = await deleteTagEverywhere(tx, workspaceId, tag);
    await deleteConflictsOfTag(tx, workspaceId, tag);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'tag.deleted',
      target: { type: 'tag', id: tag },
      data: { contacts },
    });
    return { contacts };
  });
}

/** Every contact carrying `from` carries `to` instead; `from` is gone (and the conflict pairs naming it). */
export async function mergeTags(
  deps: TagHygieneDeps,
  workspaceId: string,
  actor: AuditActor,
  input: { from: string; to: string },
): Promise<{ contacts: number }> {
  return deps.db.transaction().execute(async (tx) => {
    if (await tagHasRule(tx, workspaceId, input.from)) throw refuseRuleTag(input.from);
    const contacts = await mergeTagRows(tx, workspaceId, input.from, input.to, deps.clock.now());
    await deleteConflictsOfTag(tx, workspaceId, input.from);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'tag.merged',
      target: { type: 'tag', id: input.to },
      data: { from: input.from, to: input.to, contacts },
    });
    return { contacts };
  });
}
