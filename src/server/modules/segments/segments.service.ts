/**
 * Segments: named conditions over a workspace's contacts. A condition arrives as text (parsed here; a syntax
 * error is `invalid_condition` with the character position) or as a tree, is stored as the tree, and runs as
 * one SQL query compiled by `compileCondition` at the clock's `now`.
 */
import type { RawBuilder, SqlBool } from 'kysely';
import type { z } from 'zod';
import type { ContactDto } from '../../../contracts/api.schemas.ts';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type {
  SegmentConditionInputSchema,
  SegmentDto,
  SegmentInputSchema,
  SegmentUpdateSchema,
} from '../../../contracts/segments.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, SegmentRow } from '../../db/types.ts';
import { AppError, duplicateAsConflict, notFound } from '../../lib/app-error.ts';
import { parseCondition } from '../conditions/condition-parse.rules.ts';
import { compileCondition } from '../conditions/condition-sql.rules.ts';
import { findTagsOfContacts } from '../contacts/contact-tags.repository.ts';
import { toContactDto } from '../contacts/contacts.service.ts';
import { IdKeySchema, decodeCursor, toPage } from '../../lib/paging.rules.ts';
import {
  CONTACT_ALIAS,
  countMatchingContacts,
  deleteSegmentRow,
  findSegmentRow,
  insertSegmentRow,
  listSegmentRows,
  selectMatchingContacts,
  updateSegmentRow,
} from './segments.repository.ts';

/** What the segment functions use. */
export interface SegmentsDeps {
  db: Db;
  clock: Clock;
}

/** Contacts in a preview's sample. */
export const PREVIEW_SAMPLE_SIZE = 20;

type ConditionInput = z.infer<typeof SegmentConditionInputSchema>;

/** The tree of a condition given as text or tree, and the text when there was one. */
export function resolveCondition(input: ConditionInput): { tree: ConditionNode; text: string | null } {
  if (typeof input !== 'string') return { tree: input, text: null };
  const parsed = parseCondition(input);
  if (!parsed.ok) {
    throw new AppError('invalid_condition', `Invalid condition: ${parsed.error.message}`, {
      message: parsed.error.message,
      position: parsed.error.position,
    });
  }
  return { tree: parsed.ast, text: input };
}

function toDto(row: SegmentRow): SegmentDto {
  return {
    id: row.id,
    name: row.name,
    condition: row.condition,
    conditionText: row.condition_text,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function present(deps: SegmentsDeps, workspaceId: string, rows: { id: string }[]) {
  return findTagsOfContacts(
    deps.db,
    workspaceId,
    rows.map((r) => r.id),
  );
}

/** How many contacts a condition selects now, and the newest 20 of them. */
export async function previewSegment(
  deps: SegmentsDeps,
  workspaceId: string,
  input: ConditionInput,
): Promise<{ count: number; sample: ContactDto[] }> {
  const where = compileCondition(resolveCondition(input).tree, {
    now: deps.clock.now(),
    contactAlias: CONTACT_ALIAS,
  });
  // Both at once: on PostgreSQL they run on two pooled connections.
  const [count, rows] = await Promise.all([
    countMatchingContacts(deps.db, workspaceId, where),
    selectMatchingContacts(deps.db, { workspaceId, where, limit: PREVIEW_SAMPLE_SIZE }),
  ]);
  const tags = await present(deps, workspaceId, rows);
  return { count, sample: rows.map((r) => toContactDto(r, tags.get(r.id))) };
}

export async function listSegments(deps: SegmentsDeps, workspaceId: string): Promise<{ data: SegmentDto[] }> {
  return { data: (await listSegmentRows(deps.db, workspaceId)).map(toDto) };
}

export async function getSegment(deps: SegmentsDeps, workspaceId: string, id: string): Promise<SegmentDto> {
  const row = await findSegmentRow(deps.db, workspaceId, id);
  if (!row) throw notFound('Segment');
  return toDto(row);
}

export async function createSegment(
  deps: SegmentsDeps,
  workspaceId: string,
  createdBy: string | null,
  input: z.infer<typeof SegmentInputSchema>,
): Promise<SegmentDto> {
  const { tree, text } = resolveCondition(input.condition);
  const row = await duplicateAsConflict(
    insertSegmentRow(deps.db, {
      id: newId(),
      workspaceId,
      name: input.name,
      condition: tree,
      conditionText: text,
      createdBy,
      at: deps.clock.now(),
    }),
    `A segment named "${input.name}" exists already`,
  );
  return toDto(row);
}

export async function updateSegment(
  deps: SegmentsDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof SegmentUpdateSchema>,
): Promise<SegmentDto> {
  const condition = input.condition === undefined ? null : resolveCondition(input.condition);
  const row = await duplicateAsConflict(
    updateSegmentRow(deps.db, workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(condition ? { condition: condition.tree, conditionText: condition.text } : {}),
      at: deps.clock.now(),
    }),
    `A segment named "${input.name ?? ''}" exists already`,
  );
  if (!row) throw notFound('Segment');
  return toDto(row);
}

export async function deleteSegment(deps: SegmentsDeps, workspaceId: string, id: string): Promise<void> {
  if ((await deleteSegmentRow(deps.db, workspaceId, id)) === 0) throw notFound('Segment');
}

/** A page of a segment's contacts now, newest first, keyset-paged like the contacts list. */
export async function listSegmentContacts(
  deps: SegmentsDeps,
  workspaceId: string,
  id: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ data: ContactDto[]; nextCursor: string | null }> {
  const segment = await findSegmentRow(deps.db, workspaceId, id);
  if (!segment) throw notFound('Segment');
  const after = query.cursor ? decodeCursor(query.cursor, IdKeySchema) : null;
  const where = compileCondition(segment.condition, { now: deps.clock.now(), contactAlias: CONTACT_ALIAS });
  const rows = await selectMatchingContacts(deps.db, {
    workspaceId,
    where,
    limit: query.limit + 1,
    ...(after ? { beforeId: after.id } : {}),
  });
  const tags = await present(deps, workspaceId, rows);
  return toPage(
    rows,
    query.limit,
    (r) => toContactDto(r, tags.get(r.id)),
    (r) => [r.id],
  );
}

/**
 * The SQL test of a segment's membership now (or at `at`: relative times such as `within 7d` counted from it),
 * over a contacts row named `contactAlias` — for other modules that select a segment's contacts in their own
 * queries (exports, campaigns, bulk actions). 404 when the workspace has no such segment.
 */
export async function segmentMembership(
  deps: SegmentsDeps,
  workspaceId: string,
  id: string,
  contactAlias: string,
  at?: Date,
): Promise<RawBuilder<SqlBool>> {
  const segment = await findSegmentRow(deps.db, workspaceId, id);
  if (!segment) throw notFound('Segment');
  return compileCondition(segment.condition, { now: at ?? deps.clock.now(), contactAlias });
}
