import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MessagingAnalytics,
  NumbersAnalytics,
  ServiceAnalytics,
} from '../../src/contracts/analytics.schemas.ts';
import { newId } from '../../src/lib/ids.ts';
import { hashPassword } from '../../src/server/lib/crypto.ts';
import { refreshWorkspace } from '../../src/server/modules/analytics/analytics-refresh.service.ts';
import { DEMO_NUMBERS } from '../../src/server/modules/workspaces/demo.service.ts';
import { formatCount, formatRate, formatSeconds } from '../../src/web/features/analytics/format.ts';
import { addDays } from '../../src/web/features/analytics/range.ts';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { seedApiKey } from '../support/app.ts';
import { signIn, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const RUNS = [
  ['en', 'en-US', en],
  ['ja', 'ja-JP', ja],
] as const;
const AGENT = { email: 'analytics.agent@tsunagi.local', password: 'agent-password-1' };

/**
 * The Analytics page in Chromium, en and ja: a small known history made through the real pipeline and the
 * simulator (the demo's 8 customer messages, two answered replies, one reply refused with 131047, one more customer
 * message), the figures shown equal to the API's, then a 30-day range, a number filter and CSV exports checked
 * against the same API answers. An agent sees no Analytics item. ECharts loads as its own chunk without CSP errors.
 */
describe('analytics dashboard in Chromium', () => {
  let e: E2E;
  let auth: { authorization: string };
  let today: string;
  const osaka = () => e.seed.phoneNumbers[1]!;

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${e.t.url}/api/v1${path}`, { headers: auth });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    e = await startE2E();
    auth = await seedApiKey(e.t.ctx, e.seed.workspaceId, 'admin');
    const list = await get<{ data: Array<{ id: string; contact: { waId: string } }> }>(
      '/conversations?limit=100',
    );
    const conv = (waId: string) => list.data.find((c) => c.contact.waId === waId)!.id;
    const reply = async (waId: string, body: string) =>
      fetch(`${e.t.url}/api/v1/conversations/${conv(waId)}/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'text', text: { body } }),
      });
    // 佐藤 (Tokyo number) and 鈴木 (Osaka number) are answered; both replies are delivered and read.
    expect((await reply('819012345601', 'お待たせしました')).status).toBe(202);
    expect((await reply('819012345602', '返品の手順をご案内します')).status).toBe(202);
    await e.t.drain();
    await e.advance(3000);
    await e.t.drain();
    // 高橋's reply is refused by the Cloud API: failed with 131047, never sent.
    e.t.simulator!.setFaults({ errorRate: 1, errorCodes: [131047] });
    await reply('819012345603', '営業時間は 10 時から 19 時です');
    await e.t.drain();
    e.t.simulator!.resetFaults();
    // 佐藤 writes once more.
    e.t.simulator!.inbound({
      phoneNumberId: e.seed.phoneNumbers[0]!.phoneNumberId,
      from: '819012345601',
      message: { type: 'text', text: { body: 'ありがとうございます' } } as never,
    });
    await e.t.drain();
    await refreshWorkspace({ db: e.t.ctx.db, clock: e.clock }, e.seed.workspaceId);

    const id = newId();
    await e.t.ctx.db
      .insertInto('users')
      .values({
        id,
        email: AGENT.email,
        name: '担当 花子',
        password_hash: await hashPassword(AGENT.password),
        locale: null,
        created_at: e.clock.now(),
      })
      .execute();
    await e.t.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: e.seed.workspaceId, user_id: id, role: 'agent', created_at: e.clock.now() })
      .execute();
    today = (await get<MessagingAnalytics>('/analytics/messaging')).range.to;
  });
  afterAll(async () => e?.close());

  it('counts the known history in the API as a hand count of the messages table does', async () => {
    const rows = await e.t.ctx.db
      .selectFrom('messages')
      .select(['direction', 'status', 'wamid', 'error_code'])
      .where('workspace_id', '=', e.seed.workspaceId)
      .execute();
    const out = rows.filter((r) => r.direction === 'outbound');
    const hand = {
      sent: out.filter((r) => r.wamid !== null).length,
      delivered: out.filter((r) => r.status === 'delivered' || r.status === 'read').length,
      read: out.filter((r) => r.status === 'read').length,
      failed: out.filter((r) => r.status === 'failed').length,
      inbound: rows.length - out.length,
    };
    expect(hand).toEqual({ sent: 2, delivered: 2, read: 2, failed: 1, inbound: 9 });
    const api = await get<MessagingAnalytics>(`/analytics/messaging?from=${addDays(today, -6)}&to=${today}`);
    expect(api.totals).toMatchObject(hand);
  });

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
        problems.length = 0; // the 401 of /auth/me before signing in is expected
      });
      afterAll(async () => page?.context().close());

      const kpi = (name: string) => page.locator(`[data-kpi="${name}"] .kpi-value`).innerText();
      const shown = async () => ({
        sent: await kpi('sent'),
        delivered: await kpi('delivered'),
        read: await kpi('read'),
        failed: await kpi('failed'),
        inbound: await kpi('inbound'),
        deliveryRate: await kpi('deliveryRate'),
        newCases: await kpi('newCases'),
        resolvedCases: await kpi('resolvedCases'),
        firstResponseMedian: await kpi('firstResponseMedian'),
      });
      const expected = (m: MessagingAnalytics, s: ServiceAnalytics) => ({
        sent: formatCount(m.totals.sent, lang),
        delivered: formatCount(m.totals.delivered, lang),
        read: formatCount(m.totals.read, lang),
        failed: formatCount(m.totals.failed, lang),
        inbound: formatCount(m.totals.inbound, lang),
        deliveryRate: formatRate(m.totals.deliveryRate, lang),
        newCases: formatCount(s.totals.newCases, lang),
        resolvedCases: formatCount(s.totals.resolvedCases, lang),
        firstResponseMedian: formatSeconds(s.totals.firstResponse.median, lang),
      });
      const waitForRange = (from: string, to: string) =>
        page.locator(`.analytics-range[data-range="${from}/${to}"]`).waitFor();
      const csvOf = async (table: string) => {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page
            .locator(`[data-table="${table}"]`)
            .getByRole('button', { name: L.analytics.exportCsv })
            .click(),
        ]);
        const text = fs.readFileSync((await download.path())!, 'utf8');
        return { name: download.suggestedFilename(), text };
      };

      it('shows the figures of the API for 7 days, a custom range, 30 days and one number, and exports them as CSV', async () => {
        await page.getByRole('link', { name: L.nav.analytics }).click();
        await page.getByRole('heading', { name: L.analytics.title, level: 1 }).waitFor();
        const from7 = addDays(today, -6);
        await waitForRange(from7, today);
        await page.locator('.analytics-page[aria-busy="false"]').waitFor();
        const q7 = `?from=${from7}&to=${today}&compare=previous`;
        expect(await shown()).toEqual(
          expected(
            await get<MessagingAnalytics>(`/analytics/messaging${q7}`),
            await get<ServiceAnalytics>(`/analytics/service${q7}`),
          ),
        );
        expect(await kpi('sent')).toBe(formatCount(2, lang));
        // The refused reply, by its code, with its meaning in the reader's language.
        await page
          .locator('[data-table="failures"] tr', { hasText: '131047' })
          .getByText(L.analytics.errorTitles.c131047)
          .waitFor();
        // The charts are drawn by ECharts, loaded as its own chunk.
        await expect.poll(() => page.locator('.analytics-chart canvas').count()).toBeGreaterThanOrEqual(3);
        await page.getByText('Asia/Tokyo', { exact: true }).waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        await e.screenshot(page, `analytics-${lang}`);
        for (const section of ['service', 'heatmap', 'numbers']) {
          await page.locator(`#analytics-${section}`).scrollIntoViewIfNeeded();
          await e.screenshot(page, `analytics-${lang}-${section}`);
        }

        // 30 days.
        await page
          .getByRole('radio', { name: L.analytics.lastDays_other.replace('{{count}}', '30') })
          .click();
        const from30 = addDays(today, -29);
        await waitForRange(from30, today);
        const q30 = `?from=${from30}&to=${today}&compare=previous`;
        const m30 = await get<MessagingAnalytics>(`/analytics/messaging${q30}`);
        await expect
          .poll(shown)
          .toEqual(expected(m30, await get<ServiceAnalytics>(`/analytics/service${q30}`)));
        expect(m30.series).toHaveLength(30);

        // A custom range: the last 3 days, then back to 30.
        const from3 = addDays(today, -2);
        await page.getByLabel(L.analytics.from, { exact: true }).fill(from3);
        await page.getByLabel(L.analytics.to, { exact: true }).fill(today);
        await page.getByRole('button', { name: L.analytics.apply }).click();
        await waitForRange(from3, today);
        const q3 = `?from=${from3}&to=${today}&compare=previous`;
        await expect
          .poll(shown)
          .toEqual(
            expected(
              await get<MessagingAnalytics>(`/analytics/messaging${q3}`),
              await get<ServiceAnalytics>(`/analytics/service${q3}`),
            ),
          );
        await page
          .getByRole('radio', { name: L.analytics.lastDays_other.replace('{{count}}', '30') })
          .click();
        await waitForRange(from30, today);

        // Only the Osaka number: one reply sent there.
        await page.getByRole('combobox', { name: L.analytics.number, exact: true }).selectOption(osaka().id);
        const qOsaka = `${q30}&phoneNumberId=${osaka().id}`;
        const mOsaka = await get<MessagingAnalytics>(`/analytics/messaging${qOsaka}`);
        expect(mOsaka.totals.sent).toBe(1);
        await expect
          .poll(shown)
          .toEqual(expected(mOsaka, await get<ServiceAnalytics>(`/analytics/service${qOsaka}`)));
        await page.locator('.analytics-page[aria-busy="false"]').waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);

        // The per-day table as CSV: BOM, the reader's headers, one row per day with the API's counts.
        const days = await csvOf('messaging-days');
        expect(days.name).toBe(`tsunagi-messaging-days-${from30}_${today}.csv`);
        expect(days.text.charCodeAt(0)).toBe(0xfeff);
        const lines = days.text.slice(1).split('\r\n');
        expect(lines.pop()).toBe('');
        const M = L.analytics.messaging;
        expect(lines[0]).toBe(
          [
            L.analytics.date,
            M.sent,
            M.delivered,
            M.read,
            M.failed,
            M.replied,
            M.inbound,
            M.deliveryRate,
            M.readRate,
            M.replyRate,
          ].join(','),
        );
        expect(lines.slice(1)).toEqual(
          mOsaka.series.map((d) =>
            [
              d.date,
              d.sent,
              d.delivered,
              d.read,
              d.failed,
              d.replied,
              d.inbound,
              d.deliveryRate ?? '',
              d.readRate ?? '',
              d.replyRate ?? '',
            ].join(','),
          ),
        );

        // The numbers table: a display number starting with "+" is kept as text, not run as a formula.
        const numbers = await get<NumbersAnalytics>(`/analytics/numbers${qOsaka}`);
        const csv = await csvOf('numbers');
        const rows = csv.text.slice(1).trim().split('\r\n');
        expect(rows).toHaveLength(1 + numbers.numbers.length);
        const osakaRow = numbers.numbers.find((n) => n.phoneNumberId === osaka().id)!;
        expect(osakaRow.displayPhoneNumber).toBe(DEMO_NUMBERS[1].displayPhoneNumber);
        expect(rows).toContain(
          [
            `'${osakaRow.displayPhoneNumber}`,
            osakaRow.qualityRating ?? '',
            osakaRow.messagingLimit ?? '',
            osakaRow.mps,
            osakaRow.status,
            osakaRow.sent,
            osakaRow.delivered,
            osakaRow.read,
            osakaRow.failed,
            osakaRow.deliveryRate ?? '',
            osakaRow.readRate ?? '',
          ].join(','),
        );
        // The view is in the address: a reload shows the same range and number.
        expect(new URL(page.url()).search).toBe(`?days=30&number=${osaka().id}`);
        await page.reload();
        await waitForRange(from30, today);
        expect(await page.getByRole('combobox', { name: L.analytics.number, exact: true }).inputValue()).toBe(
          osaka().id,
        );
        expect(problems).toEqual([]);
      });
    });

  it('shows no Analytics item to an agent, whom the API refuses', async () => {
    const ctx = await e.newContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto('/');
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: en.nav.contacts }).waitFor();
    expect(await page.getByRole('link', { name: en.nav.analytics }).count()).toBe(0);
    const status = await page.evaluate<number>(`fetch('/api/v1/analytics/messaging').then((r) => r.status)`);
    expect(status).toBe(403);
    await page.goto('/analytics');
    await page.getByRole('link', { name: en.nav.contacts }).waitFor();
    expect(await page.locator('.analytics-page').count()).toBe(0);
    await ctx.close();
  });
});
