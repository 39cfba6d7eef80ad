/**
 * REST DTOs of segments: a named condition over a workspace's contacts. A condition is given as text in the
 * condition language (`contact.country = "JP" and inbound.count >= 1 within 30d`) or as its tree; the tree is
 * what is stored and run, the text is kept for people when it was given.
 */
import { z } from 'zod';
import { ContactSchema } from './api.schemas.ts';
import { ConditionNodeSchema } from './condition.schemas.ts';

/** A condition as text (parsed by the server: a syntax error is `invalid_condition`) or as a tree. */
export const SegmentConditionInputSchema = z.union([
  z.string().trim().min(1).max(2000).describe('Condition language text, e.g. contact.tags has vip'),
  ConditionNodeSchema,
]);

/** `POST /api/v1/segments/preview`. */
export const SegmentPreviewInputSchema = z.object({ condition: SegmentConditionInputSchema });
/** How many contacts match, and the first 20 (newest first). */
export const SegmentPreviewSchema = z.object({
  count: z.number().int(),
  sample: z.array(ContactSchema),
});

/** `POST /api/v1/segments`. */
export const SegmentInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  condition: SegmentConditionInputSchema,
});
/** `PATCH /api/v1/segments/{id}`: any of the fields. */
export const SegmentUpdateSchema = SegmentInputSchema.partial();

/** A segment. */
export const SegmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  condition: ConditionNodeSchema,
  /** The condition as typed, or null when it was given as a tree. */
  conditionText: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A segment. */
export type SegmentDto = z.infer<typeof SegmentSchema>;
export const SegmentListSchema = z.object({ data: z.array(SegmentSchema) });
