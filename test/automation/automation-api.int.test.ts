import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDto, ConversationDto } from '../../src/contracts/api.schemas.ts';
import { getAutomation } from '../../src/server/modules/automation/automation-config.service.ts';
import { dryRun } from '../../src/server/modules/automation/automation-dry-run.service.ts';
import { seedDemo } from '../../src/server/modules/workspaces/demo.service.ts';
import { seedApiKey } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';
import { applyInboundMessages } from '../../src/server/pipeline/inbound-apply.ts';

const text = (body: string) => ({ type: 'text' as const, text: { body } });
interface ErrorBody {
  error: { code: string; details: { errors: Array<{ code: string; path: string; message: string }> } };
}

/** Saving, versioning and testing the automation document; welcome, menus, handoff and insight end to end. */
describe('automation API and flows', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    // Monday 2026-03-02 10:00 in Tokyo.
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  const save = (config: unknown, note?: string) =>
    s.api<ErrorBody>('PUT', '/api/v1/automation', { config, note });
  async function customer(number: { phoneNumberId: string }, from: string, message: Record<string, unknown>) {
    s.t.simulator!.inbound({ phoneNumberId: number.phoneNumberId, from, message: message as never });
    await s.t.drain();
    s.clock.advance(10_000);
    await s.t.drain();
  }
  const sent = (number: { phoneNumberId: string }, to: string) =>
    s.t
      .simulator!.sent({ phoneNumberId: number.phoneNumberId, to })
      .map((r) => r.body as Record<string, unknown>);

  it('refuses a document that would not work, naming every field, and saves nothing', async () => {
    const bad = await save({
      keywordRules: [
        { id: 'a', triggers: [{ mode: 'regex', keywords: ['(unclosed'] }], response: text('x') },
        { id: 'b', triggers: [{ mode: 'contains', keywords: ['  ！ '] }], response: text('x') },
        {
          id: 'c',
          triggers: [{ mode: 'contains', keywords: ['ok'] }],
          response: { type: 'text', text: { body: '' } },
        },
        {
          id: 'd',
          triggers: [{ mode: 'contains', keywords: ['ok'] }],
          condition: 'tag:',
          response: text('x'),
        },
        {
          id: 'e',
          triggers: [{ mode: 'contains', keywords: ['ok'] }],
          response: text('{{#if event.order_placed within}}x{{/if}}'),
        },
      ],
      menus: [
        {
          id: 'm',
          style: 'buttons',
          header: 'h',
          options: [{ id: 'o', title: 'title longer than 20ch' }],
        },
      ],
      routingRules: [
        {
          id: 'r',
          triggers: [{ mode: 'contains', keywords: ['x'] }],
          action: { teamId: '01900000-0000-7000-8000-000000000009' },
        },
        { id: 'by-plan', condition: 'attr.plan ==', action: { priority: 'high' } },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_automation');
    const byPath = Object.fromEntries(bad.body.error.details.errors.map((e) => [e.path, e.code]));
    expect(byPath).toMatchObject({
      'keywordRules.0.triggers.0.keywords.0': 'invalid_regex',
      'keywordRules.1.triggers.0.keywords.0': 'empty_trigger',
      'keywordRules.3.condition': 'invalid_condition',
      'keywordRules.4.response': 'invalid_condition',
      'menus.0.options.0.title': 'invalid_menu',
      'menus.0.options.0': 'invalid_menu',
      'routingRules.1.condition': 'invalid_condition',
    });
    expect(Object.keys(byPath).some((p) => p.startsWith('keywordRules.2.response'))).toBe(true);
    const refs = await save({
      routingRules: [
        {
          id: 'r',
          triggers: [{ mode: 'contains', keywords: ['x'] }],
          action: { teamId: '01900000-0000-7000-8000-000000000009' },
        },
      ],
    });
    expect(refs.body.error.details.errors).toEqual([
      expect.objectContaining({
        path: 'routingRules.0.action.teamId',
        message: 'no such team in this workspace',
      }),
    ]);
    const state = await s.api<{ version: number; enabled: boolean }>('GET', '/api/v1/automation');
    expect(state.body).toMatchObject({ version: 0, enabled: false });
    // Only admins change it.
    const agent = await seedApiKey(s.t.ctx, s.workspaceId, 'agent');
    const denied = await s.api('PUT', '/api/v1/automation', { config: {} }, agent);
    expect(denied.status).toBe(403);
  });

  it('keeps versions and rolls back to an old one as a new version', async () => {
    const v1 = await save(
      {
        keywordRules: [
          {
            id: 'hours',
            triggers: [{ mode: 'contains', keywords: ['営業時間'] }],
            response: text('10時から19時です'),
          },
        ],
      },
      'first',
    );
    expect(v1.status).toBe(200);
    const v2 = await save({ keywordRules: [] }, 'cleared');
    expect(v2.status).toBe(200);
    const rolled = await s.api<{ version: number; config: { keywordRules: unknown[] } }>(
      'POST',
      '/api/v1/automation/rollback',
      { version: 1 },
    );
    expect(rolled.body.version).toBe(3);
    expect(rolled.body.config.keywordRules).toHaveLength(1);
    const versions = await s.api<{ data: Array<{ version: number; note: string; active: boolean }> }>(
      'GET',
      '/api/v1/automation/versions',
    );
    expect(versions.body.data.map((v) => [v.version, v.note, v.active])).toEqual([
      [3, 'Rollback to version 1', true],
      [2, 'cleared', false],
      [1, 'first', false],
    ]);
    expect((await s.api('POST', '/api/v1/automation/rollback', { version: 99 })).status).toBe(404);
  });

  it('answers "what would happen if…" without sending anything, for the saved document or a draft', async () => {
    const number = await s.addNumber();
    const config = {
      businessHours: { timeZone: 'Asia/Tokyo', weekly: { mon: [{ open: '10:00', close: '19:00' }] } },
      away: { enabled: true, response: text('営業時間外です') },
      keywordRules: [
        {
          id: 'hours',
          triggers: [{ mode: 'fuzzy', keywords: ['営業時間'] }],
          response: text('10時から19時です'),
        },
      ],
    };
    expect((await save(config)).status).toBe(200);
    const night = await s.api<{
      inBusinessHours: boolean;
      plan: { decision: string; replies: Array<{ kind: string }> };
    }>('POST', '/api/v1/automation/dry-run', {
      text: 'こんばんは',
      phoneNumberId: number.id,
      at: '2026-03-02T23:00:00+09:00',
    });
    expect(night.body).toMatchObject({
      inBusinessHours: false,
      plan: { decision: 'away', replies: [{ kind: 'away' }] },
    });
    const day = await s.api<{ plan: { decision: string; match: { keyword: string } } }>(
      'POST',
      '/api/v1/automation/dry-run',
      {
        text: 'えいぎょうじかんは？',
        phoneNumberId: number.id,
        at: '2026-03-02T11:00:00+09:00',
      },
    );
    expect(day.body.plan).toMatchObject({ decision: 'reply', match: { keyword: '営業時間' } });
    const draft = await s.api<{ configVersion: null; plan: { decision: string } }>(
      'POST',
      '/api/v1/automation/dry-run',
      {
        text: 'こんばんは',
        phoneNumberId: number.id,
        at: '2026-03-02T23:00:00+09:00',
        config: { ...config, away: { enabled: false } },
      },
    );
    expect(draft.body).toMatchObject({ configVersion: null, plan: { decision: 'none' } });
    const handoff = await s.api<{ plan: { replies: Array<{ content: { text: { body: string } } }> } }>(
      'POST',
      '/api/v1/automation/dry-run',
      { text: 'I want to talk to an agent', phoneNumberId: number.id },
    );
    // Nobody is online: the customer is told a person will answer in business hours.
    expect(handoff.body.plan.replies[0]!.content.text.body).toBe(
      'Connecting you with a person. We will reply in business hours, in order.',
    );
    expect(s.t.simulator!.sent({ phoneNumberId: number.phoneNumberId })).toEqual([]);
  });

  it('welcomes with a menu, follows taps and typed numbers, hands off to a person with the expected wait', async () => {
    const number = await s.addNumber();
    expect(
      (
        await save({
          replyDelayMs: { min: 1000, max: 1000 },
          welcome: { enabled: true, response: { type: 'menu', menuId: 'main' } },
          menus: [
            {
              id: 'main',
              style: 'buttons',
              header: 'ご用件をお選びください',
              options: [
                { id: 'hours', title: '営業時間', response: text('10:00〜19:00です') },
                { id: 'order', title: 'ご注文', submenuId: 'order' },
                { id: 'person', title: '担当者', handoff: true },
              ],
            },
            {
              id: 'order',
              header: 'ご注文について',
              options: [{ id: 'status', title: '配送状況', response: text('追跡番号をお送りください') }],
            },
          ],
        })
      ).status,
    ).toBe(200);
    const from = '819066660001';
    await customer(number, from, text('こんにちは'));
    const welcome = sent(number, from)[0]!;
    expect(welcome).toMatchObject({
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'ご用件をお選びください' } },
    });
    const buttons = (
      welcome.interactive as { action: { buttons: Array<{ reply: { id: string; title: string } }> } }
    ).action.buttons;
    await customer(number, from, {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: buttons[1]!.reply },
    });
    expect(sent(number, from)[1]).toMatchObject({
      type: 'text',
      text: { body: 'ご注文について\n\n1. 配送状況' },
    });
    await customer(number, from, text('１'));
    expect(sent(number, from)[2]).toMatchObject({ text: { body: '追跡番号をお送りください' } });

    // The loop guard resets after an hour; then the customer asks for a person.
    s.clock.advance(61 * 60_000);
    await customer(number, from, text('担当者をお願いします'));
    const handoff = sent(number, from)[3]!;
    expect((handoff.text as { body: string }).body).toMatch(/^担当者におつなぎします/);
    const conv = (
      await s.api<{ data: ConversationDto[] }>('GET', `/api/v1/conversations?phoneNumberId=${number.id}`)
    ).body.data[0]!;
    expect(conv.automationPaused).toBe('handoff');
    const log = await s.api<{ data: ActivityDto[] }>(
      'GET',
      `/api/v1/conversations/${conv.id}/activities?limit=100`,
    );
    expect(log.body.data.filter((x) => x.kind === 'automation').map((x) => x.data.decision)).toEqual([
      'handoff',
      'menu',
      'menu',
      'welcome',
    ]);

    // Paused: nothing automatic until an agent resumes automation.
    await customer(number, from, text('3'));
    expect(sent(number, from)).toHaveLength(4);
    expect(
      (await s.api<{ resumed: boolean }>('POST', `/api/v1/conversations/${conv.id}/automation/resume`)).body
        .resumed,
    ).toBe(true);
    await customer(number, from, text('こんにちは'));
    expect(sent(number, from)).toHaveLength(4); // not a first message any more, and no rule for it
    expect(s.t.simulator!.violations()).toEqual([]);
  });

  it('fills conditional content from contact events, and groups unmatched questions for the insight', async () => {
    const number = await s.addNumber();
    expect(
      (
        await save({
          keywordRules: [
            {
              id: 'order',
              triggers: [{ mode: 'fuzzy', keywords: ['注文', 'order'] }],
              response: text(
                '{{#if event.order_placed within 7d}}ご注文状況: https://shop.example/o{{else}}ご注文番号をお知らせください{{/if}}',
              ),
            },
          ],
        })
      ).status,
    ).toBe(200);
    const from = '819066660002';
    await customer(number, from, text('注文はどうなっていますか'));
    expect(sent(number, from)[0]).toMatchObject({ text: { body: 'ご注文番号をお知らせください' } });
    const conv = (
      await s.api<{ data: ConversationDto[] }>('GET', `/api/v1/conversations?phoneNumberId=${number.id}`)
    ).body.data[0]!;
    expect(
      (await s.api('POST', `/api/v1/contacts/${conv.contactId}/events`, { name: 'order_placed' })).status,
    ).toBe(201);
    await customer(number, from, text('ちゅうもんの状況は？'));
    expect(sent(number, from)[1]).toMatchObject({ text: { body: 'ご注文状況: https://shop.example/o' } });
    // An hour later: the same answer twice within the hour would trip the loop guard.
    s.clock.advance(61 * 60_000);
    const tested = await s.api<{ plan: { replies: Array<{ content: unknown }> } }>(
      'POST',
      '/api/v1/automation/dry-run',
      {
        text: '注文',
        phoneNumberId: number.id,
        contactId: conv.contactId,
      },
    );
    expect(tested.body.plan.replies[0]!.content).toEqual(text('ご注文状況: https://shop.example/o'));

    await customer(number, from, text('ポイントカードは使えますか？'));
    await customer(number, from, text('ﾎﾟｲﾝﾄｶｰﾄﾞは使えますか？'));
    const insight = await s.api<{
      topRules: Array<{ ruleId: string; count: number }>;
      unmatched: Array<{ normalized: string; count: number; sample: string }>;
    }>('GET', '/api/v1/automation/insight?days=1');
    expect(insight.body.topRules).toContainEqual({ ruleId: 'order', count: 2 });
    expect(insight.body.unmatched[0]).toMatchObject({ count: 2, sample: 'ﾎﾟｲﾝﾄｶｰﾄﾞは使えますか？' });
  });

  it('renders "inactive for 30 days" content from the customer\'s previous message, as decided', async () => {
    const number = await s.addNumber();
    expect(
      (
        await save({
          keywordRules: [
            {
              id: 'coupon',
              triggers: [{ mode: 'contains', keywords: ['クーポン'] }],
              response: text(
                '{{#if not event.message_received within 30d}}WELCOME10{{else}}いつもありがとうございます{{/if}}',
              ),
            },
          ],
        })
      ).status,
    ).toBe(200);
    const from = '819066660009';
    await customer(number, from, text('クーポンありますか'));
    expect(sent(number, from)[0]).toMatchObject({ text: { body: 'WELCOME10' } });
    s.clock.advance(24 * 3600_000);
    await customer(number, from, text('クーポンまだありますか'));
    expect(sent(number, from)[1]).toMatchObject({ text: { body: 'いつもありがとうございます' } });
  });

  it('does nothing when automation is off, and a catastrophic pattern cannot stall ingestion', async () => {
    const number = await s.addNumber();
    expect(
      (
        await save({
          keywordRules: [
            { id: 'evil', triggers: [{ mode: 'regex', keywords: ['^(a+)+b$'] }], response: text('matched') },
          ],
        })
      ).status,
    ).toBe(200);
    const from = '819066660003';
    const started = performance.now();
    await customer(number, from, text('a'.repeat(900) + '!'));
    expect(performance.now() - started).toBeLessThan(30_000); // generous: a backtracking engine would never finish
    expect(sent(number, from)).toHaveLength(0);
    await customer(number, from, text('aaab'));
    expect(sent(number, from)).toHaveLength(1);

    expect((await s.api('PATCH', '/api/v1/automation', { enabled: false })).status).toBe(200);
    await customer(number, from, text('aaab'));
    expect(sent(number, from)).toHaveLength(1);
    const jobs = await s.t.ctx.db
      .selectFrom('jobs')
      .select('id')
      .where('name', '=', 'automation.inbound')
      .where('status', '=', 'pending')
      .execute();
    expect(jobs).toEqual([]);
  });

  it('ships a working sample automation in the demo workspace', async () => {
    const demo = await seedDemo(
      { db: s.t.ctx.db, clock: s.clock, secrets: s.t.ctx.secrets, applyInbound: applyInboundMessages },
      { automation: true },
    );
    const state = await getAutomation(s.t.ctx, demo.workspaceId);
    expect(state).toMatchObject({ enabled: true, version: 1 });
    const res = await dryRun({ ...s.t.ctx, cache: s.t.ctx.automationCache }, demo.workspaceId, {
      text: 'ﾍﾝﾋﾟﾝしたいです',
      phoneNumberId: demo.phoneNumbers[0]!.id,
      at: '2026-03-02T23:00:00+09:00',
    });
    expect(res.plan).toMatchObject({ decision: 'reply', match: { ruleId: 'returns' } });
  });
});
