/**
 * A workspace's whole automation configuration as one versioned document (zod): business hours, welcome and
 * away messages, keyword rules, menus, routing rules, assignment and escalation. Saving validates and compiles
 * it (automation-config.service.ts); a document that would not work is refused with every error listed.
 */
import { z } from 'zod';
import { RuleSchema, TriggerSchema, RuleScopeSchema } from './automation-rules.schemas.ts';
import { BusinessHoursSchema } from './business-hours.schemas.ts';

const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);

/** Welcome: on a contact's first-ever message, or their first after `afterDays` of silence. */
export const WelcomeSchema = z.object({
  enabled: z.boolean().default(false),
  response: z.unknown().optional(),
  /** null: only the very first message; N: also the first message after N days without one. */
  afterDays: z.number().int().min(1).max(365).nullable().default(null),
});

/** Away: outside business hours, at most once per conversation per `everyHours`. */
export const AwaySchema = z.object({
  enabled: z.boolean().default(false),
  response: z.unknown().optional(),
  everyHours: z.number().int().min(1).max(168).default(12),
});

/** One option of a menu: answered by its number or title; leads to a reply, a submenu, or a person. */
export const MenuOptionSchema = z.object({
  id: z.string().min(1).max(64),
  title: z.string().min(1).max(24),
  description: z.string().max(72).optional(),
  response: z.unknown().optional(),
  submenuId: z.string().min(1).optional(),
  handoff: z.boolean().default(false),
});

/**
 * A menu: shown by a keyword rule (response `{"type":"menu","menuId":…}`) or as the welcome; sent as numbered
 * text, reply buttons (≤ 3 options) or a list (≤ 10).
 */
export const MenuSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(100).default(''),
  style: z.enum(['text', 'buttons', 'list']).default('text'),
  header: z.string().min(1).max(1024),
  /** The list's button label (style `list`). */
  buttonLabel: z.string().min(1).max(20).default('Menu'),
  options: z.array(MenuOptionSchema).min(1).max(10),
});

/** A routing rule: when a customer's message or contact matches, set team, assignee and/or priority. */
export const RoutingRuleSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(100).default(''),
  enabled: z.boolean().default(true),
  priority: z.number().int().default(0),
  triggers: z.array(TriggerSchema).max(20).default([]),
  exclude: z.array(z.string()).max(100).default([]),
  scope: RuleScopeSchema.default({ businessHours: 'any' }),
  condition: z.string().optional(),
  action: z
    .object({
      teamId: z.uuid().optional(),
      assigneeId: z.uuid().optional(),
      priority: PrioritySchema.optional(),
    })
    .refine((a) => a.teamId || a.assigneeId || a.priority, 'set a team, an assignee or a priority'),
});

export const AssignmentSchema = z.object({
  /** manual: nobody is assigned automatically. */
  strategy: z.enum(['manual', 'round_robin', 'least_open']).default('round_robin'),
  /** A returning customer goes back to the agent who last handled them, when that agent is available. */
  sticky: z.boolean().default(true),
  /** Reassign when the assignee has not opened a new customer message within this many minutes; 0 = never. */
  unreadTimeoutMinutes: z.number().int().min(0).max(1440).default(2),
  /** Average minutes an agent spends per conversation (for the expected wait told to customers). */
  averageHandleMinutes: z.number().int().min(1).max(240).default(6),
});

/**
 * The loop guard: stops automation when it starts repeating itself — the same answer or the fallback again and
 * again, as when a bot talks to a bot — not when a customer asks different questions or walks through a menu.
 * A reply counts as "the same" when it has the same kind, rule and layer (menu steps never count: going back
 * and forth in a menu is navigation). When tripped, the reply is not sent and a person takes the conversation.
 */
export const LoopGuardSchema = z.object({
  enabled: z.boolean().default(true),
  /** How many times the same automatic reply may go to a conversation within the window. */
  sameReplyLimit: z.number().int().min(1).max(20).default(2),
  /** All automatic replies to a conversation within the window (a safety net against a chatty bot). */
  replyLimit: z.number().int().min(3).max(200).default(20),
  windowMinutes: z.number().int().min(5).max(1440).default(60),
});
export type LoopGuard = z.infer<typeof LoopGuardSchema>;

