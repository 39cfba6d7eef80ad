import { describe, expect, it } from 'vitest';
import type { RuleInput } from '../../../contracts/automation-rules.schemas.ts';
import { isJapaneseAnalyzerRequested } from './japanese-analyzer.service.ts';
import { compileRuleSet, type CompiledRuleSet } from './rule-compile.rules.ts';
import { compileRuleSetLazily } from './rule-compile.service.ts';
import { evaluate, type EvaluationInput } from './rule-evaluate.rules.ts';

const text = (body: string) => ({ type: 'text', text: { body } });
const now = new Date('2026-03-02T03:00:00Z');

async function compiled(rules: RuleInput[]): Promise<CompiledRuleSet> {
  const c = await compileRuleSetLazily({ version: '1', rules });
  if (!c.ok) throw new Error(JSON.stringify(c.errors));
  return c.ruleSet;
}
const input = (t: string, extra: Partial<EvaluationInput> = {}): EvaluationInput => ({
  text: t,
  phoneNumberId: 'pn-1',
  now,
  inBusinessHours: true,
  ...extra,
});

describe('compile', () => {
  it('refuses invalid regexes, empty triggers, bad responses and conditions with stable codes and paths', () => {
    const c = compileRuleSet(
      {
        rules: [
          { id: 'a', triggers: [{ mode: 'regex', keywords: ['(a'] }], response: text('x') },
          { id: 'b', triggers: [{ mode: 'contains', keywords: [] }], response: text('x') },
          { id: 'c', triggers: [{ mode: 'contains', keywords: ['！？'] }], response: text('x') },
          { id: 'd', triggers: [], response: text('x') },
          {
            id: 'e',
            triggers: [{ mode: 'exact', keywords: ['hi'] }],
            response: { type: 'text', text: { body: '' } },
          },
          { id: 'f', triggers: [{ mode: 'exact', keywords: ['hi'] }], response: { type: 'fax' } },
          {
            id: 'g',
            triggers: [{ mode: 'exact', keywords: ['hi'] }],
            condition: 'tag:',
            response: text('x'),
          },
          { id: 'g', triggers: [{ mode: 'exact', keywords: ['hi'] }], response: text('x') },
        ],
      },
      null,
    );
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.errors.map((e) => [e.code, e.ruleId, e.path])).toEqual([
      ['invalid_regex', 'a', 'rules.0.triggers.0.keywords.0'],
      ['empty_trigger', 'b', 'rules.1.triggers.0.keywords'],
      ['empty_trigger', 'c', 'rules.2.triggers.0.keywords.0'],
      ['empty_trigger', 'd', 'rules.3.triggers'],
      ['invalid_response', 'e', 'rules.4.response.text.body'],
      ['invalid_response', 'f', 'rules.5.response.type'],
      ['invalid_condition', 'g', 'rules.6.condition'],
      ['duplicate_rule_id', 'g', 'rules.7.id'],
    ]);
  });

  it('reports a malformed rule set as invalid_rule', () => {
    const c = compileRuleSet({ rules: [{ triggers: 'x' }] }, null);
    expect(!c.ok && c.errors.every((e) => e.code === 'invalid_rule')).toBe(true);
  });

  it('does not load the dictionary for a rule set without Japanese keywords', async () => {
    const set = await compiled([
      {
        id: 'en',
        triggers: [
          { mode: 'fuzzy', keywords: ['refund'] },
          { mode: 'regex', keywords: ['返品'] },
        ],
        response: text('x'),
      },
    ]);
    expect(set.analyzer).toBeNull();
    expect(isJapaneseAnalyzerRequested()).toBe(false);
    expect(evaluate(set, input('I want a refnud'))).toMatchObject({ kind: 'reply', ruleId: 'en' });
    expect(evaluate(set, input('返品したい'))).toMatchObject({ kind: 'reply', mode: 'regex' });
  });
});

