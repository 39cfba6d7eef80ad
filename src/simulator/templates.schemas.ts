import { z } from 'zod';
import { BUTTON_TYPES, HEADER_FORMATS, TEMPLATE_CATEGORIES } from '../contracts/template.schemas.ts';

/**
 * Message-template definitions as `POST /{waba}/message_templates` takes them (reference §5.1, §5.3), with
 * the creation limits of §1.12. Enum-like fields are matched case-insensitively, as Meta does.
 */

const upper = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(values));

export const TEMPLATE_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

const buttonSchema = z.looseObject({
  type: upper(BUTTON_TYPES),
  text: z.string().min(1).max(25).optional(),
  url: z.string().max(2000).optional(),
  phone_number: z.string().max(20).optional(),
  example: z.unknown().optional(),
});

const componentSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('HEADER'),
    format: upper(HEADER_FORMATS),
    text: z.string().min(1).max(60).optional(),
    example: z.unknown().optional(),
  }),
  z.looseObject({
    type: z.literal('BODY'),
    text: z.string().min(1).max(1024).optional(),
    example: z.unknown().optional(),
  }),
  z.looseObject({ type: z.literal('FOOTER'), text: z.string().min(1).max(60).optional() }),
  z.looseObject({ type: z.literal('BUTTONS'), buttons: z.array(buttonSchema).min(1).max(10) }),
]);
export type TemplateComponentDef = z.infer<typeof componentSchema>;

/** Body of a template creation (Graph API and control API share it). */
export const templateCreateSchema = z.looseObject({
  name: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[a-z0-9_]+$/, 'must contain only lowercase letters, digits and underscores'),
  language: z.string().min(2).max(16),
  category: upper(TEMPLATE_CATEGORIES),
  parameter_format: z
    .preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['POSITIONAL', 'NAMED']))
    .optional(),
  components: z
    .array(
      z.preprocess(
        (c) =>
          c !== null && typeof c === 'object' && 'type' in c && typeof c.type === 'string'
            ? { ...c, type: c.type.toUpperCase() }
            : c,
        componentSchema,
      ),
    )
    .min(1),
  /** Simulator extension: the review outcome (Graph creations default to the simulator's setting). */
  status: upper(TEMPLATE_STATUSES).optional(),
});
export type TemplateCreate = z.infer<typeof templateCreateSchema>;

/** Body of `POST /{template-id}` (an edit): the components wholesale and/or the category. */
export const templateEditSchema = z
  .looseObject({
    components: templateCreateSchema.shape.components.optional(),
    category: templateCreateSchema.shape.category.optional(),
  })
  .refine(
    (v) => v.components !== undefined || v.category !== undefined,
    'components or category is required',
  );

/** A stored template, in the shape `GET /{waba}/message_templates` returns. */
export interface TemplateDef {
  id: string;
  name: string;
  language: string;
  category: TemplateCreate['category'];
  status: TemplateStatus;
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: TemplateComponentDef[];
  /** Why review rejected it (REJECTED only). */
  rejectedReason?: string | undefined;
  /** GREEN, YELLOW, RED or UNKNOWN (new templates). */
  qualityScore?: string | undefined;
}

/** `{{1}}` or `{{first_name}}` placeholders in template text, in order of first appearance. */
export function placeholders(text: string | undefined): string[] {
  if (text === undefined) return [];
  const seen: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g)) {
    const name = m[1] as string;
    if (!seen.includes(name)) seen.push(name);
  }
  return seen;
}
