/**
 * REST DTOs of lifecycle reminders (`/api/v1/reminders`): a template sent to a contact `delayHours` after a trigger
 * — the latest contact event of a name (e.g. `order_placed`), or a campaign message the contact read without
 * replying since — when an optional condition holds, within sending hours in the contact's time zone, and never as
 * marketing to an opted-out contact. Each trigger yields at most one reminder per contact.
 */
import { z } from 'zod';
import { CampaignTemplateSchema, QuietHoursSchema, trackedButtons } from './campaign.schemas.ts';
import { ConditionNodeSchema } from './condition.schemas.ts';
import { SegmentConditionInputSchema } from './segments.schemas.ts';

/** At most 90 days after the trigger. */
const DelayHoursSchema = z
  .number()
  .int()
  .min(1)
  .max(90 * 24)
  .describe('Hours after the trigger the reminder is due');

/** What starts a reminder's clock for a contact. */
export const ReminderTriggerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('event'),
    /** A contact event name (`POST /api/v1/contacts/{id}/events`); the clock runs from the LATEST such event. */
    event: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _'),
    delayHours: DelayHoursSchema,
  }),
  z.object({
    /** A campaign message read by the contact, who sent no message since. */
    kind: z.literal('campaign_read_no_reply'),
    delayHours: DelayHoursSchema,
  }),
]);
export type ReminderTrigger = z.infer<typeof ReminderTriggerSchema>;

/**
 * The template of a reminder as stored: a campaign template without tracked links (reminders carry no short links).
 * Text header variables, URL suffixes and quick-reply payloads are filled as in campaigns.
 */
export const ReminderTemplateSchema = CampaignTemplateSchema.refine(
  (t) => trackedButtons(t).length === 0 && t.variables.every((v) => v.source.kind !== 'link'),
  'tracked links (link variables, tracked buttons) are not available in reminders',
);
/**
 * The template of a reminder as given: also, header media is a link (an uploaded file is resolved per sending number
 * only by campaign releases). Reminders saved before this rule still read with {@link ReminderTemplateSchema}.
 */
export const ReminderTemplateInputSchema = ReminderTemplateSchema.refine(
  (t) => !(t.header && 'mediaId' in t.header && t.header.mediaId !== undefined),
  'header media in reminders is a link (template.header.link), not an uploaded mediaId',
);

/** Why a due reminder was not sent to a contact. */
export const REMINDER_SKIP_REASONS = ['opted_out', 'unreachable', 'replied', 'no_phone_number'] as const;
export type ReminderSkipReason = (typeof REMINDER_SKIP_REASONS)[number];

/** `POST /api/v1/reminders`. */
export const ReminderInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  trigger: ReminderTriggerSchema,
  /** Only contacts the condition selects when the reminder is due (condition language, text or tree). */
  condition: SegmentConditionInputSchema.nullable().default(null),
  phoneNumberId: z.uuid().describe('The number that sends the reminder'),
  template: ReminderTemplateInputSchema,
  /** Sending hours in the contact's time zone: a reminder due outside them waits for the next start. */
  quietHours: QuietHoursSchema.default({ start: '08:00', end: '22:00' }),
});
/** `PATCH /api/v1/reminders/{id}`: any of the fields. */
export const ReminderUpdateSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().optional(),
  trigger: ReminderTriggerSchema.optional(),
  condition: SegmentConditionInputSchema.nullable().optional(),
  phoneNumberId: z.uuid().optional(),
  template: ReminderTemplateInputSchema.optional(),
  quietHours: QuietHoursSchema.optional(),
});

/** Counts of one run, or of all runs. */
export const ReminderCountsSchema = z.object({
  /** Reminders queued as messages. */
  sent: z.number().int(),
  /** Due reminders not sent, by reason. */
  skipped: z.record(z.string(), z.number().int()),
  /** Due reminders carried past quiet hours (they go at the next allowed local time). */
  deferred: z.number().int(),
});

/** A reminder. */
export const ReminderSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  trigger: ReminderTriggerSchema,
  condition: ConditionNodeSchema.nullable(),
  /** The condition as typed, or null when it was given as a tree (or there is none). */
  conditionText: z.string().nullable(),
  phoneNumberId: z.string(),
  template: CampaignTemplateSchema,
  quietHours: QuietHoursSchema,
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The last run (null until it ran once), with its counts. */
  lastRun: ReminderCountsSchema.extend({ at: z.string() }).nullable(),
  /** Counts over every run. */
  totals: ReminderCountsSchema.omit({ deferred: true }),
});
export type ReminderDto = z.infer<typeof ReminderSchema>;
export const ReminderListSchema = z.object({ data: z.array(ReminderSchema) });
