import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDto } from '../../src/contracts/campaign.schemas.ts';
import type { Db } from '../../src/server/db/types.ts';
import { planCampaign } from '../../src/server/modules/campaigns/campaign-plan.service.ts';
import { releaseCampaign } from '../../src/server/modules/campaigns/campaign-release.service.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129341303';
const AUDIENCE = 150;

/**
 * What a release batch costs the database: a constant number of statements, whatever the number of recipients.
 * Release used to create each recipient's message through the single-send path (about twelve statements a
 * recipient, 8 ms a recipient on PostgreSQL and 27 ms on PGlite, inside the batch's transaction); a 5,000-recipient
 * campaign at 400 mps then released 30–90 recipients a second and, on PGlite, held the one connection for seconds
 * per batch, so the dispatcher sent nothing for most of a minute (test/faults/campaign-chaos.int.test.ts).
 */
describe('campaigns: release cost', () => {
  let s: RunningTsunagi;
  let numberId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    s = await startTestTsunagi({ now: '2026-03-02T01:00:00.000Z' }); // 10:00 in Tokyo
    s.t.simulator!.addTemplate(WABA, {
      name: 'spring_sale',
      language: 'ja',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: '春のセール' }],
    });
    numberId = (await s.addNumber({ wabaId: WABA, mps: 1000 })).id;
    for (let i = 0; i < AUDIENCE; i += 25) {
      const made = await Promise.all(
        Array.from({ length: 25 }, (_, k) =>
          s.api<{ id: string }>('POST', '/api/v1/contacts', { phone: `+8190${String(30000000 + i + k)}` }),
        ),
      );
      for (const r of made) ids.push(r.body.id);
    }
    await s.t.drain();
  });
  afterAll(async () => s?.close());

  it('queues a batch of recipients in a constant number of statements', async () => {
    const created = await s.api<CampaignDto>('POST', '/api/v1/campaigns', {
      name: 'Spring sale',
      phoneNumberIds: [numberId],
      template: { name: 'spring_sale', language: 'ja', variables: [] },
      exclusions: { segmentIds: [], requireOptIn: false },
      audience: { contactIds: ids },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaignId = created.body.id;
    expect((await s.api('POST', `/api/v1/campaigns/${campaignId}/launch`)).status).toBe(200);
    await planCampaign({ db: s.t.ctx.db, clock: s.clock }, s.workspaceId, campaignId);

    let statements = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const db = s.t.ctx.db.withPlugin(counting) as Db;
    const result = await releaseCampaign({ db, clock: s.clock }, s.workspaceId, campaignId);

    expect(result).toEqual({ queued: AUDIENCE, skipped: 0, deferred: 0 });
    expect(statements).toBeLessThan(50);
    const ledger = await s.t.ctx.db
      .selectFrom('campaign_recipients as r')
      .innerJoin('messages as m', 'm.id', 'r.message_id')
      .select(['r.status', 'm.status as message_status', 'm.lane', 'm.origin', 'm.idempotency_key'])
      .where('r.campaign_id', '=', campaignId)
      .execute();
    expect(ledger).toHaveLength(AUDIENCE);
    expect(
      ledger.every(
        (r) =>
          r.status === 'queued' &&
          r.message_status === 'queued' &&
          r.lane === 'bulk' &&
          r.origin === 'campaign' &&
          r.idempotency_key?.startsWith(`campaign:${campaignId}:`),
      ),
    ).toBe(true);

    await s.t.drain();
    const accepted = s.t.simulator!.sent().filter((r) => r.type === 'template');
    expect(new Set(accepted.map((r) => r.to)).size).toBe(AUDIENCE);
    expect(s.t.simulator!.violations()).toEqual([]);
  });

  it('a release run stops after its batches and hands over to the next run at once, once per run', async () => {
    const created = await s.api<CampaignDto>('POST', '/api/v1/campaigns', {
      name: 'Spring sale, again',
      phoneNumberIds: [numberId],
      template: { name: 'spring_sale', language: 'ja', variables: [] },
      exclusions: { segmentIds: [], requireOptIn: false },
      audience: { contactIds: ids },
    });
    const campaignId = created.body.id;
    expect((await s.api('POST', `/api/v1/campaigns/${campaignId}/launch`)).status).toBe(200);
    await planCampaign({ db: s.t.ctx.db, clock: s.clock }, s.workspaceId, campaignId);
    const deps = { db: s.t.ctx.db, clock: s.clock };
    const run = { key: 'job-1', maxBatches: 2, batchSize: 40 };
    // Two batches of 40, then the next run is enqueued; the same run done again (a crash before its job was
    // marked done) releases the next 80 and hands over to the same next run, not to a second one.
    expect(await releaseCampaign(deps, s.workspaceId, campaignId, run)).toEqual({
      queued: 80,
      skipped: 0,
      deferred: 0,
    });
    expect((await releaseCampaign(deps, s.workspaceId, campaignId, run)).queued).toBe(70);
    const next = await s.t.ctx.db
      .selectFrom('jobs')
      .select(['payload', 'run_at', 'dedupe_key'])
      .where('name', '=', 'campaign.release')
      .where('dedupe_key', 'like', `release:${campaignId}:after:%`)
      .execute();
    expect(next).toEqual([
      { payload: { campaignId }, run_at: s.clock.now(), dedupe_key: `release:${campaignId}:after:job-1` },
    ]);
    await s.t.drain();
    // The hand-over ran: every recipient left the ledger's `planned` state with one message of its own.
    const ledger = await s.t.ctx.db
      .selectFrom('campaign_recipients')
      .select(['status', 'message_id'])
      .where('campaign_id', '=', campaignId)
      .execute();
    expect(ledger.filter((r) => r.status === 'planned' || !r.message_id)).toEqual([]);
    expect(new Set(ledger.map((r) => r.message_id)).size).toBe(AUDIENCE);
  });
});
