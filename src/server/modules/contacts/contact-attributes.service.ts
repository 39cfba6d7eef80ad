import type { z } from 'zod';
import type {
  AttributeDefinitionDto,
  AttributeDefinitionInputSchema,
  AttributeDefinitionUpdateSchema,
} from '../../../contracts/contact-attributes.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { AttributeDefinitionRow, Db, DbOrTx } from '../../db/types.ts';
import { AppError, duplicateAsConflict, notFound } from '../../lib/app-error.ts';
import { attributeProblems, type AttributeDef } from './contact-attributes.rules.ts';
import {
  deleteAttributeDefinition,
  findAttributeDefinition,
  findAttributeDefinitions,
  insertAttributeDefinition,
  updateAttributeDefinition,
} from './contact-attributes.repository.ts';

/** What the attribute definition service uses. */
export interface ContactAttributesDeps {
  db: Db;
  clock: Clock;
}

function toDto(row: AttributeDefinitionRow): AttributeDefinitionDto {
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    type: row.type,
    choices: row.choices,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A workspace's attribute definitions by key, as the rules take them. */
export async function attributeSchemaOf(db: DbOrTx, workspaceId: string): Promise<Map<string, AttributeDef>> {
  const rows = await findAttributeDefinitions(db, workspaceId);
  return new Map(rows.map((r) => [r.key, { key: r.key, type: r.type, choices: r.choices }]));
}

/**
 * Throws 400 `attribute_invalid` (details: `key`, `message`, and every problem in `problems`) when an attribute
 * write does not fit the workspace's definitions (see `attributeProblems` for the rule).
 */
export async function assertAttributesValid(
  db: DbOrTx,
  workspaceId: string,
  attributes: Record<string, unknown> | undefined,
): Promise<void> {
  if (!attributes || Object.keys(attributes).length === 0) return;
  const problems = attributeProblems(await attributeSchemaOf(db, workspaceId), attributes);
  const first = problems[0];
  if (first) {
    throw new AppError('attribute_invalid', `Attribute "${first.key}": ${first.message}`, {
      key: first.key,
      problems,
    });
  }
}

export async function listAttributeDefinitions(
  deps: ContactAttributesDeps,
  workspaceId: string,
): Promise<{ data: AttributeDefinitionDto[] }> {
  return { data: (await findAttributeDefinitions(deps.db, workspaceId)).map(toDto) };
}

/** Defines an attribute; a key defined already is a `conflict`. */
export async function createAttributeDefinition(
  deps: ContactAttributesDeps,
  workspaceId: string,
  input: z.infer<typeof AttributeDefinitionInputSchema>,
): Promise<AttributeDefinitionDto> {
  const now = deps.clock.now();
  const row = await duplicateAsConflict(
    insertAttributeDefinition(deps.db, {
      id: newId(),
      workspace_id: workspaceId,
      key: input.key,
      label: input.label,
      type: input.type,
      choices: JSON.stringify(input.type === 'choice' ? (input.choices ?? []) : []),
      created_at: now,
      updated_at: now,
    }),
    `An attribute with key "${input.key}" is defined already`,
  );
  return toDto(row);
}

/** Renames an attribute or changes a choice attribute's choices (values stored already are not rewritten). */
export async function updateAttributeDefinitionById(
  deps: ContactAttributesDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof AttributeDefinitionUpdateSchema>,
): Promise<AttributeDefinitionDto> {
  const current = await findAttributeDefinition(deps.db, workspaceId, id);
  if (!current) throw notFound('Attribute');
  if (input.choices !== undefined && current.type !== 'choice') {
    throw new AppError('validation_failed', 'Only a choice attribute has choices', {
      issues: [{ path: '/choices', message: 'only for type choice' }],
    });
  }
  if (input.choices !== undefined && input.choices.length === 0) {
    throw new AppError('validation_failed', 'A choice attribute needs at least one choice', {
      issues: [{ path: '/choices', message: 'at least one choice' }],
    });
  }
  const row = await updateAttributeDefinition(deps.db, workspaceId, id, {
    ...(input.label !== undefined ? { label: input.label } : {}),
    ...(input.choices !== undefined ? { choices: JSON.stringify(input.choices) } : {}),
    updated_at: deps.clock.now(),
  });
  if (!row) throw notFound('Attribute');
  return toDto(row);
}

export async function deleteAttributeDefinitionById(
  deps: ContactAttributesDeps,
  workspaceId: string,
  id: string,
): Promise<void> {
  if ((await deleteAttributeDefinition(deps.db, workspaceId, id)) === 0) throw notFound('Attribute');
}