export const AutomationConfigSchema = z.object({
  businessHours: BusinessHoursSchema.nullable().default(null),
  /**
   * The language of the base responses and of replies to a customer whose language is not known (a response's
   * `variants.en` / `variants.ja` are used for customers who write in, or are known to speak, that language).
   */
  defaultLanguage: z.enum(['ja', 'en']).default('ja'),
  loopGuard: LoopGuardSchema.prefault({}),
  /** Random delay before an automatic reply, like a person typing (ms). */
  replyDelayMs: z
    .object({ min: z.number().int().min(0).max(60_000), max: z.number().int().min(0).max(60_000) })
    .refine((d) => d.max >= d.min, 'max must be at least min')
    .default({ min: 5000, max: 10_000 }),
  welcome: WelcomeSchema.default({ enabled: false, afterDays: null }),
  away: AwaySchema.default({ enabled: false, everyHours: 12 }),
  keywordRules: z.array(RuleSchema).max(5000).default([]),
  menus: z.array(MenuSchema).max(200).default([]),
  routingRules: z.array(RoutingRuleSchema).max(1000).default([]),
  assignment: AssignmentSchema.default({
    strategy: 'round_robin',
    sticky: true,
    unreadTimeoutMinutes: 2,
    averageHandleMinutes: 6,
  }),
  /** Offer a person (with the expected wait) when a menu answer or a question matches nothing. */
  fallback: z
    .object({ enabled: z.boolean().default(true), onlyAfterMenu: z.boolean().default(true) })
    .default({ enabled: true, onlyAfterMenu: true }),
  /**
   * What the customer is told when handed to a person, in their language (Japanese when they wrote Japanese).
   * `{wait}` is replaced by the expected wait in minutes.
   */
  handoffMessages: z
    .object({
      ja: z
        .string()
        .min(1)
        .max(1000)
        .default('担当者におつなぎします。目安は約{wait}分です。少々お待ちください。'),
      en: z
        .string()
        .min(1)
        .max(1000)
        .default('Connecting you with a person. Expected wait: about {wait} min.'),
      jaNoAgents: z
        .string()
        .min(1)
        .max(1000)
        .default('担当者におつなぎします。営業時間内に順番にご返信します。'),
      enNoAgents: z
        .string()
        .min(1)
        .max(1000)
        .default('Connecting you with a person. We will reply in business hours, in order.'),
      jaFallback: z
        .string()
        .min(1)
        .max(1000)
        .default(
          'すみません、うまく理解できませんでした。担当者と話す場合は「担当者」と送ってください（目安 約{wait}分）。',
        ),
      enFallback: z
        .string()
        .min(1)
        .max(1000)
        .default('Sorry, I didn\'t understand. Type "agent" to talk to a person (about {wait} min).'),
      /** Outside business hours (`{opens}`: the next opening time, in the business's time zone). */
      jaClosed: z
        .string()
        .min(1)
        .max(1000)
        .default('担当者におつなぎします。ただいま営業時間外のため、{opens}から順番にご返信します。'),
      enClosed: z
        .string()
        .min(1)
        .max(1000)
        .default("Connecting you with a person. We're closed now and will reply in order from {opens}."),
      jaFallbackClosed: z
        .string()
        .min(1)
        .max(1000)
        .default(
          'すみません、うまく理解できませんでした。担当者と話す場合は「担当者」と送ってください（{opens}から順番にご返信します）。',
        ),
      enFallbackClosed: z
        .string()
        .min(1)
        .max(1000)
        .default('Sorry, I didn\'t understand. Type "agent" to talk to a person (we reply from {opens}).'),
    })
    .prefault({}),
  /** Consecutive negative customer messages that raise the conversation's priority. */
  escalation: z
    .object({
      negativeStreak: z.number().int().min(2).max(10).default(3),
      priority: PrioritySchema.default('high'),
    })
    .default({ negativeStreak: 3, priority: 'high' }),
});
export type AutomationConfigInput = z.input<typeof AutomationConfigSchema>;
export type AutomationConfig = z.infer<typeof AutomationConfigSchema>;
export type Menu = z.infer<typeof MenuSchema>;
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;
