/**
 * Evaluating a compiled rule set against one inbound message (pure, synchronous). Order of decisions:
 *
 * 1. a handoff phrase (担当者, agent) → `handoff`: a person answers, no rule fires;
 * 2. candidate rules from the bigram index, in priority order (ties: best score, then rule order);
 *    a rule applies when its scope (number, business hours) and condition hold, no exclusion phrase is present,
 *    and one of its keywords matches without declined intent next to it;
 * 3. layered answers: the same rule again within {@link LAYER_WINDOW_MS} → its detailed response if it has one.
 *
 * The caller passes the recent automation history of the conversation, so step 3 stays pure. The loop guard is
 * the planner's (automation-plan.rules.ts): it needs every reply of a decision, not only the keyword answer.
 */
import type { MessageContent } from '../../../contracts/whatsapp/send.schemas.ts';
import type {
  AutomationHistoryEntry,
  ContactContext,
  MatchMode,
  RuleScope,
} from '../../../contracts/automation-rules.schemas.ts';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import { candidates } from './candidate-index.rules.ts';
import { evaluateCondition } from '../conditions/condition-evaluate.rules.ts';
import { detectHandoff } from './handoff.rules.ts';
import {
  analyzeMessage,
  matchKeyword,
  type AnalyzedMessage,
  type CompiledKeyword,
  type KeywordHit,
} from './keyword-match.rules.ts';
import { isDeclined } from './negation.rules.ts';
import { matchPatternSet } from './regex.rules.ts';
import type { CompiledRule, CompiledRuleSet } from './rule-compile.rules.ts';

/** A repeat of the same question within this many ms gets the detailed answer. */
export const LAYER_WINDOW_MS = 30_000;
/** Only the first this-many characters of a message are matched (bounds the work per message). */
export const MAX_MATCH_CHARS = 1000;

/** What the evaluator is told about one inbound message. */
export interface EvaluationInput {
  text: string;
  phoneNumberId: string;
  now: Date;
  inBusinessHours: boolean;
  contact?: ContactContext;
  /** Automatic replies already sent to this contact, any order (only the last hour matters). */
  history?: readonly AutomationHistoryEntry[];
}

/** Which rule matched and why. */
export interface RuleMatch {
  ruleId: string;
  keyword: string;
  mode: MatchMode;
  channel: KeywordHit['channel'] | 'regex';
  distance: number;
  score: number;
}

/** The decision for one message. */
export type Evaluation =
  | { kind: 'none' }
  | { kind: 'handoff'; phrase: string }
  | ({ kind: 'reply'; response: MessageContent; layer: 'short' | 'detailed' } & RuleMatch);

/** Evaluates one message against a compiled rule set. */
export function evaluate(ruleSet: CompiledRuleSet, input: EvaluationInput): Evaluation {
  const text = input.text.slice(0, MAX_MATCH_CHARS);
  const phrase = detectHandoff(text);
  if (phrase) return { kind: 'handoff', phrase };
  if (ruleSet.rules.length === 0) return { kind: 'none' };
  const msg = analyzeMessage(text, ruleSet.analyzer);
  const nfkc = text.normalize('NFKC');
  let best: { rule: CompiledRule; match: RuleMatch } | null = null;
  const regexHits = matchPatternSet(ruleSet.patterns, nfkc);
  const found = candidates(ruleSet.index, msg, regexHits.keys());
  for (const i of found.rules) {
    const rule = ruleSet.rules[i] as CompiledRule;
    if (best && rule.rule.priority < best.rule.rule.priority) break;
    if (!inScope(rule, input)) continue;
    const first = ruleSet.index.firstEntry[i] as number;
    const match = matchRule(rule, msg, regexHits.get(i) ?? null, (k) => found.keywords[first + k] === 1);
    if (match && (!best || match.score > best.match.score)) best = { rule, match };
  }
  if (!best) return { kind: 'none' };
  return decide(best.rule, best.match, input);
}

function inScope(rule: CompiledRule, input: EvaluationInput): boolean {
  return appliesTo(rule.rule.scope, rule.condition, input);
}

/**
 * Whether a rule's scope (phone numbers, in or out of business hours) and compiled condition hold for a
 * message. Shared by keyword rules and the routing rules that have a condition but no keywords.
 */
export function appliesTo(
  scope: RuleScope,
  condition: ConditionNode | null,
  input: Pick<EvaluationInput, 'phoneNumberId' | 'inBusinessHours' | 'contact' | 'now'>,
): boolean {
  const { phoneNumberIds, businessHours } = scope;
  if (phoneNumberIds && phoneNumberIds.length > 0 && !phoneNumberIds.includes(input.phoneNumberId))
    return false;
  if (businessHours === 'open' && !input.inBusinessHours) return false;
  if (businessHours === 'closed' && input.inBusinessHours) return false;
  if (!condition) return true;
  const c = input.contact ?? {};
  return evaluateCondition(
    condition,
    { attributes: c.attributes ?? {}, tags: c.tags ?? [], events: c.events ?? [] },
    input.now,
  );
}

/**
 * The best keyword of a rule that matches the message, unless an exclusion phrase is present. Only keywords the
 * prefilter let through (`isCandidate`, by position in the rule) are compared; `regexHit` is the rule's first regex
 * trigger found in the message by the rule set's pattern set.
 */
function matchRule(
  rule: CompiledRule,
  msg: AnalyzedMessage,
  regexHit: string | null,
  isCandidate: (k: number) => boolean,
): RuleMatch | null {
  let best: RuleMatch | null = null;
  for (let k = 0; k < rule.keywords.length; k++) {
    if (!isCandidate(k)) continue;
    const kw = rule.keywords[k] as CompiledKeyword;
    const hit = matchKeyword(kw, msg);
    if (!hit || (best && hit.score <= best.score)) continue;
    if (rule.rule.negationGuard && isDeclined(hit, msg)) continue;
    best = {
      ruleId: rule.rule.id,
      keyword: kw.raw,
      mode: kw.mode,
      channel: hit.channel,
      distance: hit.distance,
      score: hit.score,
    };
  }
  if (!best || best.score < 0.9) {
    if (regexHit !== null)
      best = {
        ruleId: rule.rule.id,
        keyword: regexHit,
        mode: 'regex',
        channel: 'regex',
        distance: 0,
        score: 0.9,
      };
  }
  if (!best) return null;
  return rule.exclude.some((x) => matchKeyword(x, msg) !== null) ? null : best;
}

function decide(rule: CompiledRule, match: RuleMatch, input: EvaluationInput): Evaluation {
  const now = input.now.getTime();
  const history = input.history ?? [];
  const repeat = history.some(
    (h) =>
      h.at.getTime() <= now &&
      h.ruleId === rule.rule.id &&
      (h.layer ?? 'short') === 'short' &&
      now - h.at.getTime() <= LAYER_WINDOW_MS,
  );
  if (repeat && rule.detailedResponse)
    return { kind: 'reply', response: rule.detailedResponse, layer: 'detailed', ...match };
  return { kind: 'reply', response: rule.response, layer: 'short', ...match };
}
