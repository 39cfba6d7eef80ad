import { beforeAll, describe, expect, it } from 'vitest';
import { compileAutomation, type CompiledAutomation } from './automation-compile.service.ts';
import { builtInText, planAutomation, type PastReply, type PlanInput } from './automation-plan.rules.ts';
import { menuOptionReplyId } from './menu-render.rules.ts';

const text = (body: string) => ({ type: 'text', text: { body } });
const TEAM = '01900000-0000-7000-8000-000000000001';
const now = new Date('2026-03-03T02:00:00Z');

let a: CompiledAutomation;
beforeAll(async () => {
  const compiled = await compileAutomation(
    {
      welcome: { enabled: true, response: { type: 'menu', menuId: 'main' }, afterDays: 30 },
      away: { enabled: true, response: text('営業時間外です'), everyHours: 12 },
      keywordRules: [
        {
          id: 'returns',
          triggers: [{ mode: 'fuzzy', keywords: ['返品', 'refund'] }],
          response: text('short'),
          detailedResponse: text('detailed'),
        },
        {
          id: 'hours',
          triggers: [{ mode: 'contains', keywords: ['営業時間', 'opening hours'] }],
          response: text('10-19'),
        },
      ],
      menus: [
        {
          id: 'main',
          header: 'ご用件は？',
          style: 'buttons',
          options: [
            { id: 'order', title: '注文', submenuId: 'order' },
            { id: 'hours', title: '営業時間', response: text('10:00–19:00') },
            { id: 'person', title: '担当者', handoff: true },
          ],
        },
        {
          id: 'order',
          header: '注文について',
          options: [{ id: 'status', title: '配送状況', response: text('追跡: …') }],
        },
      ],
      routingRules: [
        {
          id: 'price',
          triggers: [{ mode: 'contains', keywords: ['価格', 'price'] }],
          action: { teamId: TEAM },
        },
        { id: 'angry', triggers: [{ mode: 'contains', keywords: ['最悪'] }], action: { priority: 'high' } },
        { id: 'vip', priority: -1, condition: 'tag:vip', action: { priority: 'urgent' } },
      ],
    },
    3,
  );
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  a = compiled.automation;
});

