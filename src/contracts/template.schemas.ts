/**
 * REST DTOs of message templates (`/api/v1/templates`). A template's components are written in Meta's own
 * creation shape (reference §5.3: `HEADER`, `BODY`, `FOOTER`, `BUTTONS` with their `example`s), so what the
 * console edits is what the Graph API receives. The schemas check structure only, with generous bounds; Meta's
 * rules (lengths, variables, button limits, category shapes) are the linter's (`template-lint.rules.ts`), so a
 * draft that breaks them still parses and gets findings that say what to fix.
 */
import { z } from 'zod';

/** Template categories (reference §5.2). */
export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export const TemplateCategorySchema = z.enum(TEMPLATE_CATEGORIES);
export type TemplateCategory = z.infer<typeof TemplateCategorySchema>;

/** Header formats (reference §5.3). */
export const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'GIF', 'LOCATION'] as const;

/** Button types the linter knows; others (FLOW, MPM, CATALOG, SPM) pass through unchecked beyond counts. */
export const BUTTON_TYPES = [
  'QUICK_REPLY',
  'URL',
  'PHONE_NUMBER',
  'COPY_CODE',
  'OTP',
  'FLOW',
  'MPM',
  'CATALOG',
  'SPM',
  'VOICE_CALL',
] as const;

const text = z.string().max(4096);
const NamedExampleSchema = z.object({ param_name: z.string().max(100), example: z.string().max(1024) });

export const TemplateButtonSchema = z.looseObject({
  type: z.enum(BUTTON_TYPES),
  text: text.optional(),
  url: text.optional(),
  phone_number: z.string().max(100).optional(),
  /** URL: `["suffix"]`; COPY_CODE: `"CODE"` (Meta takes a string there). */
  example: z.union([z.string().max(2000), z.array(z.string().max(2000)).max(5)]).optional(),
  otp_type: z.enum(['COPY_CODE', 'ONE_TAP', 'ZERO_TAP']).optional(),
  supported_apps: z
    .array(z.looseObject({ package_name: z.string().max(200), signature_hash: z.string().max(200) }))
    .max(5)
    .optional(),
});
export type TemplateButton = z.infer<typeof TemplateButtonSchema>;

export const TemplateHeaderSchema = z.looseObject({
  type: z.literal('HEADER'),
  format: z.enum(HEADER_FORMATS),
  text: text.optional(),
  example: z
    .looseObject({
      header_text: z.array(z.string().max(1024)).max(5).optional(),
      header_text_named_params: z.array(NamedExampleSchema).max(5).optional(),
      header_handle: z.array(z.string().max(2000)).max(5).optional(),
    })
    .optional(),
});
export const TemplateBodySchema = z.looseObject({
  type: z.literal('BODY'),
  text: text.optional(),
  example: z
    .looseObject({
      body_text: z
        .array(z.array(z.string().max(1024)).max(100))
        .max(5)
        .optional(),
      body_text_named_params: z.array(NamedExampleSchema).max(100).optional(),
    })
    .optional(),
  /** Authentication templates: add "For your security, do not share this code." */
  add_security_recommendation: z.boolean().optional(),
});
export const TemplateFooterSchema = z.looseObject({
  type: z.literal('FOOTER'),
  text: text.optional(),
  /** Authentication templates: "This code expires in N minutes." (1–90). */
  code_expiration_minutes: z.number().int().optional(),
});
export const TemplateButtonsSchema = z.looseObject({
  type: z.literal('BUTTONS'),
  buttons: z.array(TemplateButtonSchema).max(20),
});

export const TemplateComponentSchema = z.discriminatedUnion('type', [
  TemplateHeaderSchema,
  TemplateBodySchema,
  TemplateFooterSchema,
  TemplateButtonsSchema,
]);
export type TemplateComponent = z.infer<typeof TemplateComponentSchema>;

/** What the linter checks: a template as it would be submitted (names as Meta spells them in lower camel case). */
export const TemplateDraftSchema = z.object({
  name: z.string().max(1024),
  language: z.string().max(20).describe('e.g. ja, en_US'),
  category: TemplateCategorySchema,
  parameterFormat: z
    .enum(['POSITIONAL', 'NAMED'])
    .optional()
    .describe('POSITIONAL ({{1}}) by default, NAMED ({{first_name}})'),
  components: z.array(TemplateComponentSchema).max(10),
});
export type TemplateDraft = z.infer<typeof TemplateDraftSchema>;

