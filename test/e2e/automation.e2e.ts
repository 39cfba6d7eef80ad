import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NUMBERS } from '../../src/server/modules/workspaces/demo.service.ts';
import { signIn, startE2E, type E2E } from './harness.ts';

const PNID = DEMO_NUMBERS[0].phoneNumberId;
const CUSTOMER = '819055550777';
const REPLY = '返品は商品到着後7日以内に承ります。';

/** The automation screens in Chromium: a rule made in the UI, tried in the tester, answering a customer. */
describe('automation console in Chromium', () => {
  let e: E2E;
  let ctx: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    e = await startE2E();
    ctx = await e.newContext();
    page = await ctx.newPage();
  });
  afterAll(async () => e?.close());

  const editor = () => page.getByRole('group', { name: 'Keyword rule' });
  const save = async (note: string) => {
    await page.getByLabel('Note for this version (optional)').fill(note);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
  };

  it('adds a fuzzy keyword rule through the UI and saves it', async () => {
    await signIn(page, e.seed.email, e.seed.password);
    await page.getByRole('link', { name: 'Automation' }).click();
    await page.getByRole('heading', { name: 'Automation', level: 1 }).waitFor();
    await page.getByText('Automation is off', { exact: true }).waitFor();
    await e.screenshot(page, 'en-automation-overview');
    // Replies within a second, so the test does not wait for a human-like delay.
    await page.getByLabel('Reply delay from (seconds)').fill('0');
    await page.getByLabel('to (seconds)').fill('1');
    await page.getByText('Unsaved changes').waitFor();

    await page.getByRole('link', { name: 'Keyword rules' }).click();
    await page.getByRole('button', { name: 'New keyword rule' }).click();
    await editor().getByLabel('Name').fill('返品');
    const keywords = editor().getByLabel('Keywords of trigger 1');
    await keywords.fill('返品');
    await keywords.press('Enter');
    await editor().getByLabel('Message', { exact: true }).fill(REPLY);
    await editor().locator('.response-preview .bubble', { hasText: REPLY }).waitFor();
    await e.screenshot(page, 'en-automation-rules');
    await save('返品ルール');
    await page.getByText('Saved as a new version.').waitFor();
    expect(await page.getByText('Unsaved changes').count()).toBe(0);
  });

  it('runs the tester: 「へんぴんしたい」 matches the rule', async () => {
    await page.getByRole('link', { name: 'Tester' }).click();
    await page.getByLabel('Customer message').fill('へんぴんしたい');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => page.getByTestId('tester-decision').textContent()).toBe('Answered');
    expect(await page.getByTestId('tester-rule').textContent()).toBe('返品');
    await page.getByTestId('tester-reply').filter({ hasText: REPLY }).waitFor();
    await e.screenshot(page, 'en-automation-tester');
  });

  it('answers a customer automatically, shown in the console with the bot badge', async () => {
    e.t.simulator!.inbound({
      phoneNumberId: PNID,
      from: CUSTOMER,
      name: 'E2E 返品',
      message: { type: 'text', text: { body: 'ヘンピンしたい' } },
    });
    await page.goto('/inbox?view=all');
    await page.locator('.conv-row', { hasText: 'E2E 返品' }).click();
    const reply = page.locator('.bubble.out', { hasText: REPLY });
    // The reply is due within a second of fake time: move the clock past it and run the due jobs now (the
    // background job loop polls on real time); the dispatcher is woken by the queued message.
    await page.locator('.bubble.in', { hasText: 'ヘンピンしたい' }).waitFor();
    await e.t.jobs.drain();
    await e.advance(2000);
    await e.t.jobs.drain();
    await reply.waitFor();
    await reply.getByTestId('bot-badge').waitFor();
    await page.locator('.automation-line', { hasText: 'Answered' }).first().waitFor();
    await e.screenshot(page, 'en-automation-conversation');
    expect(e.t.simulator!.violations()).toEqual([]);
  });

  it('shows the server error for an invalid regex next to its keyword', async () => {
    await page.getByRole('link', { name: 'Automation' }).click();
    await page.getByRole('link', { name: 'Keyword rules' }).click();
    await page.getByRole('button', { name: '返品', exact: true }).click();
    await editor().getByRole('button', { name: 'Add trigger' }).click();
    await editor().locator('.trigger').nth(1).getByLabel('Match').selectOption('regex');
    const second = editor().getByLabel('Keywords of trigger 2');
    await second.fill('(返品');
    await second.press('Enter');
    await save('broken');
    const chip = editor().locator('.kw-chip.invalid', { hasText: '(返品' });
    await chip.locator('[data-path="keywordRules.0.triggers.1.keywords.0"]').waitFor();
    await page.getByText('Not saved — problems found: 1.', { exact: false }).waitFor();
    await e.screenshot(page, 'en-automation-error');
  });

  it('shows the automation screens in Japanese', async () => {
    await page.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByRole('heading', { name: '自動化', level: 1 }).waitFor();
    for (const [tab, name] of [
      ['概要', 'overview'],
      ['営業時間', 'hours'],
      ['キーワードルール', 'rules'],
      ['メニュー', 'menus'],
      ['振り分け・割り当て', 'routing'],
      ['バージョン', 'versions'],
    ] as const) {
      await page.getByRole('link', { name: tab, exact: true }).click();
      if (name === 'hours') {
        await page.getByLabel('営業時間を使う').check();
        // A late Saturday shift past midnight and a holiday.
        await page
          .getByRole('row', { name: /土曜日/ })
          .getByRole('button', { name: '+ 時間帯を追加' })
          .click();
        await page.getByLabel('土曜日 開始 1').fill('22:00');
        await page.getByLabel('土曜日 終了 1').fill('02:00');
        await page
          .getByRole('row', { name: /土曜日/ })
          .getByText('翌日')
          .waitFor();
        await page.getByLabel('日付', { exact: true }).fill('2026-12-31');
        await page.getByRole('button', { name: '+ 日付を追加' }).click();
        await page.getByLabel('名前（例：年末年始）').fill('大晦日');
      }
      if (name === 'rules') await page.getByRole('button', { name: '返品', exact: true }).click();
      await e.screenshot(page, `ja-automation-${name}`);
    }
    await page.getByRole('link', { name: 'テスト', exact: true }).click();
    await page.getByLabel('お客様のメッセージ').fill('へんぴんしたい');
    await page.getByRole('button', { name: 'テスト', exact: true }).click();
    await expect.poll(() => page.getByTestId('tester-decision').textContent()).toBe('自動応答');
    await e.screenshot(page, 'ja-automation-tester');
    await page.getByRole('button', { name: 'English' }).click();
  });
});
