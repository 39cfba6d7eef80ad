import { z } from 'zod';

/** The types a contact attribute can be defined with. */
export const AttributeTypeSchema = z.enum(['text', 'number', 'date', 'boolean', 'choice']);
export type AttributeTypeDto = z.infer<typeof AttributeTypeSchema>;

/**
 * An attribute key: what integrations and the CSV header (`attr.<key>`) name it by. Lower-case ASCII letters,
 * digits and `_`, starting with a letter, so it is the same in JSON, CSV headers and segment conditions.
 */
export const AttributeKeySchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _, starting with a letter');

const ChoicesSchema = z
  .array(z.string().trim().min(1).max(100))
  .max(200)
  .refine((c) => new Set(c).size === c.length, 'choices must be distinct');

export const AttributeDefinitionInputSchema = z
  .object({
    key: AttributeKeySchema,
    label: z.string().trim().min(1).max(100),
    type: AttributeTypeSchema,
    choices: ChoicesSchema.optional().describe(
      'The allowed values of a `choice` attribute (required for it)',
    ),
  })
  .refine((d) => d.type !== 'choice' || (d.choices?.length ?? 0) > 0, {
    message: 'a choice attribute needs at least one choice',
    path: ['choices'],
  });

/** A PATCH: the label and, for choice attributes, the choices (the key and type cannot change). */
export const AttributeDefinitionUpdateSchema = z.object({
  label: z.string().trim().min(1).max(100).optional(),
  choices: ChoicesSchema.optional(),
});

export const AttributeDefinitionSchema = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string(),
  type: AttributeTypeSchema,
  choices: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AttributeDefinitionDto = z.infer<typeof AttributeDefinitionSchema>;

export const AttributeDefinitionListSchema = z.object({ data: z.array(AttributeDefinitionSchema) });