/** One thing to fix: a stable code, where (a JSON pointer into the draft), and the numbers to word it with. */
export const LintFindingSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  path: z.string().describe('JSON pointer into the draft, e.g. /components/1/text'),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type LintFinding = z.infer<typeof LintFindingSchema>;

/** `POST /api/v1/templates/lint`. */
export const TemplateLintResultSchema = z.object({
  ok: z.boolean().describe('No error (warnings may remain)'),
  findings: z.array(LintFindingSchema),
});

/** Template statuses as Meta reports them (reference §3.7, §5.2). */
export const TemplateStatusSchema = z.string().describe('APPROVED, PENDING, REJECTED, PAUSED, DISABLED, …');

/** `POST /api/v1/templates`: a draft plus the WhatsApp Business Account (or a number on it). */
export const TemplateCreateSchema = TemplateDraftSchema.extend({
  wabaId: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
  phoneNumberId: z.uuid().optional().describe("Tsunagi's phone number id: its WhatsApp Business Account"),
  allowCategoryChange: z
    .boolean()
    .optional()
    .describe('Let Meta assign another category instead of rejecting (allow_category_change)'),
});

/** `PATCH /api/v1/templates/{id}`: Meta edits the components wholesale, or the category. */
export const TemplateEditSchema = z
  .object({
    components: z.array(TemplateComponentSchema).max(10).optional(),
    category: TemplateCategorySchema.optional(),
  })
  .refine((v) => v.components !== undefined || v.category !== undefined, 'components or category');

/** A template of the workspace, from the cache of the WABA's template list. */
export const TemplateSchema = z.object({
  id: z.string().nullable().describe("Meta's template id (null until the next sync for old cache rows)"),
  wabaId: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: TemplateStatusSchema,
  parameterFormat: z.string().nullable(),
  components: z.array(z.record(z.string(), z.unknown())),
  qualityScore: z.string().nullable().describe('GREEN, YELLOW, RED, UNKNOWN'),
  rejectedReason: z.string().nullable(),
  syncedAt: z.string(),
});
export type TemplateDto = z.infer<typeof TemplateSchema>;
export const TemplateListSchema = z.object({ data: z.array(TemplateSchema) });

export const TemplateListQuerySchema = z.object({
  wabaId: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
  phoneNumberId: z.uuid().optional().describe("Templates of this number's WhatsApp Business Account"),
  status: z.string().max(30).optional().describe('e.g. APPROVED'),
  category: z.string().max(30).optional(),
  language: z.string().max(20).optional(),
  name: z.string().max(512).optional().describe('Part of the name'),
});

/** Meta's template id in a path. */
export const TemplateIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,30}$/) });

/** `DELETE /api/v1/templates?wabaId=&name=`: every language of a name. */
export const TemplateDeleteQuerySchema = z.object({
  wabaId: z.string().regex(/^\d{1,30}$/),
  name: z.string().min(1).max(512),
});

/** `POST /api/v1/templates/sync`. */
export const TemplateSyncSchema = z.object({
  wabaId: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
});
export const TemplateSyncResultSchema = z.object({ synced: z.number().int(), wabas: z.number().int() });

/** What happened to a template, from a webhook or a sync. */
export const TemplateEventSchema = z.object({
  id: z.string(),
  wabaId: z.string(),
  templateId: z.string().nullable(),
  name: z.string(),
  language: z.string(),
  kind: z.enum(['status', 'quality', 'category', 'edited']),
  value: z.string().describe('The new status, quality score or category'),
  previous: z.string().nullable(),
  reason: z.string().nullable().describe('Rejection or pause reason, when given'),
  alert: z.boolean().describe('Needs attention (rejected, paused, disabled, quality down, recategorised)'),
  occurredAt: z.string(),
  acknowledgedAt: z.string().nullable(),
});
export type TemplateEventDto = z.infer<typeof TemplateEventSchema>;
export const TemplateEventListSchema = z.object({ data: z.array(TemplateEventSchema) });
export const TemplateEventIdParamsSchema = z.object({ id: z.uuid() });
