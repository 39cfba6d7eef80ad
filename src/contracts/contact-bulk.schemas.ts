import { z } from 'zod';
import { TagNameSchema } from './api.schemas.ts';

/** Most contact ids a bulk action or a selection export names (a console selection is at most this many). */
export const BULK_MAX_CONTACT_IDS = 1000;

const ContactIdsSchema = z.array(z.uuid()).min(1).max(BULK_MAX_CONTACT_IDS);

/**
 * The contacts a bulk action applies to: chosen ids (ids of another workspace, unknown or merged ones are not
 * matched), a saved segment as it stands when the action starts, or every contact not archived.
 */
export const BulkTargetSchema = z.union([
  z.strictObject({ contactIds: ContactIdsSchema }),
  z.strictObject({ segmentId: z.uuid().describe("A saved segment of the workspace (404 for another's)") }),
  z.strictObject({ all: z.literal(true).describe('Every contact of the workspace that is not archived') }),
]);
export type BulkTarget = z.infer<typeof BulkTargetSchema>;

/**
 * What a bulk action does to each contact. `set_attribute` is checked against the workspace's attribute schema
 * before anything changes (`400 attribute_invalid`, as for a single contact); `null` removes the key.
 * `opt_out` records a marketing opt-out in each contact's consent history (source `bulk`).
 */
export const BulkActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('add_tag'), tag: TagNameSchema }),
  z.strictObject({ type: z.literal('remove_tag'), tag: TagNameSchema }),
  z.strictObject({
    type: z.literal('set_attribute'),
    key: z.string().trim().min(1).max(200),
    value: z
      .union([z.string().max(10_000), z.number(), z.boolean(), z.null()])
      .describe('Text, number, boolean (date and choice attributes are text); null removes the key'),
  }),
  z.strictObject({ type: z.literal('opt_out'), purpose: z.literal('marketing') }),
]);
export type BulkAction = z.infer<typeof BulkActionSchema>;

/** `POST /api/v1/contacts/bulk`. */
export const BulkActionInputSchema = z.strictObject({ target: BulkTargetSchema, action: BulkActionSchema });

export const BulkActionCreatedSchema = z.object({ id: z.uuid() });

export const BulkActionStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type BulkActionStatus = z.infer<typeof BulkActionStatusSchema>;

/** Whether a bulk action with this status has ended (done, failed or cancelled): nothing more runs for it. */
export const bulkActionEnded = (status: BulkActionStatus): boolean =>
  status === 'done' || status === 'failed' || status === 'cancelled';

/** `GET /api/v1/contacts/bulk/{id}`: a bulk action's progress and outcome. */
export const ContactBulkActionSchema = z.object({
  id: z.uuid(),
  status: BulkActionStatusSchema,
  action: BulkActionSchema,
  target: z.object({
    type: z.enum(['contacts', 'segment', 'all']),
    segmentId: z.uuid().nullable(),
    requested: z.number().int().nullable().describe('How many ids were given (contacts only)'),
  }),
  total: z
    .number()
    .int()
    .nullable()
    .describe('The contacts it applies to, fixed when it starts (null while queued)'),
  processed: z.number().int(),
  changed: z
    .number()
    .int()
    .describe('Contacts it changed (those already in the wanted state are not counted)'),
  message: z.string().nullable().describe('Why it failed'),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ContactBulkActionDto = z.infer<typeof ContactBulkActionSchema>;

/** `POST /api/v1/contacts/export`: the CSV of chosen contacts, as `GET /contacts/export` writes it. */
export const ContactSelectionExportSchema = z.strictObject({
  contactIds: ContactIdsSchema,
  encoding: z
    .enum(['utf-8', 'shift_jis'])
    .default('utf-8')
    .describe('utf-8 (with a BOM, so Excel opens it) or shift_jis (Japanese Excel)'),
});
