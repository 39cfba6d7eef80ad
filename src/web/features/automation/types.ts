import type {
  AutomationConfigInput,
  MenuSchema,
  RoutingRuleSchema,
} from '../../../contracts/automation-document.schemas.ts';
import type { RuleInput, Trigger } from '../../../contracts/automation-rules.schemas.ts';
import type { BusinessHoursInput } from '../../../contracts/business-hours.schemas.ts';
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

/** Responses of the insight and dry-run endpoints (shared contracts with the server). */
export type { AutomationInsight } from '../../../contracts/automation.schemas.ts';
export type { DryRunResultDto as DryRunResult } from '../../../contracts/automation.schemas.ts';
export type { PlannedReplyDto as PlannedReply } from '../../../contracts/automation.schemas.ts';
