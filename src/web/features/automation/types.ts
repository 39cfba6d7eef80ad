import type {
  AutomationConfigInput,
  MenuSchema,
  RoutingRuleSchema,
} from '../../../server/modules/automation/automation-config.schemas.ts';
import type { RuleInput, Trigger } from '../../../server/modules/automation/automation.schemas.ts';
import type { BusinessHoursInput } from '../../../server/modules/automation/business-hours.schemas.ts';
import type { z } from 'zod';

/*
 * The console's view of the automation document: input types inferred from the server's own zod schemas
 * (type-only imports: no schema code reaches the bundle). Drafts are edited with spreads, so fields this
 * console does not know about travel through untouched.
 */
export type AutomationDoc = AutomationConfigInput;
export type KeywordRule = RuleInput;
export type KeywordTrigger = Trigger;
export type MatchMode = Trigger['mode'];
export type Menu = z.input<typeof MenuSchema>;
export type MenuOption = Menu['options'][number];
export type RoutingRule = z.input<typeof RoutingRuleSchema>;
export type Hours = BusinessHoursInput;
export type Interval = NonNullable<Hours['weekly']['mon']>[number];
export type HoursException = NonNullable<Hours['exceptions']>[number];
export type Scope = NonNullable<RuleInput['scope']>;
export type Assignment = NonNullable<AutomationDoc['assignment']>;
export type HandoffMessages = NonNullable<AutomationDoc['handoffMessages']>;

/** `GET /api/v1/automation`. */
export interface AutomationState {
  enabled: boolean;
  version: number;
  config: AutomationDoc;
  updatedAt: string | null;
}

/** One entry of `GET /api/v1/automation/versions`. */
export interface AutomationVersion {
  version: number;
  authorUserId: string | null;
  note: string | null;
  createdAt: string;
  active: boolean;
}

/** One reason the server refused a document (422 `invalid_automation`); `path` points at the field. */
export interface DocError {
  code: string;
  message: string;
  path: string;
}

/** `GET /api/v1/automation/insight`. */
export interface AutomationInsight {
  from: string;
  to: string;
  decisions: Record<string, number>;
  topRules: Array<{ ruleId: string; count: number }>;
  topKeywords: Array<{ keyword: string; count: number }>;
  unmatched: Array<{ normalized: string; sample: string; count: number; lastSeenAt: string }>;
  conversations: { withAutomation: number; handledByAutomation: number; share: number | null };
}

type Priority = 'low' | 'normal' | 'high' | 'urgent';

/** One planned reply of a dry run (handoff/fallback replies carry `text` instead of content). */
export interface PlannedReply {
  kind: string;
  ruleId: string | null;
  layer: 'short' | 'detailed' | null;
  content: Record<string, unknown> | null;
  text?: { key: 'handoff' | 'fallback'; language: 'ja' | 'en' };
}

/** `POST /api/v1/automation/dry-run`. */
export interface DryRunResult {
  at: string;
  inBusinessHours: boolean;
  configVersion: number | null;
  plan: {
    decision: string;
    reason: string;
    match: {
      ruleId: string;
      keyword: string;
      mode: MatchMode;
      channel: string;
      distance: number;
      score: number;
    } | null;
    replies: PlannedReply[];
    pause: 'handoff' | 'loop_guard' | null;
    menu: { menuId: string } | null | undefined;
    routing: { ruleId: string; teamId?: string; assigneeId?: string; priority?: Priority } | null;
    priority: Priority | null;
    escalated: boolean;
    unmatched: string | null;
    needsPerson: boolean;
    sentiment: 'negative' | 'neutral' | 'positive';
  };
}
