import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDto } from '../../src/contracts/campaign.schemas.ts';
import { planCampaign } from '../../src/server/modules/campaigns/campaign-plan.service.ts';
import { releaseCampaign } from '../../src/server/modules/campaigns/campaign-release.service.ts';
import { signBody } from '../../src/simulator/index.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129341202';
const AUDIENCE = 240;

/**
 * The ledger's guarantees under concurrency and retries, through the simulator: three planners with small batches
 * and three releases at once, twice over, still give each contact exactly one message; a 131049 failure is
 * retried once, 24 h later, as the next attempt of the same ledger row.
 */
describe('campaigns: exactly once under duplicate jobs, and the 131049 retry', () => {
  let s: RunningTsunagi;
  let numberId: string;
  let cloudNumberId: string;
  const ids: string[] = [];

  const launch = async (body: Record<string, unknown>) => {
    const res = await s.api<CampaignDto>('POST', '/api/v1/campaigns', {
      name: 'Flash sale',
      phoneNumberIds: [numberId],
      template: { name: 'flash_sale', language: 'ja', variables: [] },
      exclusions: { segmentIds: [], requireOptIn: false },
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await s.api<CampaignDto>('POST', `/api/v1/campaigns/${res.body.id}/launch`)).status).toBe(200);
    return res.body.id;
  };
  const messagesOf = (campaignId: string) =>
    s.t.ctx.db
      .selectFrom('messages')
      .select(['id', 'contact_id', 'idempotency_key', 'wamid'])
      .where('workspace_id', '=', s.workspaceId)
      .where('idempotency_key', 'like', `campaign:${campaignId}:%`)
      .orderBy('created_at')
      .execute();
  const drainAll = async () => {
    await s.t.drain();
    await s.t.simulator!.flush();
    await s.t.drain();
  };

  beforeAll(async () => {
    s = await startTestTsunagi({ now: '2026-03-02T01:00:00.000Z' }); // 10:00 in Tokyo
    s.t.simulator!.addTemplate(WABA, {
      name: 'flash_sale',
      language: 'ja',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: '本日限りのセール！' }],
    });
    const n = await s.addNumber({ wabaId: WABA, mps: 1000 });
    numberId = n.id;
    cloudNumberId = n.phoneNumberId;
    for (let i = 0; i < AUDIENCE; i += 20) {
      const made = await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          s.api<{ id: string }>('POST', '/api/v1/contacts', { phone: `+8190${String(20000000 + i + k)}` }),
        ),
      );
      for (const r of made) ids.push(r.body.id);
    }
    await s.t.drain();
  });
  afterAll(async () => s?.close());

  it('three planners and three releases at once, twice: one message per contact', async () => {
    const campaignId = await launch({ audience: { contactIds: ids } });
    const deps = { db: s.t.ctx.db, clock: s.clock };
    for (let round = 0; round < 2; round++) {
      await Promise.all([
        planCampaign(deps, s.workspaceId, campaignId, 17),
        planCampaign(deps, s.workspaceId, campaignId, 23),
        planCampaign(deps, s.workspaceId, campaignId, 40),
      ]);
      await Promise.all([
        releaseCampaign(deps, s.workspaceId, campaignId),
        releaseCampaign(deps, s.workspaceId, campaignId),
        releaseCampaign(deps, s.workspaceId, campaignId),
      ]);
    }
    await drainAll(); // the launch's own plan and release jobs, then the sends
    const ledger = await s.t.ctx.db
      .selectFrom('campaign_recipients')
      .select(['contact_id', 'status', 'message_id'])
      .where('campaign_id', '=', campaignId)
      .execute();
    expect(ledger).toHaveLength(AUDIENCE);
    expect(ledger.every((r) => r.message_id !== null)).toBe(true);
    const messages = await messagesOf(campaignId);
    expect(messages).toHaveLength(AUDIENCE);
    expect(new Set(messages.map((m) => m.contact_id)).size).toBe(AUDIENCE);
    const accepted = s.t
      .simulator!.sent({ phoneNumberId: cloudNumberId })
      .filter((r) => r.type === 'template');
    expect(accepted).toHaveLength(AUDIENCE);
    expect(new Set(accepted.map((r) => r.to)).size).toBe(AUDIENCE);
    expect(s.t.simulator!.violations()).toEqual([]);
  });

  it('retries a 131049 failure once, 24 h later, on the same ledger row', async () => {
    s.t.simulator!.setFaults({ dropStatuses: ['delivered', 'read'] });
    const contactId = ids[0]!;
    const campaignId = await launch({ name: 'Retry', audience: { contactIds: [contactId] } });
    await drainAll();
    const fail131049 = async (wamid: string) => {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '81300000000', phone_number_id: cloudNumberId },
                  statuses: [
                    {
                      id: wamid,
                      status: 'failed',
                      timestamp: String(Math.floor(s.clock.nowMs() / 1000)),
                      recipient_id: '819020000000',
                      errors: [
                        {
                          code: 131049,
                          title: 'This message was not delivered to maintain healthy ecosystem engagement.',
                          message: 'This message was not delivered to maintain healthy ecosystem engagement.',
                          error_data: { details: 'In order to maintain a healthy ecosystem engagement…' },
                        },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      const res = await fetch(`${s.t.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(s.t.ctx.appSecret!, body),
        },
        body,
      });
      expect(res.status).toBe(200);
      await drainAll();
    };
    const row = () =>
      s.t.ctx.db
        .selectFrom('campaign_recipients')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .executeTakeFirstOrThrow();

    const [first] = await messagesOf(campaignId);
    await fail131049(first!.wamid!);
    expect(await row()).toMatchObject({
      status: 'planned',
      attempt: 1,
      message_id: null,
      retry_of_message_id: first!.id,
      error_code: 131049,
      due_at: new Date(s.clock.nowMs() + 24 * 3_600_000),
    });
    expect((await s.api<CampaignDto>('GET', `/api/v1/campaigns/${campaignId}`)).body.status).toBe('running');

    s.clock.advance(24 * 3_600_000 - 60_000);
    await s.t.scheduler.tick();
    await drainAll();
    expect(await messagesOf(campaignId)).toHaveLength(1); // not yet due
    s.clock.advance(60_000);
    await s.t.scheduler.tick();
    await drainAll();
    const both = await messagesOf(campaignId);
    expect(both.map((m) => m.idempotency_key)).toEqual([
      `campaign:${campaignId}:${contactId}:0`,
      `campaign:${campaignId}:${contactId}:1`,
    ]);
    expect(await row()).toMatchObject({ status: 'sent', attempt: 1, message_id: both[1]!.id });

    // The retry fails the same way: no third attempt.
    await fail131049(both[1]!.wamid!);
    expect(await row()).toMatchObject({ status: 'failed', error_code: 131049 });
    s.clock.advance(25 * 3_600_000);
    await s.t.scheduler.tick();
    await drainAll();
    expect(await messagesOf(campaignId)).toHaveLength(2);
    const counters = (await s.api<CampaignDto>('GET', `/api/v1/campaigns/${campaignId}`)).body.counters;
    expect(counters?.failed).toEqual([{ code: 131049, meaning: expect.stringMatching(/24 h/), count: 1 }]);
    s.t.simulator!.resetFaults();
  });

  it('releases at most the hourly cap per number per rolling hour', async () => {
    s.clock.advance(25 * 3_600_000); // yesterday's sends are out of every window
    const campaignId = await launch({
      name: 'Capped',
      audience: { contactIds: ids },
      limits: { hourlyCap: 100, ramp: null },
    });
    await drainAll();
    const released = async () => (await messagesOf(campaignId)).length;
    expect(await released()).toBe(100);
    s.clock.advance(30 * 60_000);
    await s.t.scheduler.tick();
    await drainAll();
    expect(await released()).toBe(100);
    s.clock.advance(30 * 60_000);
    await s.t.scheduler.tick();
    await drainAll();
    expect(await released()).toBe(200);
    s.clock.advance(60 * 60_000);
    await s.t.scheduler.tick();
    await drainAll();
    expect(await released()).toBe(AUDIENCE);
    expect((await s.api<CampaignDto>('GET', `/api/v1/campaigns/${campaignId}`)).body.status).toBe(
      'completed',
    );
  });
});
