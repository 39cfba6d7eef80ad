import { z } from 'zod';
import { ContactSchema, MessageSchema } from './api.schemas.ts';

/** Encodings an import can be read in (`auto`: BOM, else UTF-8 when valid, else Shift_JIS). */
export const ImportEncodingSchema = z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'shift_jis']);

/** The fields a CSV column can fill: `phone`, `name`, `tags` (`;`-separated), `consent`, `attr.<key>`. */
export const ImportFieldSchema = z
  .string()
  .regex(
    /^(phone|name|tags|consent|attr\.[a-z][a-z0-9_]{0,63})$/,
    'phone, name, tags, consent or attr.<key>',
  );

export const ContactImportQuerySchema = z.object({
  onExisting: z
    .enum(['update', 'skip'])
    .default('update')
    .describe('What to do with a row whose phone is a contact already: update it (default) or skip the row'),
  encoding: ImportEncodingSchema.default('auto'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 country code such as JP')
    .optional()
    .describe('Country of phone numbers written without +country code (e.g. JP for 090-1234-5678)'),
  purpose: z
    .enum(['contacts', 'audience'])
    .default('contacts')
    .describe(
      'audience: also keep each valid row (its contact and every cell by header) so a campaign can use the ' +
        'import as its audience ({ "importId" }) and fill template variables from CSV columns',
    ),
  mapping: z
    .string()
    .max(10_000)
    .optional()
    .describe(
      'JSON object from CSV header to field, e.g. {"電話番号":"phone","氏名":"name","ランク":"attr.rank"}; ' +
        'without it, headers are read as field names',
    ),
});

export const ContactImportCreatedSchema = z.object({ id: z.string() });

export const ImportRowErrorSchema = z.object({
  row: z.number().describe('Row in the file as a spreadsheet numbers it (the header is row 1)'),
  column: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});

export const ContactImportSchema = z.object({
  id: z.string(),
  status: z.enum(['receiving', 'queued', 'running', 'done', 'failed']),
  encoding: z.string().nullable(),
  onExisting: z.enum(['update', 'skip']),
  purpose: z.enum(['contacts', 'audience']),
  rows: z.number().describe('Data rows read so far'),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  failed: z.number(),
  errors: z
    .array(ImportRowErrorSchema)
    .describe('The first 1,000 row errors (errors.csv has all stored ones)'),
  errorsStored: z
    .number()
    .describe('Row errors stored (at most 10,000 per import; `failed` counts them all)'),
  message: z.string().nullable().describe('Why the whole import failed, when it did'),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ContactImportDto = z.infer<typeof ContactImportSchema>;

export const ContactExportQuerySchema = z.object({
  format: z.enum(['csv']).default('csv'),
  encoding: z
    .enum(['utf-8', 'shift_jis'])
    .default('utf-8')
    .describe('utf-8 (with a BOM, so Excel opens it) or shift_jis (Japanese Excel)'),
  tag: z.string().min(1).max(50).optional().describe('Only contacts with this tag'),
  segmentId: z
    .uuid()
    .optional()
    .describe(
      "Only the contacts of this saved segment, as it stands now (404 for another workspace's segment)",
    ),
});

/** Everything Tsunagi holds about one contact (a data subject's access request). */
export const ContactPrivacyExportSchema = z.object({
  exportedAt: z.string(),
  contact: ContactSchema,
  notes: z.array(
    z.object({
      id: z.string(),
      authorUserId: z.string().nullable(),
      body: z.string(),
      createdAt: z.string(),
    }),
  ),
  events: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      occurredAt: z.string(),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
  conversations: z.array(
    z.object({
      id: z.string(),
      phoneNumberId: z.string(),
      status: z.string(),
      createdAt: z.string(),
      lastMessageAt: z.string().nullable(),
    }),
  ),
  messages: z.array(MessageSchema),
});
export type ContactPrivacyExportDto = z.infer<typeof ContactPrivacyExportSchema>;

export const ContactErasedSchema = z.object({
  erased: z.literal(true),
  conversations: z.number(),
  messages: z.number(),
});
