/**
 * REST DTOs of tag rules: a rule keeps one tag on exactly the contacts its condition selects (the condition
 * language of segments, as text or tree). Runs add the tag where the condition now holds and remove it where it no
 * longer does — only where the rule itself added it.
 */
import { z } from 'zod';
import { TagNameSchema } from './api.schemas.ts';
import { ConditionNodeSchema } from './condition.schemas.ts';
import { SegmentConditionInputSchema } from './segments.schemas.ts';

/** `POST /api/v1/tag-rules`. */
export const TagRuleInputSchema = z.object({
  tag: TagNameSchema.describe('The tag the rule keeps; one rule per tag in a workspace'),
  condition: SegmentConditionInputSchema,
  enabled: z
    .boolean()
    .default(true)
    .describe('A disabled rule is not run; the tags it added stay as they are'),
});
/** `PATCH /api/v1/tag-rules/{id}`: any of the fields. */
export const TagRuleUpdateSchema = z.object({
  tag: TagNameSchema.optional(),
  condition: SegmentConditionInputSchema.optional(),
  enabled: z.boolean().optional(),
});

/** What the last run of a rule did. */
export const TagRuleRunSchema = z.object({
  at: z.string(),
  /** Contacts the run gave the tag. */
  added: z.number().int(),
  /** Contacts the run took the tag from (they had it from this rule and no longer match). */
  removed: z.number().int(),
  /** Wall time of the run, in milliseconds. */
  durationMs: z.number().int(),
});

/** A tag rule. */
export const TagRuleSchema = z.object({
  id: z.string(),
  tag: z.string(),
  condition: ConditionNodeSchema,
  /** The condition as typed, or null when it was given as a tree. */
  conditionText: z.string().nullable(),
  enabled: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Null until the rule has run once. */
  lastRun: TagRuleRunSchema.nullable(),
});
/** A tag rule. */
export type TagRuleDto = z.infer<typeof TagRuleSchema>;
export const TagRuleListSchema = z.object({ data: z.array(TagRuleSchema) });
