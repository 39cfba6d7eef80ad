import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/web/lib/api.ts';
import {
  docErrorsOf,
  errorCountsByTab,
  errorsAt,
  errorsNotUnder,
  evaluationOrder,
  indexInPath,
  isDirty,
  moveRule,
  ruleFromUnmatched,
  tabOfPath,
  uniqueId,
} from '../../src/web/features/automation/draft.ts';

const refused = new ApiError(422, 'invalid_automation', 'The automation cannot be saved', {
  errors: [
    { code: 'invalid_regex', message: 'missing )', path: 'keywordRules.2.triggers.0.keywords.1' },
    { code: 'invalid_menu', message: 'too long', path: 'menus.0.options.3.title' },
    { code: 'invalid_rule', message: 'use HH:MM', path: 'businessHours.weekly.mon.0.open' },
    { code: 'invalid_rule', message: 'bad', path: 'replyDelayMs' },
    'not an error object',
  ],
});

describe('automation draft: server errors → fields', () => {
  it('reads the errors of a 422 invalid_automation and nothing else', () => {
    expect(docErrorsOf(refused)).toHaveLength(4);
    expect(docErrorsOf(new ApiError(422, 'validation_failed', 'x', { errors: [] }))).toEqual([]);
    expect(docErrorsOf(new Error('boom'))).toEqual([]);
  });

  it('finds errors at a field and inside it, not in a sibling with a common prefix', () => {
    const errors = docErrorsOf(refused);
    expect(errorsAt(errors, 'keywordRules.2.triggers.0.keywords.1').map((e) => e.code)).toEqual([
      'invalid_regex',
    ]);
    expect(errorsAt(errors, 'keywordRules.2')).toHaveLength(1);
    expect(errorsAt(errors, 'keywordRules.2', true)).toHaveLength(0);
    expect(errorsAt(errors, 'keywordRules.20')).toHaveLength(0);
    expect(errorsAt(errors, 'menus.0.options.3.title')).toHaveLength(1);
    expect(errorsNotUnder(errors, 'menus.0', ['menus.0.options'])).toHaveLength(0);
    expect(errorsNotUnder(errors, 'menus.0', ['menus.0.header'])).toHaveLength(1);
  });

  it('maps paths to tabs and list indices', () => {
    expect(tabOfPath('keywordRules.2.triggers.0.keywords.1')).toBe('rules');
    expect(tabOfPath('menus.0.options.3.title')).toBe('menus');
    expect(tabOfPath('businessHours.exceptions.0.date')).toBe('hours');
    expect(tabOfPath('away.response.text.body')).toBe('welcome');
    expect(tabOfPath('assignment.unreadTimeoutMinutes')).toBe('routing');
    expect(tabOfPath('handoffMessages.ja')).toBe('handoff');
    expect(tabOfPath('replyDelayMs')).toBe('overview');
    expect(errorCountsByTab(docErrorsOf(refused))).toEqual({ rules: 1, menus: 1, hours: 1, overview: 1 });
    expect(indexInPath('keywordRules.12.name', 'keywordRules')).toBe(12);
    expect(indexInPath('keywordRules', 'keywordRules')).toBeNull();
  });
});

describe('automation draft: rules', () => {
  const rules = [
    { id: 'a', priority: 0 },
    { id: 'b', priority: 5 },
    { id: 'c', priority: 0 },
    { id: 'd', priority: 5 },
  ];
  const ids = (list: Array<{ id: string; priority?: number }>, order = evaluationOrder(list)) =>
    order.map((i) => list[i]!.id);

  it('orders by priority, then position', () => {
    expect(ids(rules)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('moves a rule one step in evaluation order across priorities and within one', () => {
    const up = moveRule(rules, 0, -1); // a above d: takes priority 5, placed before d
    expect(ids(up)).toEqual(['b', 'a', 'd', 'c']);
    expect(up.find((r) => r.id === 'a')!.priority).toBe(5);
    expect(ids(moveRule(rules, 1, 1))).toEqual(['d', 'b', 'a', 'c']);
    expect(ids(moveRule(rules, 3, 1))).toEqual(['b', 'a', 'd', 'c']);
    expect(moveRule(rules, 1, -1)).toEqual(rules); // already first
    expect(moveRule(rules, 2, 1)).toEqual(rules); // already last
  });

  it('keeps unknown fields of the moved rule', () => {
    const list = [
      { id: 'x', priority: 1, future: { keep: true } },
      { id: 'y', priority: 2 },
    ];
    expect(moveRule(list, 0, -1)[0]).toEqual({ id: 'x', priority: 2, future: { keep: true } });
  });

  it('pre-fills a rule from an unmatched question with a fresh id', () => {
    const r = ruleFromUnmatched(' 送料はいくらですか？ ', ['rule-1']);
    expect(r.id).toBe('rule-2');
    expect(r.triggers).toEqual([{ mode: 'fuzzy', keywords: ['送料はいくらですか'] }]);
    expect(uniqueId('o', ['o1', 'o2'], '')).toBe('o3');
  });

  it('sees changes but not key order', () => {
    expect(isDirty({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(false);
    expect(isDirty({ a: 1 }, { a: 2 })).toBe(true);
  });
});
