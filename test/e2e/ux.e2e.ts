import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NUMBERS, seedDemoAutomation } from '../../src/server/modules/workspaces/demo.service.ts';
import { signIn, startE2E, type E2E } from './harness.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { en } from '../../src/web/lib/locales/en.ts';
import { englishSentences } from './latin.ts';

const PNID = DEMO_NUMBERS[0].phoneNumberId;
const SIZES = [
  ['desktop', { width: 1440, height: 900 }],
  ['phone', { width: 390, height: 844 }],
] as const;
const LANGS = [
  ['ja', 'ja-JP'],
  ['en', 'en-US'],
] as const;

/**
 * What new users tripped over (issue 13), in Chromium at 1440×900 and 390×844, in Japanese and English: the
 * header of a long conversation stays reachable on a phone, the README's demo is answered at every step, a
 * 5,000-character reply is refused before sending and a draft survives a reload, leaving edited automation asks
 * first, and the Japanese console shows no English sentences outside customer content, names and codes.
 */
describe('new-user paths in Chromium', () => {
  let e: E2E;
  let n = 0;
  beforeAll(async () => {
    e = await startE2E();
    await seedDemoAutomation({ db: e.t.ctx.db, clock: e.clock }, e.seed.workspaceId);
    // Outside business hours (the demo's are weekdays 10:00–19:00 Tokyo): the next Saturday, 00:20 Tokyo time.
    const now = e.clock.now();
    const sat = new Date(now);
    sat.setUTCDate(now.getUTCDate() + ((5 - now.getUTCDay() + 7) % 7) + 7);
    sat.setUTCHours(15, 20, 0, 0); // Friday 15:20 UTC = Saturday 00:20 JST
    e.clock.set(sat);
  });
  afterAll(async () => e?.close());

  async function says(from: string, name: string, body: string): Promise<void> {
    e.t.simulator!.inbound({ phoneNumberId: PNID, from, name, message: { type: 'text', text: { body } } });
    await e.advance(1_000);
  }
  const NAMES = ['Demo Owner', ...LANGS.flatMap(([l]) => SIZES.map(([z]) => `${l} ${z}`))];
  const sent = (to: string) => e.t.simulator!.sent({ phoneNumberId: PNID, to });

  for (const [lang, locale] of LANGS)
    for (const [size, viewport] of SIZES) {
      describe(`${lang}, ${size} (${viewport.width}×${viewport.height})`, () => {
        let page: Page;
        const customer = `8190444${String(++n).padStart(5, '0')}`;
        const name = `UX 顧客 ${lang} ${size}`;
        beforeAll(async () => {
          const ctx = await e.browser.newContext({
            baseURL: e.t.url,
            locale,
            viewport,
            ...(size === 'phone' ? { isMobile: true, hasTouch: true } : {}),
          });
          page = await ctx.newPage();
          await signIn(page, e.seed.email, e.seed.password);
        });
        afterAll(async () => page?.context().close());

        it('answers the README demo at every step, and the long conversation keeps its header on screen', async () => {
          const steps = ['こんにちは', 'へんぴんしたい', 'へんぴんしたい', 'メニュー'];
          for (const [i, body] of steps.entries()) {
            await says(customer, name, body);
            // The reply comes after a human-like delay (5–10 s on the fake clock), once the worker has decided.
            await expect
              .poll(
                async () => {
                  await e.advance(2_000);
                  return sent(customer).length;
                },
                { timeout: 20_000, interval: 100 },
              )
              .toBe(i + 1);
          }
          for (let i = 0; i < 12; i++) await says(customer, name, `質問 ${i + 1}`);
          await page.locator('.conv-row', { hasText: name }).click();
          const header = page.locator('.conv-header');
          await header.waitFor();
          await page.locator('.bubble', { hasText: '質問 12' }).waitFor();
          const items = await page.locator('.timeline > *').count();
          expect(items).toBeGreaterThanOrEqual(15);
          await page.evaluate(
            "document.querySelector('.timeline').scrollTo(0, 1e6); window.scrollTo(0, document.body.scrollHeight)",
          );
          await expectOnScreen(page, header);
          const resolve = page.locator('.conv-header button', {
            hasText: (lang === 'ja' ? ja : en).conversation.resolve,
          });
          await expectOnScreen(page, resolve);
          // Every step was answered: no loop guard on the way.
          await page
            .locator('.automation-line[data-decision="menu"], .automation-line[data-decision="reply"]')
            .first()
            .waitFor();
          expect(await page.locator('.automation-line[data-decision="suppressed"]').count()).toBe(0);
          await e.screenshot(page, `ux-${lang}-${size}-long-conversation`);
          if (lang === 'ja') expect(await englishSentences(page, NAMES)).toEqual([]);
        });

        it('refuses a 5,000-character reply before sending, and keeps a draft across a reload', async () => {
          const box = page.locator('#composer-input');
          await box.fill('あ'.repeat(5000));
          const send = page.locator('.composer-toolbar .btn.primary');
          expect(await send.isDisabled()).toBe(true);
          const alert = page.locator('#composer-count');
          await alert.waitFor();
          expect(await alert.textContent()).toMatch(
            lang === 'ja' ? /5,000文字.*4,096文字まで/ : /5,000 characters; WhatsApp allows 4,096/,
          );
          await e.screenshot(page, `ux-${lang}-${size}-too-long`);
          if (lang === 'ja') expect(await englishSentences(page, NAMES)).toEqual([]);
          const before = sent(customer).length;
          await box.press('Enter');
          expect(sent(customer).length).toBe(before);

          await box.fill('あとで送る下書き');
          await page.reload();
          await page.locator('#composer-input').waitFor();
          expect(await page.locator('#composer-input').inputValue()).toBe('あとで送る下書き');
          await page.locator('.composer-toolbar .btn.primary').click();
          await page.locator('.bubble.out', { hasText: 'あとで送る下書き' }).waitFor();
          await page.reload();
          await page.locator('#composer-input').waitFor();
          expect(await page.locator('#composer-input').inputValue()).toBe('');
        });

        it("asks before leaving edited automation by the side menu, and shows its pages in the reader's language", async () => {
          await page.goto('/settings/automation/overview');
          await page.locator('.automation-overview').waitFor();
          if (lang === 'ja') expect(await englishSentences(page, NAMES)).toEqual([]);
          await page.goto('/settings/automation/welcome');
          await page.locator('.welcome-away').waitFor();
          expect(await page.locator('.field-hint-error, .field-errors').count()).toBe(0);
          await page.goto('/settings/automation/overview');
          await page.locator('.automation-overview').waitFor();
          await page.locator('input[type="number"]').first().fill('3');
          const dialogs: string[] = [];
          const answer = { accept: false };
          page.on('dialog', (d) => {
            dialogs.push(d.message());
            void (answer.accept ? d.accept() : d.dismiss());
          });
          // Tabs of the page itself are not a way out.
          await page.locator('.automation-tabs a').nth(1).click();
          expect(dialogs).toEqual([]);
          await page.locator('.rail a[href^="/inbox"]').first().click();
          await expect.poll(() => dialogs.length).toBe(1);
          expect(dialogs[0]).toMatch(lang === 'ja' ? /保存していない変更/ : /unsaved automation changes/);
          expect(new URL(page.url()).pathname).toMatch(/^\/settings\/automation/);
          answer.accept = true;
          await page.locator('.rail a[href^="/inbox"]').first().click();
          await expect.poll(() => new URL(page.url()).pathname).toBe('/inbox');
          page.removeAllListeners('dialog');
          if (lang === 'ja') {
            for (const path of ['/settings/numbers', '/settings/users', '/settings/automation/rules']) {
              await page.goto(path);
              await page.locator('.settings-body, .automation-body').first().waitFor();
              expect(await englishSentences(page, NAMES), path).toEqual([]);
            }
          }
        });
      });
    }

  it("shows API errors in plain Japanese, never the server's English", async () => {
    const ctx = await e.browser.newContext({
      baseURL: e.t.url,
      locale: 'ja-JP',
      viewport: { width: 1440, height: 900 },
    });
    const page = await ctx.newPage();
    await signIn(page, e.seed.email, e.seed.password);
    await page.goto('/settings/automation/rules');
    await page.locator('.automation-body').waitFor();
    await page.getByRole('button', { name: /キーワードルールを追加/ }).click();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.locator('.error-summary, .field-errors').first().waitFor();
    expect(await englishSentences(page, NAMES)).toEqual([]);
    await e.screenshot(page, 'ux-ja-automation-errors');
    await ctx.close();
  });
});

/** The element is wholly on screen (not scrolled away above or below). */
async function expectOnScreen(p: Page, el: ReturnType<Page['locator']>): Promise<void> {
  const box = await el.boundingBox();
  const vp = p.viewportSize()!;
  expect(box).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
}
