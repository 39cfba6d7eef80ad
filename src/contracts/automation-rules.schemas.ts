/**
 * Keyword auto-reply rules as data (zod): what an admin saves, what the evaluator is asked, what it answers.
 * The rule shape is what later phases store per workspace; compile (rule-compile.rules.ts) turns it into a
 * matcher once per rule-set version.
 */
import { z } from 'zod';

/** How a trigger's keywords are compared with a message (see keyword-match.rules.ts for the exact meaning). */
export const MatchModeSchema = z.enum(['exact', 'contains', 'fuzzy', 'regex']);
/** A match mode. */
export type MatchMode = z.infer<typeof MatchModeSchema>;

/** A group of keywords and synonyms that share a match mode (返品 / 返金 / お金を返して / refund). */
export const TriggerSchema = z.object({
  mode: MatchModeSchema,
  keywords: z.array(z.string()).max(100),
});
/** A trigger as saved. */
export type Trigger = z.infer<typeof TriggerSchema>;

/** Where a rule applies: which of the workspace's numbers, and inside or outside business hours. */
export const RuleScopeSchema = z.object({
  /** Cloud API phone number ids; empty or absent means every number of the workspace. */
  phoneNumberIds: z.array(z.string().min(1)).optional(),
  businessHours: z.enum(['any', 'open', 'closed']).default('any'),
});
/** A rule's scope. */
export type RuleScope = z.infer<typeof RuleScopeSchema>;

/**
 * One keyword auto-reply rule. Responses are unvalidated here on purpose: compile checks them against the Cloud
 * API send schemas and reports `invalid_response` with the offending path instead of failing a whole parse.
 */
export const RuleSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  enabled: z.boolean().default(true),
  /** Higher wins; equal priorities are decided by match score, then by order in the rule set. */
  priority: z.number().int().default(0),
  triggers: z.array(TriggerSchema).max(20),
  /** Phrases that veto the rule when present (返品しない, no refund needed); matched like `contains`. */
  exclude: z.array(z.string()).max(100).default([]),
  /** Built-in guard against declined intent right next to the keyword (返品は不要, don't need a refund). */
  negationGuard: z.boolean().default(true),
  scope: RuleScopeSchema.default({ businessHours: 'any' }),
  /** Optional condition over the contact (condition language, e.g. `tag:vip and not event.any within 30d`). */
  condition: z.string().optional(),
  response: z.unknown(),
  /** Layered answer: sent instead of `response` when the same rule fires again within the layer window. */
  detailedResponse: z.unknown().optional(),
});
/** A rule as saved (input of compile). */
export type RuleInput = z.input<typeof RuleSchema>;
/** A rule after defaults. */
export type Rule = z.infer<typeof RuleSchema>;

/** A workspace's rule set at one version. */
export const RuleSetSchema = z.object({
  version: z.string().default('0'),
  rules: z.array(RuleSchema).max(5000),
});
/** A rule set as saved. */
export type RuleSetInput = z.input<typeof RuleSetSchema>;

/** Stable codes of compile errors, shown to the admin next to the field. */
export const CompileErrorCodeSchema = z.enum([
  'invalid_rule',
  'empty_trigger',
  'invalid_regex',
  'invalid_response',
  'invalid_condition',
  'duplicate_rule_id',
]);
/** A compile error code. */
export type CompileErrorCode = z.infer<typeof CompileErrorCodeSchema>;

/** One reason a rule set cannot be saved; `path` points into the rule set (e.g. `rules.2.triggers.0`). */
export interface CompileError {
  code: CompileErrorCode;
  message: string;
  ruleId: string | null;
  path: string;
}

/** An automatic reply already sent in this conversation (drives the loop guard and layered answers). */
export const AutomationHistoryEntrySchema = z.object({
  ruleId: z.string(),
  at: z.date(),
  layer: z.enum(['short', 'detailed']).default('short'),
});
/** An automatic reply already sent. */
export type AutomationHistoryEntry = z.input<typeof AutomationHistoryEntrySchema>;

/** A contact's event (order_placed, clicked_link, …) for conditions. */
export const ContactEventSchema = z.object({ name: z.string(), at: z.date() });
/** A contact's event. */
export type ContactEvent = z.infer<typeof ContactEventSchema>;

/** What conditions see of a contact. */
export const ContactContextSchema = z.object({
  attributes: z.record(z.string(), z.unknown()).default({}),
  tags: z.array(z.string()).default([]),
  events: z.array(ContactEventSchema).default([]),
});
/** What conditions see of a contact. */
export type ContactContext = z.input<typeof ContactContextSchema>;
