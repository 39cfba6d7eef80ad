import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDto, ConversationDto } from '../../src/contracts/api.schemas.ts';
import { seedMember } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/** Weekdays 10:00–19:00 in Tokyo. */
const HOURS = {
  timeZone: 'Asia/Tokyo',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '10:00', close: '19:00' }]]),
  ),
};
const text = (body: string) => ({ type: 'text' as const, text: { body } });

/** The acceptance scenarios, through the simulator over real HTTP, time on a fake clock. */
describe('automation engine (through the simulator)', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    // Monday 2026-03-02 23:00 in Tokyo.
    s = await startTestTsunagi({ now: '2026-03-02T14:00:00.000Z' });
  });
  afterAll(async () => s?.close());

  async function customerSays(number: { phoneNumberId: string }, from: string, body: string) {
    s.t.simulator!.inbound({ phoneNumberId: number.phoneNumberId, from, message: text(body) });
    await s.t.drain();
  }
  const sentTo = (number: { phoneNumberId: string }, to: string) =>
    s.t
      .simulator!.sent({ phoneNumberId: number.phoneNumberId, to })
      .map((r) => r.body as Record<string, unknown>);
  const bodyOf = (m: Record<string, unknown>) => (m.text as { body: string }).body;
  async function conversationOf(number: { id: string }) {
    const list = await s.api<{ data: ConversationDto[] }>(
      'GET',
      `/api/v1/conversations?phoneNumberId=${number.id}`,
    );
    return list.body.data[0]!;
  }

  it('answers 「へんぴんしたい」 at 23:00 after a delay, in detail when asked again, and stops when the same answer would go a third time', async () => {
    const number = await s.addNumber();
    const saved = await s.api('PUT', '/api/v1/automation', {
      config: {
        businessHours: HOURS,
        away: { enabled: true, response: text('ただいま営業時間外です。') },
        keywordRules: [
          {
            id: 'returns',
            name: '返品',
            triggers: [{ mode: 'fuzzy', keywords: ['返品', '返金', 'お金を返して', 'refund'] }],
            response: text('返品は商品到着後7日以内に承ります。'),
            detailedResponse: text(
              '返品の手順: 1) 注文番号をお知らせください 2) 返送先をご案内します 3) 到着後に返金します。',
            ),
          },
        ],
      },
    });
    expect(saved.status).toBe(200);

    await customerSays(number, '819055550001', 'へんぴんしたい');
    expect(sentTo(number, '819055550001')).toHaveLength(0); // a person would take a few seconds too
    s.clock.advance(5_000);
    await s.t.drain();
    const first = sentTo(number, '819055550001');
    expect(first.map(bodyOf)).toEqual(['返品は商品到着後7日以内に承ります。']); // no away message on top of an answer

    s.clock.advance(60_000);
    await customerSays(number, '819055550001', 'ヘンピンの方法をもう一度');
    s.clock.advance(5_000);
    await s.t.drain();
    expect(sentTo(number, '819055550001').map(bodyOf)[1]).toMatch(/^返品の手順/);

    s.clock.advance(60_000);
    await customerSays(number, '819055550001', '返金まだですか');
    s.clock.advance(5_000);
    await s.t.drain();
    expect(sentTo(number, '819055550001')).toHaveLength(3);

    s.clock.advance(60_000);
    await customerSays(number, '819055550001', '返品!!!');
    s.clock.advance(30_000);
    await s.t.drain();
    expect(sentTo(number, '819055550001')).toHaveLength(3); // the detailed answer a third time within the hour is not sent
    const conv = await conversationOf(number);
    expect(conv.automationPaused).toBe('loop_guard');
    expect(conv.status).toBe('open');
    const queue = await s.api<{ data: ConversationDto[] }>(
      'GET',
      '/api/v1/conversations?view=unassigned&status=open',
    );
    expect(queue.body.data.map((c) => c.id)).toContain(conv.id);
    const log = await s.api<{ data: ActivityDto[] }>(
      'GET',
      `/api/v1/conversations/${conv.id}/activities?limit=100`,
    );
    const automation = log.body.data.filter((a) => a.kind === 'automation');
    expect(automation[0]).toMatchObject({ data: { decision: 'suppressed', paused: 'loop_guard' } });
    expect(automation.at(-1)).toMatchObject({
      data: { decision: 'reply', ruleId: 'returns', keyword: expect.any(String) },
    });

    // Paused: later messages get no automatic reply; messages from automation are marked as such.
    await customerSays(number, '819055550001', 'へんぴん');
    s.clock.advance(30_000);
    await s.t.drain();
    expect(sentTo(number, '819055550001')).toHaveLength(3);
    expect(s.t.simulator!.violations()).toEqual([]);
  });

  it('routes a 価格 question in business hours to the sales team and reassigns it after the unread timeout', async () => {
    // Tuesday 11:00 in Tokyo.
    s.clock.set(new Date('2026-03-03T02:00:00.000Z'));
    const number = await s.addNumber();
    const [a, b] = [
      await seedMember(s.t.ctx, s.workspaceId, 'agent'),
      await seedMember(s.t.ctx, s.workspaceId, 'agent'),
    ];
    const heartbeat = () =>
      s.t.ctx.db
        .updateTable('memberships')
        .set({ availability: 'online', last_seen_at: s.clock.now() })
        .where('workspace_id', '=', s.workspaceId)
        .where('user_id', 'in', [a, b])
        .execute();
    await heartbeat();
    const team = await s.api<{ id: string }>('POST', '/api/v1/teams', { name: 'Sales', memberIds: [a, b] });
    const saved = await s.api('PUT', '/api/v1/automation', {
      config: {
        businessHours: HOURS,
        routingRules: [
          {
            id: 'sales',
            name: '価格',
            triggers: [{ mode: 'contains', keywords: ['価格', '料金', 'price'] }],
            action: { teamId: team.body.id },
          },
        ],
        assignment: { strategy: 'round_robin', unreadTimeoutMinutes: 2 },
      },
    });
    expect(saved.status).toBe(200);

    await customerSays(number, '819055550002', '価格を教えてください');
    let conv = await conversationOf(number);
    expect(conv.teamId).toBe(team.body.id);
    const first = conv.assigneeId;
    expect([a, b]).toContain(first);

    s.clock.advance(60_000);
    await s.t.drain();
    expect((await conversationOf(number)).assigneeId).toBe(first); // not yet

    s.clock.advance(61_000);
    await heartbeat(); // consoles check in every minute: both agents are still online
    await s.t.drain();
    conv = await conversationOf(number);
    const second = first === a ? b : a;
    expect(conv.assigneeId).toBe(second);
    const log = await s.api<{ data: ActivityDto[] }>('GET', `/api/v1/conversations/${conv.id}/activities`);
    expect(log.body.data[0]).toMatchObject({
      kind: 'assigned',
      body: 'unread for 2 min: reassigned',
      data: { from: first, to: second },
    });

    // The new assignee opens it in time: it stays with them.
    await s.t.ctx.db
      .updateTable('conversations')
      .set({ assignee_read_at: s.clock.now() })
      .where('id', '=', conv.id)
      .execute();
    s.clock.advance(3 * 60_000);
    await heartbeat();
    await s.t.drain();
    expect((await conversationOf(number)).assigneeId).toBe(second);
  });
});
