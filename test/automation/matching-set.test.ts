/**
 * Recall and precision of the keyword matcher over the labelled set (test/automation/matching-set.ts). Recall:
 * share of messages with an expected answer that got exactly that answer. Precision: share of answers given
 * that were the expected one. Both are printed; misses and wrong answers are listed to make tuning honest.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRuleSetLazily } from '../../src/server/modules/automation/rule-compile.service.ts';
import type { CompiledRuleSet } from '../../src/server/modules/automation/rule-compile.rules.ts';
import { evaluate, type Evaluation } from '../../src/server/modules/automation/rule-evaluate.rules.ts';
import { MATCHING_RULES } from './matching-rules.ts';
import { MATCHING_SET } from './matching-set.ts';

let ruleSet: CompiledRuleSet;
beforeAll(async () => {
  const compiled = await compileRuleSetLazily({ version: 'matching-set', rules: MATCHING_RULES });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  ruleSet = compiled.ruleSet;
});

function outcome(e: Evaluation): string | null {
  if (e.kind === 'handoff') return '@handoff';
  if (e.kind === 'reply') return e.ruleId;
  return null;
}

describe('labelled matching set', () => {
  it('has at least 300 messages', () => {
    expect(Object.values(MATCHING_SET).flat().length).toBeGreaterThanOrEqual(300);
  });

  it('reaches recall ≥ 95 % and precision ≥ 98 %', () => {
    const now = new Date('2026-03-02T03:00:00Z');
    let expectedPositives = 0;
    let answered = 0;
    let correct = 0;
    const mistakes: string[] = [];
    for (const [label, messages] of Object.entries(MATCHING_SET)) {
      const expected = label === 'none' ? null : label;
      for (const text of messages) {
        const got = outcome(evaluate(ruleSet, { text, phoneNumberId: 'pn', now, inBusinessHours: true }));
        if (expected !== null) expectedPositives++;
        if (got !== null) answered++;
        if (got !== null && got === expected) correct++;
        if (got !== expected) mistakes.push(`${JSON.stringify(text)}: expected ${expected}, got ${got}`);
      }
    }
    const recall = correct / expectedPositives;
    const precision = correct / answered;
    console.log(
      `matching set: ${expectedPositives} positives, ${answered} answered, recall ${(recall * 100).toFixed(1)} %, ` +
        `precision ${(precision * 100).toFixed(1)} %\n  ${mistakes.join('\n  ')}`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.98);
  });
});
