import { z } from 'zod';

/**
 * Responses of the automation API (`/api/v1/automation/…`) that the console reads. The automation document
 * itself is validated by the server's `automation-config.schemas.ts`.
 */

const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);

/**
 * Why automation decided what it did, as a code and its parameters, so the console can say it in the reader's
 * language (locale key `automationReason.<code>`). Stored on the conversation's automation lines
 * (`data.reason`); lines written before reasons were structured carry only an English `body`.
 */
export const AUTOMATION_REASON_CODES = [
  'paused',
  'handoff_phrase',
  'handoff_option',
  'menu_option',
  'keyword',
  'follow_up',
  'not_menu_answer',
  'no_rule',
  'outside_hours',
  'first_message',
  'long_silence',
  'loop_repeat',
  'loop_volume',
  'routing_rule',
  'negative_streak',
  'unread_reassigned',
  'unread_no_agent',
  'resumed',
  'none',
] as const;
export const AutomationReasonSchema = z.object({
  code: z.enum(AUTOMATION_REASON_CODES),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});
export type AutomationReason = z.infer<typeof AutomationReasonSchema>;

/** `GET /api/v1/automation/insight`. */
export const AutomationInsightSchema = z.object({
  from: z.string(),
  to: z.string(),
  decisions: z.record(z.string(), z.number()),
  topRules: z.array(z.object({ ruleId: z.string(), count: z.number() })),
  topKeywords: z.array(z.object({ keyword: z.string(), count: z.number() })),
  unmatched: z.array(
    z.object({ normalized: z.string(), sample: z.string(), count: z.number(), lastSeenAt: z.string() }),
  ),
  conversations: z.object({
    withAutomation: z.number(),
    handledByAutomation: z.number(),
    share: z.number().nullable(),
  }),
});
export type AutomationInsight = z.infer<typeof AutomationInsightSchema>;

/** One reply a dry run would send, as the customer would get it. */
export const PlannedReplySchema = z.object({
  kind: z.enum(['rule', 'welcome', 'away', 'menu', 'handoff', 'fallback']),
  ruleId: z.string().nullable(),
  layer: z.enum(['short', 'detailed']).nullable(),
  content: z.record(z.string(), z.unknown()).nullable(),
  text: z.object({ key: z.enum(['handoff', 'fallback']), language: z.enum(['ja', 'en']) }).optional(),
});
export type PlannedReplyDto = z.infer<typeof PlannedReplySchema>;

/** `POST /api/v1/automation/dry-run`: what would happen, and why. */
export const DryRunResultSchema = z.object({
  at: z.string(),
  inBusinessHours: z.boolean(),
  configVersion: z.number().nullable(),
  plan: z.object({
    decision: z.enum([
      'reply',
      'menu',
      'handoff',
      'suppressed',
      'paused',
      'welcome',
      'away',
      'fallback',
      'none',
    ]),
    /** The reason in English (logs, API clients that show text). */
    reason: z.string(),
    /** The reason as a code and parameters, for the console to word in the reader's language. */
    reasonDetail: AutomationReasonSchema,
    /** The language the replies were chosen in (the customer's message, else the contact's, else the default). */
    language: z.enum(['ja', 'en']),
    match: z
      .object({
        ruleId: z.string(),
        keyword: z.string(),
        mode: z.enum(['exact', 'contains', 'fuzzy', 'regex']),
        channel: z.string(),
        distance: z.number(),
        score: z.number(),
      })
      .nullable(),
    replies: z.array(PlannedReplySchema),
    pause: z.enum(['handoff', 'loop_guard']).nullable(),
    menu: z.object({ menuId: z.string() }).nullable().optional(),
    routing: z
      .object({
        ruleId: z.string(),
        teamId: z.string().optional(),
        assigneeId: z.string().optional(),
        priority: PrioritySchema.optional(),
      })
      .nullable(),
    priority: PrioritySchema.nullable(),
    escalated: z.boolean(),
    unmatched: z.string().nullable(),
    needsPerson: z.boolean(),
    sentiment: z.enum(['negative', 'neutral', 'positive']),
  }),
});
export type DryRunResultDto = z.infer<typeof DryRunResultSchema>;