describe('evaluate', () => {
  const rules: RuleInput[] = [
    {
      id: 'reserve',
      priority: 1,
      triggers: [{ mode: 'fuzzy', keywords: ['予約', 'reservation'] }],
      response: text('予約'),
    },
    {
      id: 'cancel',
      priority: 5,
      triggers: [{ mode: 'fuzzy', keywords: ['キャンセル', 'cancel'] }],
      response: text('キャンセル'),
    },
    {
      id: 'returns',
      triggers: [{ mode: 'fuzzy', keywords: ['返品', '返金', 'refund'] }],
      exclude: ['返品不可'],
      response: text('返品の手順です'),
      detailedResponse: text('返品の詳しい手順です'),
    },
    {
      id: 'night',
      scope: { businessHours: 'closed', phoneNumberIds: ['pn-1'] },
      triggers: [{ mode: 'contains', keywords: ['営業時間'] }],
      response: text('本日の営業は終了しました'),
    },
    {
      id: 'day',
      triggers: [{ mode: 'contains', keywords: ['営業時間'] }],
      response: text('9時から18時です'),
    },
    {
      id: 'vip',
      priority: 10,
      condition: 'tag:vip',
      triggers: [{ mode: 'contains', keywords: ['予約'] }],
      response: text('VIP'),
    },
    {
      id: 'off',
      enabled: false,
      priority: 99,
      triggers: [{ mode: 'contains', keywords: ['予約'] }],
      response: text('off'),
    },
  ];

  it('picks the highest priority matching rule and reports keyword, mode and score', async () => {
    const set = await compiled(rules);
    expect(evaluate(set, input('予約をキャンセルしたい'))).toMatchObject({
      kind: 'reply',
      ruleId: 'cancel',
      keyword: 'キャンセル',
      mode: 'fuzzy',
    });
    expect(evaluate(set, input('よやくしたいです'))).toMatchObject({
      kind: 'reply',
      ruleId: 'reserve',
      channel: 'reading',
    });
    expect(evaluate(set, input('明日は晴れますか'))).toEqual({ kind: 'none' });
  });

  it('applies conditions on the contact', async () => {
    const set = await compiled(rules);
    expect(evaluate(set, input('予約したい', { contact: { tags: ['VIP'] } }))).toMatchObject({
      ruleId: 'vip',
    });
    expect(evaluate(set, input('予約したい', { contact: { tags: [] } }))).toMatchObject({
      ruleId: 'reserve',
    });
  });

  it('applies scopes: business hours and phone numbers', async () => {
    const set = await compiled(rules);
    expect(evaluate(set, input('営業時間は？', { inBusinessHours: false }))).toMatchObject({
      ruleId: 'night',
    });
    expect(evaluate(set, input('営業時間は？', { inBusinessHours: true }))).toMatchObject({ ruleId: 'day' });
    expect(
      evaluate(set, input('営業時間は？', { inBusinessHours: false, phoneNumberId: 'pn-2' })),
    ).toMatchObject({ ruleId: 'day' });
  });

  it('honours exclusions and declined intent', async () => {
    const set = await compiled(rules);
    expect(evaluate(set, input('この商品は返品不可ですか？'))).toEqual({ kind: 'none' });
    expect(evaluate(set, input('返品はしないです、交換だけ'))).toEqual({ kind: 'none' });
  });

  it('hands off to a person before any rule', async () => {
    const set = await compiled(rules);
    expect(evaluate(set, input('返品について担当者と話したい'))).toEqual({
      kind: 'handoff',
      phrase: '担当者',
    });
  });

  it('gives the detailed answer when the same question comes back within 30 s', async () => {
    const set = await compiled(rules);
    const history = [{ ruleId: 'returns', at: new Date(now.getTime() - 20_000) }];
    expect(evaluate(set, input('返品したい', { history }))).toMatchObject({
      layer: 'detailed',
      response: text('返品の詳しい手順です'),
    });
    const later = [{ ruleId: 'returns', at: new Date(now.getTime() - 40_000) }];
    expect(evaluate(set, input('返品したい', { history: later }))).toMatchObject({ layer: 'short' });
  });

  it('leaves the loop guard to the planner: recent replies do not stop a match', async () => {
    const set = await compiled(rules);
    const minutesAgo = (m: number) => ({ ruleId: 'day', at: new Date(now.getTime() - m * 60_000) });
    expect(
      evaluate(set, input('返品したい', { history: [minutesAgo(5), minutesAgo(10), minutesAgo(50)] })),
    ).toMatchObject({ kind: 'reply', ruleId: 'returns' });
  });
});