const base = (over: Partial<PlanInput> = {}): PlanInput => ({
  automation: a,
  input: { text: 'こんにちは', replyId: null },
  phoneNumberId: '1000',
  now,
  inBusinessHours: true,
  contact: {},
  conversation: { paused: false, menu: null, priority: 'normal', assigneeId: null, teamId: null },
  previousInboundAt: new Date(now.getTime() - 60_000),
  history: [],
  lastAwayAt: null,
  previousSentiments: [],
  ...over,
});
const say = (t: string, over: Partial<PlanInput> = {}) =>
  planAutomation(base({ input: { text: t, replyId: null }, ...over }));
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('planAutomation', () => {
  it('welcomes a first-time contact (here with the main menu) and one who returns after 30 days', () => {
    const first = say('こんにちは', { previousInboundAt: null });
    expect(first.decision).toBe('welcome');
    expect(first.replies.map((r) => r.kind)).toEqual(['welcome']);
    expect(first.menu).toEqual({ menuId: 'main' });
    expect(say('こんにちは', { previousInboundAt: ago(31 * 86_400_000) }).decision).toBe('welcome');
    expect(say('こんにちは').replies).toEqual([]);
    // A question on the first message gets the welcome and the answer, in that order.
    expect(say('返品したい', { previousInboundAt: null }).replies.map((r) => r.kind)).toEqual([
      'welcome',
      'rule',
    ]);
  });

  it('answers short first, then in detail when asked again within the hour or followed up within 30 s', () => {
    const first = say('へんぴんしたい');
    expect(first).toMatchObject({ decision: 'reply', match: { ruleId: 'returns' } });
    expect(first.replies[0]).toMatchObject({ layer: 'short', content: text('short') });
    const history = [{ kind: 'rule' as const, ruleId: 'returns', layer: 'short', at: ago(20 * 60_000) }];
    expect(say('返品の方法は？', { history }).replies[0]).toMatchObject({
      layer: 'detailed',
      content: text('detailed'),
    });
    const recent = [{ kind: 'rule' as const, ruleId: 'returns', layer: 'short', at: ago(10_000) }];
    expect(say('もっと詳しく', { history: recent }).replies[0]).toMatchObject({ layer: 'detailed' });
    expect(say('もっと詳しく', { history: [{ ...recent[0]!, at: ago(31_000) }] }).replies).toEqual([]);
  });

  it('sends the away message outside business hours only when nothing answered, once per 12 hours', () => {
    expect(say('もしもし', { inBusinessHours: false }).replies.map((r) => r.kind)).toEqual(['away']);
    expect(say('営業時間は？', { inBusinessHours: false }).replies.map((r) => r.kind)).toEqual(['rule']);
    expect(say('もしもし', { inBusinessHours: false, lastAwayAt: ago(3_600_000) }).replies).toEqual([]);
    expect(say('もしもし', { inBusinessHours: false, lastAwayAt: ago(13 * 3_600_000) }).replies).toHaveLength(
      1,
    );
  });

  it('answers the README demo at every step: distinct questions are not a loop', () => {
    const history: PastReply[] = [];
    const step = (t: string, minutes: number, over: Partial<PlanInput> = {}) => {
      const plan = say(t, {
        history: [...history],
        now: new Date(now.getTime() + minutes * 60_000),
        ...over,
      });
      for (const r of plan.replies)
        history.push({
          kind: r.kind,
          ruleId: r.ruleId,
          layer: r.layer,
          at: new Date(now.getTime() + minutes * 60_000),
        });
      return plan;
    };
    expect(step('こんにちは', 0, { inBusinessHours: false }).replies.map((r) => r.kind)).toEqual(['away']);
    expect(step('へんぴんしたい', 1).replies[0]).toMatchObject({ kind: 'rule', layer: 'short' });
    expect(step('へんぴんしたい', 2).replies[0]).toMatchObject({ kind: 'rule', layer: 'detailed' });
    expect(step('営業時間は？', 3).replies[0]).toMatchObject({ kind: 'rule', ruleId: 'hours' });
    expect(step('こんにちは', 4, { previousInboundAt: null }).replies.map((r) => r.kind)).toEqual([
      'welcome',
    ]);
    // Walking through the menu back and forth is navigation, however often.
    for (let i = 0; i < 5; i++) {
      const menu = { menuId: 'main', at: new Date(now.getTime() + (5 + i) * 60_000) };
      const plan = step('注文', 5 + i, { conversation: { ...base().conversation, menu } });
      expect(plan).toMatchObject({ decision: 'menu', pause: null });
    }
  });

  it('stops the same answer repeating (a bot talking to a bot) and hands the conversation to a person', () => {
    const at = (m: number) => ago(m * 60_000);
    const history = [
      { kind: 'rule' as const, ruleId: 'returns', layer: 'short', at: at(3) },
      { kind: 'rule' as const, ruleId: 'returns', layer: 'detailed', at: at(2) },
      { kind: 'rule' as const, ruleId: 'returns', layer: 'detailed', at: at(1) },
    ];
    const plan = say('返品', { history });
    expect(plan).toMatchObject({
      decision: 'suppressed',
      reason: { code: 'loop_repeat', params: { count: 2, minutes: 60 } },
      pause: 'loop_guard',
      replies: [],
      needsPerson: true,
    });
    // Outside the window it is a new conversation.
    expect(say('返品', { history: history.map((h) => ({ ...h, at: ago(61 * 60_000) })) }).decision).toBe(
      'reply',
    );
  });

  it('stops the fallback repeating after a menu, and caps the replies of any kind in the window', () => {
    const menu = { menuId: 'main', at: ago(60_000) };
    const conversation = { ...base().conversation, menu };
    const fallbacks = [2, 1].map((m) => ({
      kind: 'fallback' as const,
      ruleId: null,
      layer: null,
      at: ago(m * 60_000),
    }));
    expect(say('ほげ', { conversation, history: fallbacks.slice(1) }).decision).toBe('fallback');
    expect(say('ほげ', { conversation, history: fallbacks })).toMatchObject({
      decision: 'suppressed',
      reason: { code: 'loop_repeat' },
    });
    const many = Array.from({ length: 20 }, (_, i) => ({
      kind: 'rule' as const,
      ruleId: `r${i}`,
      layer: 'short',
      at: ago((i + 1) * 60_000),
    }));
    expect(say('営業時間は？', { history: many })).toMatchObject({
      decision: 'suppressed',
      reason: { code: 'loop_volume', params: { count: 20 } },
    });
  });

  it('follows the loop guard of the document: limits, window, or off', async () => {
    const compiled = await compileAutomation(
      {
        ...a.config,
        loopGuard: { enabled: true, sameReplyLimit: 1, replyLimit: 50, windowMinutes: 10 },
      },
      4,
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const once = [{ kind: 'rule' as const, ruleId: 'hours', layer: 'short', at: ago(5 * 60_000) }];
    expect(say('営業時間は？', { automation: compiled.automation, history: once }).decision).toBe(
      'suppressed',
    );
    const older = [{ ...once[0]!, at: ago(11 * 60_000) }];
    expect(say('営業時間は？', { automation: compiled.automation, history: older }).decision).toBe('reply');
    const off = await compileAutomation({ ...a.config, loopGuard: { enabled: false } }, 5);
    if (!off.ok) throw new Error('off');
    const lots = Array.from({ length: 30 }, () => once[0]!);
    expect(say('営業時間は？', { automation: off.automation, history: lots }).decision).toBe('reply');
  });

  it('hands off on 担当者 / agent in the customer language, and stays quiet once paused', () => {
    const ja = say('担当者と話したい');
    expect(ja).toMatchObject({ decision: 'handoff', pause: 'handoff', needsPerson: true });
    expect(ja.replies[0]).toMatchObject({ kind: 'handoff', text: { key: 'handoff', language: 'ja' } });
    expect(say('can I talk to an agent?').replies[0]).toMatchObject({ text: { language: 'en' } });
    const paused = say('返品', { conversation: { ...base().conversation, paused: true } });
    expect(paused).toMatchObject({ decision: 'paused', replies: [], needsPerson: true });
  });

  it('reads menu answers typed as numbers in any form or tapped, with submenus, handoff and a fallback', () => {
    const conversation = { ...base().conversation, menu: { menuId: 'main', at: ago(60_000) } };
    expect(say('２', { conversation }).replies[0]).toMatchObject({
      kind: 'menu',
      content: text('10:00–19:00'),
    });
    const tapped = planAutomation(
      base({ conversation, input: { text: '注文', replyId: menuOptionReplyId('main', 'order') } }),
    );
    expect(tapped).toMatchObject({ decision: 'menu', menu: { menuId: 'order' } });
    expect(say('3', { conversation })).toMatchObject({ decision: 'handoff', pause: 'handoff' });
    const lost = say('えーと', { conversation });
    expect(lost).toMatchObject({ decision: 'fallback', menu: null });
    expect(lost.replies[0]).toMatchObject({ kind: 'fallback', text: { key: 'fallback', language: 'ja' } });
    // A question instead of an answer is still answered; an hour-old menu is no longer awaited.
    expect(say('返品したい', { conversation }).decision).toBe('reply');
    expect(
      say('２', { conversation: { ...conversation, menu: { menuId: 'main', at: ago(61 * 60_000) } } })
        .decision,
    ).toBe('none');
  });

  it('routes by keywords and by contact data, raising priority but never lowering it', () => {
    expect(say('価格を教えて').routing).toEqual({ ruleId: 'price', teamId: TEAM });
    expect(say('最悪です')).toMatchObject({
      routing: { ruleId: 'angry', priority: 'high' },
      priority: 'high',
    });
    expect(say('こんにちは', { contact: { tags: ['vip'] } })).toMatchObject({
      routing: { ruleId: 'vip' },
      priority: 'urgent',
    });
    const urgent = { ...base().conversation, priority: 'urgent' as const };
    expect(say('最悪です', { conversation: urgent }).priority).toBeNull();
  });

  it('escalates after three negative messages in a row', () => {
    expect(say('ひどい対応ですね、許せない', { previousSentiments: ['negative', 'negative'] })).toMatchObject(
      {
        escalated: true,
        priority: 'high',
      },
    );
    expect(say('ひどい対応ですね、許せない', { previousSentiments: ['neutral', 'negative'] }).escalated).toBe(
      false,
    );
  });

  it('keeps unmatched questions (folded) for the insight', () => {
    expect(say('ポイントカードは使えますか').unmatched).toBeTruthy();
    expect(say('返品').unmatched).toBeNull();
    // 「価格を教えて」 went to the sales team by a routing rule: not an unanswered question.
    expect(say('価格を教えて').unmatched).toBeNull();
  });
});

describe('languages', () => {
  it("answers in the variant of the customer's language, else the base response", async () => {
    const compiled = await compileAutomation(
      {
        ...a.config,
        keywordRules: [
          {
            id: 'returns',
            triggers: [{ mode: 'fuzzy', keywords: ['返品', 'refund'] }],
            response: { ...text('返品は7日以内です'), variants: { en: text('Returns within 7 days') } },
            detailedResponse: { ...text('詳しい手順'), variants: { en: text('The steps') } },
          },
        ],
      },
      6,
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const automation = compiled.automation;
    const en = say('I want a refund', { automation });
    expect(en).toMatchObject({ language: 'en', replies: [{ content: text('Returns within 7 days') }] });
    expect(say('返品したい', { automation }).replies[0]?.content).toEqual(text('返品は7日以内です'));
    const history = [{ kind: 'rule' as const, ruleId: 'returns', layer: 'short', at: ago(60_000) }];
    expect(say('refund please', { automation, history }).replies[0]?.content).toEqual(text('The steps'));
    // The message wins over what is known of the contact; "agent" is English.
    expect(
      say('担当者', { automation, contact: { attributes: { language: 'en' } } }).replies[0]?.text,
    ).toEqual({
      key: 'handoff',
      language: 'ja',
    });
    expect(say('agent', { automation }).replies[0]?.text?.language).toBe('en');
  });

  it('names the next opening time outside business hours instead of a wait in minutes', () => {
    const handoff = { key: 'handoff' as const, language: 'ja' as const };
    expect(builtInText(a.config, handoff, 21)).toContain('約21分');
    const closed = builtInText(a.config, handoff, 21, '12/7(月) 10:00');
    expect(closed).toContain('12/7(月) 10:00');
    expect(closed).not.toContain('21');
  });
});
