import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AudienceAnalytics,
  CampaignsAnalytics,
  TopicsAnalytics,
} from '../../src/contracts/analytics.schemas.ts';
import { refreshWorkspace } from '../../src/server/modules/analytics/analytics-refresh.service.ts';
import { formatCount, formatRate } from '../../src/web/features/analytics/format.ts';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { seedApiKey } from '../support/app.ts';
import { signIn, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const RUNS = [
  ['en', 'en-US', en],
  ['ja', 'ja-JP', ja],
] as const;

/**
 * The three panels of what campaigns earn, what customers ask and who they are, in Chromium, en and ja: the demo's
 * customer messages (words), an A/B campaign whose ledger and conversion are written by hand, a tag; the figures
 * shown equal the API's, and the campaigns table exports as the API's rows.
 */
describe('analytics: campaigns, topics and audience panels in Chromium', () => {
  let e: E2E;
  let auth: { authorization: string };

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${e.t.url}/api/v1${path}`, { headers: auth });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    e = await startE2E();
    auth = await seedApiKey(e.t.ctx, e.seed.workspaceId, 'admin');
    const db = e.t.ctx.db;
    const now = e.clock.now();
    const contacts = await db
      .selectFrom('contacts')
      .select('id')
      .where('workspace_id', '=', e.seed.workspaceId)
      .orderBy('wa_id')
      .execute();
    expect(contacts.length).toBeGreaterThanOrEqual(3);
    const [c1, c2, c3] = contacts.map((c) => c.id) as [string, string, string];
    const res = await fetch(`${e.t.url}/api/v1/campaigns`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: '春のセール',
        phoneNumberIds: [e.seed.phoneNumbers[0]!.id],
        template: { name: 'spring_a', language: 'ja', variables: [] },
        variantB: { template: { name: 'spring_b', language: 'ja', variables: [] }, splitPercent: 50 },
        audience: { contactIds: [c1, c2, c3] },
      }),
    });
    expect(res.status).toBe(201);
    const campaignId = ((await res.json()) as { id: string }).id;
    const hourAgo = new Date(now.getTime() - 3_600_000);
    const base = {
      workspace_id: e.seed.workspaceId,
      campaign_id: campaignId,
      country: 'JP',
      created_at: now,
      updated_at: now,
    };
    await db
      .insertInto('campaign_recipients')
      .values([
        {
          ...base,
          contact_id: c1,
          variant: 'a',
          status: 'read',
          queued_at: hourAgo,
          sent_at: hourAgo,
          delivered_at: hourAgo,
          read_at: hourAgo,
          converted_at: now,
        },
        {
          ...base,
          contact_id: c2,
          variant: 'a',
          status: 'delivered',
          queued_at: hourAgo,
          sent_at: hourAgo,
          delivered_at: hourAgo,
        },
        {
          ...base,
          contact_id: c3,
          variant: 'b',
          status: 'replied',
          queued_at: hourAgo,
          sent_at: hourAgo,
          delivered_at: hourAgo,
          replied_at: hourAgo,
        },
      ])
      .execute();
    await db
      .insertInto('campaign_conversions')
      .values({
        id: crypto.randomUUID(),
        workspace_id: e.seed.workspaceId,
        contact_id: c1,
        campaign_id: campaignId,
        attributed_by: 'read',
        touched_at: hourAgo,
        external_id: null,
        value: '3000',
        currency: 'JPY',
        occurred_at: now,
        created_at: now,
      })
      .execute();
    await db
      .insertInto('contact_tags')
      .values([
        { workspace_id: e.seed.workspaceId, contact_id: c1, tag: 'VIP', created_at: now },
        { workspace_id: e.seed.workspaceId, contact_id: c2, tag: 'VIP', created_at: now },
      ])
      .execute();
    await refreshWorkspace({ db, clock: e.clock }, e.seed.workspaceId);
  });
  afterAll(async () => e?.close());

  for (const [lang, locale, L] of RUNS)
    describe(lang, () => {
      let page: Page;
      const problems: string[] = [];
      beforeAll(async () => {
        const ctx = await e.newContext(locale);
        page = await ctx.newPage();
        page.setDefaultTimeout(15_000);
        page.on('pageerror', (err) => problems.push(String(err)));
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        await signIn(page, e.seed.email, e.seed.password);
        problems.length = 0;
      });
      afterAll(async () => page?.context().close());

      const kpi = (name: string) => page.locator(`[data-kpi="${name}"] .kpi-value`).innerText();

      it('shows what campaigns earn, what customers ask and who they are, and exports the campaigns', async () => {
        await page.getByRole('link', { name: L.nav.analytics }).click();
        await page.getByRole('heading', { name: L.analytics.title, level: 1 }).waitFor();
        const range = await page.locator('.analytics-range').getAttribute('data-range');
        const [from, to] = range!.split('/') as [string, string];
        await page.locator('.analytics-page[aria-busy="false"]').waitFor();
        const q = `?from=${from}&to=${to}&compare=previous`;
        const [campaigns, topics, audience] = await Promise.all([
          get<CampaignsAnalytics>(`/analytics/campaigns${q}`),
          get<TopicsAnalytics>(`/analytics/topics${q}`),
          get<AudienceAnalytics>(`/analytics/audience${q}`),
        ]);

        // What campaigns earn.
        const C = L.analytics.campaigns;
        await page.getByRole('heading', { name: C.title, level: 2 }).waitFor();
        expect(campaigns.totals).toEqual({
          sent: 3,
          delivered: 3,
          read: 2,
          clicked: 0,
          replied: 1,
          converted: 1,
        });
        expect(await kpi('campaigns-sent')).toBe(formatCount(3, lang));
        expect(await kpi('campaigns-converted')).toBe(formatCount(1, lang));
        const table = page.locator('[data-table="campaigns"]');
        await table.getByText('春のセール').first().waitFor();
        await table.getByText(C.variantName.replace('{{variant}}', 'B')).waitFor();

        // What customers ask: the demo's words, most frequent first.
        const T = L.analytics.topics;
        await page.getByRole('heading', { name: T.title, level: 2 }).waitFor();
        expect(topics.sampled).toBeGreaterThan(0);
        expect(topics.words.length).toBeGreaterThan(0);
        expect(await kpi('topics-sampled')).toBe(formatCount(topics.sampled, lang));
        const firstWord = page.locator('[data-table="topic-words"] tbody tr').first();
        expect(await firstWord.locator('td').first().innerText()).toBe(topics.words[0]!.label);

        // Who they are.
        const A = L.analytics.audience;
        await page.getByRole('heading', { name: A.title, level: 2 }).waitFor();
        expect(await kpi('audience-contacts')).toBe(formatCount(audience.contacts, lang));
        expect(await kpi('audience-unreachable-rate')).toBe(formatRate(audience.unreachable.rate, lang));
        await page.locator('[data-table="audience-tiers"]').getByText(A.tiers.active).waitFor();
        await page.locator('[data-table="audience-tags"]').getByText('VIP').waitFor();

        // Charts of the three panels are drawn by ECharts (with the four older panels).
        await expect.poll(() => page.locator('.analytics-chart canvas').count()).toBeGreaterThanOrEqual(6);
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        for (const section of ['campaigns', 'topics', 'audience']) {
          await page.locator(`#analytics-${section}`).scrollIntoViewIfNeeded();
          await e.screenshot(page, `analytics-${lang}-${section}`);
        }

        // The campaigns table as CSV: the campaign, then its two variants, with the API's raw values.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          table.getByRole('button', { name: L.analytics.exportCsv }).click(),
        ]);
        expect(download.suggestedFilename()).toBe(`tsunagi-campaigns-${from}_${to}.csv`);
        const text = fs.readFileSync((await download.path())!, 'utf8');
        expect(text.charCodeAt(0)).toBe(0xfeff);
        const lines = text.slice(1).split('\r\n');
        expect(lines.pop()).toBe('');
        expect(lines[0]).toBe(
          [
            C.campaign,
            C.variant,
            C.template,
            C.sent,
            C.delivered,
            C.read,
            C.clicked,
            C.replied,
            C.converted,
            C.conversionRate,
            C.revenue,
            C.cost,
            C.cpa,
            C.lift,
          ].join(','),
        );
        const c = campaigns.campaigns[0]!;
        const steps = (f: typeof c.funnel) => [
          f.sent,
          f.delivered,
          f.read,
          f.clicked,
          f.replied,
          f.converted,
        ];
        const money = (r: typeof c.revenue) => r.map((m) => `${m.amount} ${m.currency}`).join('; ');
        expect(lines.slice(1)).toEqual([
          [
            '春のセール',
            '',
            '',
            ...steps(c.funnel),
            c.rates.conversionRate,
            money(c.revenue),
            c.cost.total,
            c.costPerAcquisition ?? '',
            c.variantLift?.conversionRate ?? '',
          ].join(','),
          ...c.variants.map((v) =>
            [
              '春のセール',
              v.variant,
              v.template,
              ...steps(v.funnel),
              v.rates.conversionRate ?? '',
              money(v.revenue),
              v.cost.total,
              v.costPerAcquisition ?? '',
              '',
            ].join(','),
          ),
        ]);
        expect(c.revenue).toEqual([{ currency: 'JPY', amount: 3000, conversions: 1 }]);
        expect(problems).toEqual([]);
      });
    });
});
