import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AudienceAnalytics,
  CampaignsAnalytics,
  TopicsAnalytics,
} from '../../src/contracts/analytics.schemas.ts';
import type { Insertable } from 'kysely';
import type { CampaignRecipientsTable } from '../../src/server/db/types.ts';
import { rebuildWorkspace } from '../../src/server/modules/analytics/analytics-refresh.service.ts';
import { seedApiKey, seedInboundConversation } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const text = (body: string) => ({ type: 'text' as const, text: { body } });
/** Tuesday 2026-03-10 10:00 in Tokyo. The range is the 7 local days 03-04 … 03-10 (previous: 02-25 … 03-03). */
const NOW = '2026-03-10T01:00:00.000Z';
const RANGE = 'from=2026-03-04&to=2026-03-10';
const at = (iso: string) => new Date(iso);

/**
 * What campaigns earn, what customers ask and who they are, over a small history written out by hand (messages
 * through ingest and the simulator, ledger rows, conversions, consent events and tags inserted as the owning
 * modules would store them). Every expected value is counted in the comments.
 */
describe('analytics: campaigns, topics, audience', () => {
  let s: RunningTsunagi;
  let numberId: string;
  const contact: Record<string, string> = {};
  const conversation: Record<string, string> = {};
  const get = <T>(path: string, headers?: Record<string, string>) =>
    s.api<T>('GET', path, undefined, headers);

  async function inbound(key: string, waId: string, body: string, when: string) {
    const r = await seedInboundConversation(s.t.ctx, {
      workspaceId: s.workspaceId,
      phoneNumberId: numberId,
      waId,
      text: body,
      at: at(when),
    });
    contact[key] = r.contactId;
    conversation[key] = r.conversationId;
    return r;
  }

  beforeAll(async () => {
    s = await startTestTsunagi({ now: NOW });
    const number = await s.addNumber();
    numberId = number.id;
    const db = s.t.ctx.db;
    const now = s.clock.now();

    // ── Customer messages (Tokyo times in comments) ──────────────────────────────────────────────────────────
    // Range: 6 texts with terms + 2 greetings from the simulator below = 8 sampled.
    await inbound('c1', '819011110001', '返品したいです', '2026-03-05T01:00:00Z');
    await inbound('c2', '819011110002', 'ﾍﾝﾋﾟﾝの方法を教えて', '2026-03-05T02:00:00Z');
    const c3 = await inbound('c3', '819011110003', 'クーポンが使えない', '2026-03-06T03:00:00Z');
    await inbound('c4', '819011110004', 'クーポンの期限は？', '2026-03-07T04:00:00Z');
    await inbound('c1', '819011110001', '返品の送料は？', '2026-03-08T05:00:00Z');
    await inbound('c2', '819011110002', 'Order status please', '2026-03-03T15:10:00Z'); // 03-04 00:10: in range
    // Previous period: 3 texts.
    await inbound('c2', '819011110002', '返品したい', '2026-02-26T01:00:00Z');
    await inbound('c3', '819011110003', '配送はいつ？', '2026-02-27T01:00:00Z');
    await inbound('c4', '819011110004', 'order status?', '2026-03-03T14:50:00Z'); // 03-03 23:50: previous
    // Neither period: a lapsing (54 days) and a dormant (129 days) contact.
    await inbound('c5', '819011110005', '在庫はありますか', '2026-01-15T01:00:00Z');
    await inbound('c6', '819011110006', '在庫はありますか', '2025-11-01T01:00:00Z');

    // Two customers write now through the simulator (opening the 24 h window) and get a reply: one delivered, one
    // to a number that has left WhatsApp since (unreachable at the simulator) and fails with 131026.
    for (const waId of ['819011119001', '819011119002']) {
      s.t.simulator!.inbound({
        phoneNumberId: number.phoneNumberId,
        from: waId,
        message: text('Hi') as never,
      });
      await s.t.drain();
    }
    s.t.simulator!.registerCustomers({ waId: '819011119002', status: 'unreachable' });
    const list = await s.api<{ data: Array<{ id: string; contact: { waId: string } }> }>(
      'GET',
      '/api/v1/conversations?limit=100',
    );
    for (const c of list.body.data)
      if (c.contact.waId.startsWith('81901111900'))
        expect((await s.api('POST', `/api/v1/conversations/${c.id}/messages`, text('Hello!'))).status).toBe(
          202,
        );
    await s.t.drain();
    s.clock.advance(5000);
    await s.t.drain();

    // Automation found no rule for two messages in the range and one in the previous period.
    const run = (messageId: string, normalized: string, created: string) => ({
      id: crypto.randomUUID(),
      workspace_id: s.workspaceId,
      conversation_id: c3.conversationId,
      message_id: messageId,
      decision: 'none',
      normalized_text: normalized,
      created_at: at(created),
    });
    const m2 = await inbound('c3', '819011110003', 'クーポンつかえない', '2026-03-06T05:00:00Z');
    const m3 = await inbound('c3', '819011110003', 'ポイントは？', '2026-02-28T05:00:00Z');
    await db
      .insertInto('automation_runs')
      .values([
        run(c3.messageId, 'くぽんがつかえない', '2026-03-06T03:00:01Z'),
        run(m2.messageId, 'くぽんがつかえない', '2026-03-06T05:00:01Z'),
        run(m3.messageId, 'ぽいんとは', '2026-02-28T05:00:01Z'),
      ])
      .execute();

    // ── Campaign contacts (never wrote: tier `never`) ───────────────────────────────────────────────────────
    for (const r of ['r1', 'r2', 'r3', 'r4']) {
      const res = await s.api<{ id: string }>('POST', '/api/v1/contacts', {
        phone: `+8190222200${r.slice(1).padStart(2, '0')}`,
      });
      expect(res.status).toBe(201);
      contact[r] = res.body.id;
    }

    // ── Tags, unreachable mark, consent history ─────────────────────────────────────────────────────────────
    await db
      .insertInto('contact_tags')
      .values([
        { workspace_id: s.workspaceId, contact_id: contact.c1!, tag: 'vip', created_at: now },
        { workspace_id: s.workspaceId, contact_id: contact.c2!, tag: 'vip', created_at: now },
        { workspace_id: s.workspaceId, contact_id: contact.r1!, tag: 'vip', created_at: now },
        { workspace_id: s.workspaceId, contact_id: contact.c3!, tag: 'new', created_at: now },
      ])
      .execute();
    await db.updateTable('contacts').set({ unreachable_at: now }).where('id', '=', contact.c6!).execute();
    const consent = (key: string, state: 'opted_in' | 'opted_out', previous: string, when: string) => ({
      id: crypto.randomUUID(),
      workspace_id: s.workspaceId,
      contact_id: contact[key]!,
      purpose: 'marketing' as const,
      state,
      previous_state: previous as 'opted_in' | 'opted_out' | 'unknown',
      source: 'api' as const,
      actor_type: 'system' as const,
      occurred_at: at(when),
      created_at: now,
    });
    await db
      .insertInto('consent_events')
      .values([
        consent('c1', 'opted_in', 'unknown', '2026-02-01T00:00:00Z'),
        consent('c1', 'opted_out', 'opted_in', '2026-03-03T15:30:00Z'), // 03-04 00:30 Tokyo: in range
        consent('c2', 'opted_in', 'unknown', '2026-02-01T00:00:00Z'),
        consent('c3', 'opted_in', 'unknown', '2026-02-01T00:00:00Z'),
        consent('c3', 'opted_out', 'opted_in', '2026-02-20T00:00:00Z'),
        consent('c4', 'opted_in', 'unknown', '2026-03-05T00:00:00Z'),
        consent('c4', 'opted_out', 'opted_in', '2026-03-07T00:00:00Z'),
        consent('r1', 'opted_in', 'unknown', '2026-02-10T00:00:00Z'),
      ])
      .execute();

    // ── Campaigns: Spring (A/B) and Winter, with their ledgers ──────────────────────────────────────────────
    const campaign = async (name: string, variantB: boolean) => {
      const res = await s.api<{ id: string }>('POST', '/api/v1/campaigns', {
        name,
        phoneNumberIds: [numberId],
        template: { name: `${name.toLowerCase()}_a`, language: 'ja', variables: [] },
        ...(variantB
          ? {
              variantB: {
                template: { name: `${name.toLowerCase()}_b`, language: 'ja', variables: [] },
                splitPercent: 50,
              },
            }
          : {}),
        audience: { contactIds: [contact.r1, contact.r2, contact.r3, contact.r4] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id;
    };
    const spring = await campaign('Spring', true);
    const winter = await campaign('Winter', false);
    const row = (
      campaignId: string,
      key: string,
      v: Partial<Insertable<CampaignRecipientsTable>> & Pick<Insertable<CampaignRecipientsTable>, 'status'>,
    ): Insertable<CampaignRecipientsTable> => ({
      workspace_id: s.workspaceId,
      campaign_id: campaignId,
      contact_id: contact[key]!,
      country: 'JP',
      // Spring was sent from the number; Winter's rows name none (a number filter leaves them out).
      phone_number_id: campaignId === spring ? numberId : null,
      created_at: now,
      updated_at: now,
      ...v,
    });
    const inRange = at('2026-03-05T00:00:00Z');
    await db
      .insertInto('campaign_recipients')
      .values([
        // Spring a: r1 read, clicked, converted (3000 JPY); r2 delivered.
        row(spring, 'r1', {
          variant: 'a',
          status: 'read',
          queued_at: inRange,
          sent_at: inRange,
          delivered_at: inRange,
          read_at: inRange,
          clicked_at: inRange,
          converted_at: at('2026-03-06T00:00:00Z'),
        }),
        row(spring, 'r2', {
          variant: 'a',
          status: 'delivered',
          queued_at: inRange,
          sent_at: inRange,
          delivered_at: inRange,
        }),
        // Spring b: r3 replied without read receipts (counts as read), converted (1000 JPY).
        row(spring, 'r3', {
          variant: 'b',
          status: 'replied',
          queued_at: inRange,
          sent_at: inRange,
          delivered_at: inRange,
          replied_at: inRange,
          converted_at: at('2026-03-06T00:00:00Z'),
        }),
        // Spring b: r4 released 03-03 23:00 Tokyo — the previous period — and read.
        row(spring, 'r4', {
          variant: 'b',
          status: 'read',
          queued_at: at('2026-03-03T14:00:00Z'),
          sent_at: at('2026-03-03T14:00:00Z'),
          delivered_at: at('2026-03-03T14:00:00Z'),
          read_at: at('2026-03-04T14:00:00Z'),
        }),
        // Winter: c1 released 03-04 00:10 Tokyo, sent only; c2 failed before sending; r1 planned, never released.
        row(winter, 'c1', {
          status: 'sent',
          queued_at: at('2026-03-03T15:10:00Z'),
          sent_at: at('2026-03-03T15:10:00Z'),
        }),
        row(winter, 'c2', {
          status: 'failed',
          queued_at: inRange,
          failed_at: inRange,
          error_code: 131026,
        }),
        row(winter, 'r1', { status: 'planned' }),
      ])
      .execute();
    const conversion = (key: string, campaignId: string, value: string) => ({
      id: crypto.randomUUID(),
      workspace_id: s.workspaceId,
      contact_id: contact[key]!,
      campaign_id: campaignId,
      attributed_by: 'read' as const,
      touched_at: inRange,
      external_id: null,
      value,
      currency: 'JPY',
      occurred_at: at('2026-03-06T00:00:00Z'),
      created_at: now,
    });
    await db
      .insertInto('campaign_conversions')
      .values([conversion('r1', spring, '3000'), conversion('r3', spring, '1000')])
      .execute();
    expect(
      (
        await s.api('PUT', '/api/v1/campaign-prices', {
          prices: [
            { category: 'MARKETING', country: 'JP', price: 15, currency: 'JPY' },
            { category: 'MARKETING', country: '*', price: 10, currency: 'JPY' },
          ],
        })
      ).status,
    ).toBe(200);

    await rebuildWorkspace({ db, clock: s.clock }, s.workspaceId);
  });
  afterAll(async () => s?.close());

  it('what campaigns earn: funnel, revenue, cost, CPA per campaign and per A/B variant', async () => {
    const res = await get<CampaignsAnalytics>(`/api/v1/analytics/campaigns?${RANGE}&compare=previous`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const b = res.body;
    expect(b.range).toEqual({ from: '2026-03-04', to: '2026-03-10', timeZone: 'Asia/Tokyo' });
    // Spring 3 sent (r1, r2, r3) + Winter 1 (c1; c2 failed before sending).
    expect(b.totals).toEqual({ sent: 4, delivered: 3, read: 2, clicked: 1, replied: 1, converted: 2 });
    expect(b.campaigns.map((c) => c.name)).toEqual(['Spring', 'Winter']);
    const [spring, winter] = b.campaigns;
    // The templates are not in the WABA's cache: category unknown, priced at the MARKETING rates (as the funnel).
    const cost = (total: number) => ({ total, currency: 'JPY', category: null });
    expect(spring).toMatchObject({
      funnel: { sent: 3, delivered: 3, read: 2, clicked: 1, replied: 1, converted: 2 },
      revenue: [{ currency: 'JPY', amount: 4000, conversions: 2 }],
      cost: cost(45), // 3 delivered in JP × 15 JPY
      costPerAcquisition: 22.5,
    });
    expect(spring!.rates.deliveryRate).toBe(1);
    expect(spring!.rates.readRate).toBeCloseTo(2 / 3);
    expect(spring!.rates.conversionRate).toBeCloseTo(2 / 3);
    expect(spring!.variants).toEqual([
      {
        variant: 'a',
        template: 'spring_a',
        funnel: { sent: 2, delivered: 2, read: 1, clicked: 1, replied: 0, converted: 1 },
        rates: { deliveryRate: 1, readRate: 0.5, clickRate: 0.5, replyRate: 0, conversionRate: 0.5 },
        revenue: [{ currency: 'JPY', amount: 3000, conversions: 1 }],
        cost: cost(30),
        costPerAcquisition: 30,
      },
      {
        variant: 'b',
        template: 'spring_b',
        funnel: { sent: 1, delivered: 1, read: 1, clicked: 0, replied: 1, converted: 1 },
        rates: { deliveryRate: 1, readRate: 1, clickRate: 0, replyRate: 1, conversionRate: 1 },
        revenue: [{ currency: 'JPY', amount: 1000, conversions: 1 }],
        cost: cost(15),
        costPerAcquisition: 15,
      },
    ]);
    expect(spring!.variantLift).toEqual({
      deliveryRate: 0,
      readRate: 0.5,
      clickRate: -0.5,
      replyRate: 1,
      conversionRate: 0.5,
    });
    expect(winter).toMatchObject({
      funnel: { sent: 1, delivered: 0, read: 0, clicked: 0, replied: 0, converted: 0 },
      rates: { deliveryRate: 0, readRate: null, clickRate: null, replyRate: null, conversionRate: null },
      revenue: [],
      cost: { total: 0, currency: 'JPY' },
      costPerAcquisition: null,
      variantLift: null,
    });
    expect(winter!.variants.map((v) => v.variant)).toEqual(['a']);
    // The previous period: only r4 (variant b of Spring).
    expect(b.previous?.totals).toEqual({
      sent: 1,
      delivered: 1,
      read: 1,
      clicked: 0,
      replied: 0,
      converted: 0,
    });
    expect(b.previous?.campaigns.map((c) => [c.name, c.variants.map((v) => v.variant)])).toEqual([
      ['Spring', ['b']],
    ]);
  });

  it('what customers ask: words, phrases, rising topics and unmatched questions', async () => {
    const res = await get<TopicsAnalytics>(`/api/v1/analytics/topics?${RANGE}&compare=previous`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const b = res.body;
    // 6 hand-written texts + クーポンつかえない + 2 × "Hi" = 9 sampled; 9 customer messages in the range.
    expect(b.sampleLimit).toBe(1000);
    expect(b.sampled).toBe(9);
    expect(b.inbound).toBe(9);
    expect(b.previous).toMatchObject({ sampled: 4, inbound: 4 }); // + ポイントは？
    // クーポン (クーポンが使えない, クーポンの期限は？, クーポンつかえない) 3; 返品 (c1 twice) 2; the rest 1.
    expect(b.words.slice(0, 2)).toEqual([
      { term: 'くぽん', label: 'クーポン', messages: 3, share: 3 / 9 },
      { term: '返品', label: '返品', messages: 2, share: 2 / 9 },
    ]);
    expect(b.words.find((w) => w.term === 'へんぴん')).toMatchObject({ label: 'ヘンピン', messages: 1 });
    expect(b.words.map((w) => w.term)).not.toContain('hi');
    // A phrase must be in at least two messages: none here.
    expect(b.phrases).toEqual([]);
    // Rising: クーポン 3/9 against 0/4; 返品 2/9 < 1/4 before; order 1 message only.
    expect(b.rising.map((r) => [r.term, r.messages, r.previousMessages])).toEqual([['くぽん', 3, 0]]);
    expect(b.rising[0]!.change).toBeCloseTo(3 / 9);
    expect(b.unmatched).toEqual([
      {
        normalized: 'くぽんがつかえない',
        sample: 'クーポンつかえない',
        count: 2,
        lastSeenAt: '2026-03-06T05:00:01.000Z',
      },
    ]);
  });

  it('who they are: tiers and tags now, opt-out and unreachable-number rates of the range', async () => {
    const res = await get<AudienceAnalytics>(`/api/v1/analytics/audience?${RANGE}&compare=previous`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const b = res.body;
    // c1–c4 and the two simulator customers wrote within 30 days; c5 54 days ago; c6 129; r1–r4 never.
    expect(b.contacts).toBe(12);
    expect(b.tiers).toEqual([
      { tier: 'active', contacts: 6 },
      { tier: 'lapsing', contacts: 1 },
      { tier: 'dormant', contacts: 1 },
      { tier: 'never', contacts: 4 },
    ]);
    // Derived from the message history. At the range's start (03-03 15:00 UTC) only c2, c3, c4 (written 02-26 …
    // 03-03), c5 and c6 existed (the others were created now, and had not written); at its end (now) all 12.
    expect(b.tiersOverRange).toEqual({
      startAt: '2026-03-03T15:00:00.000Z',
      endAt: '2026-03-10T01:00:05.000Z', // now: the clock moved 5 s for the replies' statuses
      tiers: [
        { tier: 'active', atStart: 3, atEnd: 6 },
        { tier: 'lapsing', atStart: 1, atEnd: 1 },
        { tier: 'dormant', atStart: 1, atEnd: 1 },
        { tier: 'never', atStart: 0, atEnd: 4 },
      ],
    });
    expect(b.tags).toEqual([
      { tag: 'vip', contacts: 3 },
      { tag: 'new', contacts: 1 },
    ]);
    expect(b.unreachableContacts).toBe(1);
    // Opted in at 03-04 00:00 Tokyo: c1, c2, r1 (c3 opted out before, c4 opted in later). Of them c1 opted out
    // (03-04 00:30 Tokyo); c4 opted in and out inside the range.
    expect(b.optOut).toEqual({ base: 3, optedOut: 1, allOptOuts: 2, rate: 1 / 3 });
    // Two replies sent; the one to 819011119002 failed with 131026.
    expect(b.unreachable).toEqual({ sent: 2, failed131026: 1, rate: 0.5 });
    expect(b.previous).toMatchObject({
      optOut: { base: 3, optedOut: 0, allOptOuts: 0, rate: 0 },
      unreachable: { sent: 0, failed131026: 0, rate: null },
    });
  });

  it('filters by number: another number released, received and sent nothing; tiers and tags stay workspace-wide', async () => {
    const other = `phoneNumberId=${crypto.randomUUID()}`;
    const c = await get<CampaignsAnalytics>(`/api/v1/analytics/campaigns?${RANGE}&${other}`);
    expect(c.body.campaigns).toEqual([]);
    const t = await get<TopicsAnalytics>(`/api/v1/analytics/topics?${RANGE}&${other}`);
    expect([t.body.sampled, t.body.inbound, t.body.words, t.body.unmatched]).toEqual([0, 0, [], []]);
    const ours = await get<TopicsAnalytics>(`/api/v1/analytics/topics?${RANGE}&phoneNumberId=${numberId}`);
    expect([ours.body.sampled, ours.body.unmatched.length]).toEqual([9, 1]);
    const a = await get<AudienceAnalytics>(`/api/v1/analytics/audience?${RANGE}&${other}`);
    expect(a.body.unreachable).toEqual({ sent: 0, failed131026: 0, rate: null });
    expect(a.body.contacts).toBe(12);
    const mine = await get<CampaignsAnalytics>(
      `/api/v1/analytics/campaigns?${RANGE}&phoneNumberId=${numberId}`,
    );
    expect(mine.body.campaigns.map((x) => x.name)).toEqual(['Spring']);
    expect(mine.body.totals).toEqual({
      sent: 3,
      delivered: 3,
      read: 2,
      clicked: 1,
      replied: 1,
      converted: 2,
    });
  });

  it('documents the three reads in the OpenAPI document', async () => {
    const doc = await get<{ paths: Record<string, { get?: unknown }> }>('/api/openapi.json');
    expect(doc.status).toBe(200);
    for (const name of ['campaigns', 'topics', 'audience'])
      expect(doc.body.paths[`/api/v1/analytics/${name}`]?.get).toBeDefined();
  });

  it('is for owners, admins and analysts; agents get 403', async () => {
    const analyst = await seedApiKey(s.t.ctx, s.workspaceId, 'analyst');
    const agent = await seedApiKey(s.t.ctx, s.workspaceId, 'agent');
    for (const name of ['campaigns', 'topics', 'audience']) {
      expect((await get(`/api/v1/analytics/${name}?${RANGE}`, analyst)).status).toBe(200);
      expect((await get(`/api/v1/analytics/${name}?${RANGE}`, agent)).status).toBe(403);
      expect((await get(`/api/v1/analytics/${name}?from=2026-03-10&to=2026-03-01`)).status).toBe(400);
    }
  });

  // Last: it adds a message and a merge to the history above.
  it('keeps the tiers at a past range start; a late customer message, a merge and a rebuild make them recomputed', async () => {
    const db = s.t.ctx.db;
    const startTiers = async () =>
      (await get<AudienceAnalytics>(`/api/v1/analytics/audience?${RANGE}`)).body.tiersOverRange.tiers.map(
        (t) => [t.tier, t.atStart],
      );
    const kept = () =>
      db
        .selectFrom('analytics_tier_snapshots')
        .select(['at', 'active'])
        .where('workspace_id', '=', s.workspaceId)
        .execute();
    /** Puts a figure no history gives into the kept row: reading it back proves the row is what is read. */
    const mark = () =>
      db
        .updateTable('analytics_tier_snapshots')
        .set({ active: 99 })
        .where('workspace_id', '=', s.workspaceId)
        .execute();
    const atStart = { active: 3, lapsing: 1, dormant: 1, never: 0 };
    expect(await startTiers()).toEqual(Object.entries(atStart));
    // The range starts days ago (03-03 15:00 UTC): its tiers were computed once and kept. Its end is now: never kept.
    expect(await kept()).toEqual([{ at: new Date('2026-03-03T15:00:00.000Z'), active: 3 }]);
    await mark();
    expect(await startTiers()).toContainEqual(['active', 99]);

    // c6 (dormant) wrote on 02-20, a message that reaches Tsunagi only now: at the range's start c6 was active.
    const nowBefore = (await get<AudienceAnalytics>(`/api/v1/analytics/audience?${RANGE}`)).body;
    await inbound('c6', '819011110006', '在庫はありますか', '2026-02-20T01:00:00Z');
    await s.t.drain();
    expect(await startTiers()).toEqual(Object.entries({ ...atStart, active: 4, dormant: 0 }));
    // The tiers of now are the count kept at `asOf` (at most two minutes old; the minute's refresh recounts):
    // c6 — active now too — shows once they are counted again.
    const keptNow = (await get<AudienceAnalytics>(`/api/v1/analytics/audience?${RANGE}`)).body;
    expect([keptNow.asOf, keptNow.tiers]).toEqual([nowBefore.asOf, nowBefore.tiers]);
    s.clock.advance(121_000);
    const recounted = (await get<AudienceAnalytics>(`/api/v1/analytics/audience?${RANGE}`)).body;
    expect(recounted.asOf).toBe(s.clock.now().toISOString());
    const active = (b: AudienceAnalytics) => b.tiers.find((t) => t.tier === 'active')?.contacts ?? 0;
    expect(active(recounted)).toBe(active(nowBefore) + 1);

    // A merge moves messages between contacts: kept tiers are recomputed (c5 merged into c6; both were active or
    // lapsing at the start, one contact remains).
    await mark();
    const merged = await s.api('POST', `/api/v1/contacts/${contact.c6}/merge`, {
      sourceContactId: contact.c5,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(await startTiers()).not.toContainEqual(['active', 99]);

    // A rebuild forgets every kept snapshot.
    await mark();
    await rebuildWorkspace({ db, clock: s.clock }, s.workspaceId);
    expect(await kept()).toEqual([]);
    expect(await startTiers()).not.toContainEqual(['active', 99]);
  });
});
