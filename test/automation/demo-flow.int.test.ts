import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDto, ConversationDto } from '../../src/contracts/api.schemas.ts';
import { seedDemo, type DemoSeed } from '../../src/server/modules/workspaces/demo.service.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';
import { applyInboundMessages } from '../../src/server/pipeline/inbound-apply.ts';

const text = (body: string) => ({ type: 'text' as const, text: { body } });

/**
 * The demo automation of the README, through the simulator over real HTTP on a fake clock: the demo flow is
 * answered at every step, out of hours a handoff names the next opening time, and an English customer gets
 * English answers.
 */
describe('the demo automation (through the simulator)', () => {
  let s: RunningTsunagi;
  let demo: DemoSeed;
  let number: { id: string; phoneNumberId: string };
  let customer = 819077770000;
  beforeAll(async () => {
    // Saturday 2026-03-07 00:20 in Tokyo: outside business hours.
    s = await startTestTsunagi({ now: '2026-03-06T15:20:00.000Z' });
    demo = await seedDemo(
      { db: s.t.ctx.db, clock: s.clock, secrets: s.t.ctx.secrets, applyInbound: applyInboundMessages },
      { automation: true },
    );
    await s.t.resyncSimulator();
    number = demo.phoneNumbers[0]!;
  });
  afterAll(async () => s?.close());

  const auth = () => ({ authorization: `Bearer ${demo.apiKey}` });
  async function says(from: string, body: string): Promise<string[]> {
    const before = sent(from).length;
    s.t.simulator!.inbound({ phoneNumberId: number.phoneNumberId, from, message: text(body) });
    await s.t.drain();
    s.clock.advance(15_000);
    await s.t.drain();
    return sent(from).slice(before);
  }
  function sent(to: string): string[] {
    return s.t.simulator!.sent({ phoneNumberId: number.phoneNumberId, to }).map((r) => {
      const b = r.body as { text?: { body: string }; interactive?: { body: { text: string } } };
      return b.text?.body ?? b.interactive?.body.text ?? '?';
    });
  }
  async function activities(from: string): Promise<ActivityDto[]> {
    const list = await s.api<{ data: ConversationDto[] }>(
      'GET',
      `/api/v1/conversations?phoneNumberId=${number.id}&limit=100`,
      undefined,
      auth(),
    );
    const conv = list.body.data.find((c) => c.contact?.waId === from)!;
    const log = await s.api<{ data: ActivityDto[] }>(
      'GET',
      `/api/v1/conversations/${conv.id}/activities?limit=100`,
      undefined,
      auth(),
    );
    return log.body.data;
  }
  const next = () => String(++customer);

  it('answers こんにちは, へんぴんしたい twice and メニュー: a customer walking through is not a loop', async () => {
    const from = next();
    expect(await says(from, 'こんにちは')).toEqual([expect.stringContaining('営業時間外')]);
    expect(await says(from, 'へんぴんしたい')).toEqual([expect.stringMatching(/^返品は商品到着後7日以内/)]);
    expect(await says(from, 'へんぴんしたい')).toEqual([expect.stringMatching(/^返品の手順/)]);
    expect(await says(from, 'メニュー')).toEqual(['ご用件をお選びください']);
    const log = await activities(from);
    expect(log.filter((a) => a.data.decision === 'suppressed')).toEqual([]);
    expect(log.map((a) => a.data.reason)).toContainEqual({
      code: 'keyword',
      params: { keyword: expect.any(String), mode: 'fuzzy', rule: 'returns' },
    });
  });

  it('still stops when the same answer keeps repeating', async () => {
    const from = next();
    await says(from, 'へんぴんしたい');
    await says(from, 'へんぴんしたい');
    await says(from, 'へんぴんしたい');
    expect(await says(from, 'へんぴんしたい')).toEqual([]);
    const log = await activities(from);
    expect(log.find((a) => a.data.decision === 'suppressed')?.data).toMatchObject({
      paused: 'loop_guard',
      reason: { code: 'loop_repeat' },
    });
  });

  it('out of hours, 担当者 names the next opening time instead of a wait in minutes', async () => {
    const from = next();
    const [reply] = await says(from, '担当者');
    expect(reply).toContain('3/9(月) 10:00');
    expect(reply).not.toMatch(/約\d+分/);
    const en = await says(next(), 'I want to talk to a person');
    expect(en[0]).toContain('Mon, 3/9, 10:00');
  });

  it('answers an English "I want a refund" in English, with the English handoff after it', async () => {
    const from = next();
    expect(await says(from, 'I want a refund')).toEqual([
      'Returns are accepted within 7 days of delivery. Ask again for the steps.',
    ]);
    expect(await says(from, 'agent')).toEqual([expect.stringMatching(/^Connecting you with a person/)]);
  });
});
