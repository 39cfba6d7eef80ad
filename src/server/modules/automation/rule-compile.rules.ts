/**
 * Compiling a rule set (pure): validate everything an admin can get wrong and precompute what evaluation needs
 * (folded keywords, readings, regex programs, condition trees, the bigram index). Compile once per rule-set
 * version, evaluate many times. A rule set with any error is refused as a whole, with every error listed.
 */
import { MessageContentSchema, type MessageContent } from '../../../contracts/whatsapp/send.schemas.ts';
import {
  RuleSetSchema,
  type CompileError,
  type Rule,
  type RuleSetInput,
} from '../../../contracts/automation-rules.schemas.ts';
import { buildCandidateIndex, type CandidateIndex } from './candidate-index.rules.ts';
import { parseCondition } from '../conditions/condition-parse.rules.ts';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import { compileKeyword, type CompiledKeyword } from './keyword-match.rules.ts';
import type { Analyzer } from './reading.rules.ts';
import { compilePatternSet, compileRegex, type PatternSet } from './regex.rules.ts';
import { foldText, hasJapanese } from './text-fold.rules.ts';
import type { RE2JS } from 're2js';

/** A regex trigger ready to run. */
export interface CompiledPattern {
  raw: string;
  regex: RE2JS;
}

/** A rule ready for evaluation. */
export interface CompiledRule {
  rule: Rule;
  keywords: CompiledKeyword[];
  patterns: CompiledPattern[];
  exclude: CompiledKeyword[];
  condition: ConditionNode | null;
  response: MessageContent;
  detailedResponse: MessageContent | null;
}

/** A compiled rule set. Rules are sorted by priority (highest first), then by their order in the input. */
export interface CompiledRuleSet {
  version: string;
  rules: CompiledRule[];
  index: CandidateIndex;
  /** Every regex trigger of the set in one automaton; owners are rule indices in `rules`. */
  patterns: PatternSet;
  /** The analyzer used for readings; null when no keyword is Japanese (the dictionary was never loaded). */
  analyzer: Analyzer | null;
}

/** The outcome of compiling. */
export type Compilation = { ok: true; ruleSet: CompiledRuleSet } | { ok: false; errors: CompileError[] };

/**
 * Whether a rule set needs the Japanese analyzer: some non-regex keyword or exclusion contains kana or kanji.
 * Callers load the dictionary only then (see rule-compile.service.ts).
 */
export function requiresJapanese(input: RuleSetInput): boolean {
  return input.rules.some(
    (r) =>
      (r.exclude ?? []).some(hasJapanese) ||
      r.triggers.some((t) => t.mode !== 'regex' && t.keywords.some(hasJapanese)),
  );
}

/** Compiles a rule set. Pass the analyzer when {@link requiresJapanese} says so; without it, readings are skipped. */
export function compileRuleSet(input: unknown, analyzer: Analyzer | null): Compilation {
  const parsed = RuleSetSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        code: 'invalid_rule' as const,
        message: i.message,
        ruleId: null,
        path: i.path.join('.'),
      })),
    };
  }
  const errors: CompileError[] = [];
  const seen = new Set<string>();
  const compiled: CompiledRule[] = [];
  parsed.data.rules.forEach((rule, i) => {
    if (seen.has(rule.id))
      errors.push(error('duplicate_rule_id', `rule id ${rule.id} is used twice`, rule, `rules.${i}.id`));
    seen.add(rule.id);
    const result = compileRule(rule, `rules.${i}`, analyzer, errors);
    if (result && rule.enabled) compiled.push(result);
  });
  if (errors.length > 0) return { ok: false, errors };
  const ordered = compiled
    .map((rule, order) => ({ rule, order }))
    .sort((a, b) => b.rule.rule.priority - a.rule.rule.priority || a.order - b.order)
    .map((x) => x.rule);
  const index = buildCandidateIndex(
    ordered.map((r) => ({ keywords: r.keywords, hasRegex: r.patterns.length > 0 })),
  );
  const patterns = compilePatternSet(
    ordered.flatMap((r, owner) => r.patterns.map((p) => ({ owner, raw: p.raw }))),
  );
  return { ok: true, ruleSet: { version: parsed.data.version, rules: ordered, index, patterns, analyzer } };
}

function compileRule(
  rule: Rule,
  path: string,
  analyzer: Analyzer | null,
  errors: CompileError[],
): CompiledRule | null {
  const before = errors.length;
  const keywords: CompiledKeyword[] = [];
  const patterns: CompiledPattern[] = [];
  if (rule.triggers.length === 0)
    errors.push(error('empty_trigger', 'a rule needs at least one trigger', rule, `${path}.triggers`));
  rule.triggers.forEach((trigger, t) => {
    const at = `${path}.triggers.${t}`;
    if (trigger.keywords.length === 0)
      errors.push(error('empty_trigger', 'a trigger needs at least one keyword', rule, `${at}.keywords`));
    trigger.keywords.forEach((raw, k) => {
      if (trigger.mode === 'regex') {
        const c = compileRegex(raw);
        if (c.ok) patterns.push({ raw, regex: c.regex });
        else errors.push(error('invalid_regex', c.message, rule, `${at}.keywords.${k}`));
      } else if (foldText(raw).length === 0) {
        errors.push(
          error(
            'empty_trigger',
            'the keyword is empty once spaces and punctuation are removed',
            rule,
            `${at}.keywords.${k}`,
          ),
        );
      } else {
        keywords.push(compileKeyword(raw, trigger.mode, analyzer));
      }
    });
  });
  const exclude = rule.exclude
    .filter((x) => foldText(x).length > 0)
    .map((x) => compileKeyword(x, 'contains', analyzer));
  let condition: ConditionNode | null = null;
  if (rule.condition !== undefined && rule.condition.trim() !== '') {
    const c = parseCondition(rule.condition);
    if (c.ok) condition = c.ast;
    else
      errors.push(
        error('invalid_condition', `${c.error.message} (at ${c.error.position})`, rule, `${path}.condition`),
      );
  }
  const response = validResponse(rule.response, rule, `${path}.response`, errors);
  const detailed =
    rule.detailedResponse === undefined
      ? null
      : validResponse(rule.detailedResponse, rule, `${path}.detailedResponse`, errors);
  if (errors.length > before || !response) return null;
  return { rule, keywords, patterns, exclude, condition, response, detailedResponse: detailed };
}

/** Checks a response with the Cloud API send schemas, so WhatsApp will not reject it when the rule fires. */
function validResponse(
  value: unknown,
  rule: Rule,
  path: string,
  errors: CompileError[],
): MessageContent | null {
  const parsed = MessageContentSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    errors.push(error('invalid_response', issue.message, rule, [path, ...issue.path.map(String)].join('.')));
  }
  return null;
}

function error(code: CompileError['code'], message: string, rule: Rule, path: string): CompileError {
  return { code, message, ruleId: rule.id, path };
}
