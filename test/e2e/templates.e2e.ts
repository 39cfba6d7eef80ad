import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { signIn, startE2E, type E2E } from './harness.ts';

const RUNS = [
  ['en', 'en-US', en],
  ['ja', 'ja-JP', ja],
] as const;

/**
 * Templates in Chromium, in English and Japanese: write a template, see the linter's finding in the reader's
 * language and fix it, fill the sample, submit, and watch it go from "in review" to "approved" once the
 * simulator's review (driven by the fake clock, not slept) sends the status webhook.
 */
describe('message templates in Chromium', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(async () => e?.close());

  for (const [lang, locale, L] of RUNS)
    describe(lang, () => {
      let page: Page;
      beforeAll(async () => {
        const ctx = await e.newContext(locale);
        page = await ctx.newPage();
        page.setDefaultTimeout(20_000);
        await signIn(page, e.seed.email, e.seed.password);
      });
      afterAll(async () => page?.context().close());

      it('creates a template, fixes a lint finding, submits it and sees it approved', async () => {
        await page.getByRole('link', { name: L.nav.templates }).click();
        await page.getByRole('heading', { name: L.templates.title }).waitFor();
        await page.locator('tr[data-template="hello_world"]').waitFor();
        await page.getByRole('button', { name: L.templates.new }).click();
        const form = page.locator('.template-form');
        const name = `winter_sale_${lang}`;
        await form.locator(`input[placeholder="${L.templates.form.namePlaceholder}"]`).fill(name);
        const body = form.locator('textarea');
        await body.fill('{{1}}様、冬のセールのお知らせです。ぜひご来店ください。');
        const finding = form.locator('.lint-finding[data-code="variable_at_start"]');
        await finding.waitFor();
        expect(await finding.textContent()).toContain(
          L.templates.lint.variable_at_start.split('{{variable}}')[1]!.trim().slice(0, 8),
        );
        const submit = form.getByRole('button', { name: L.templates.form.submit });
        expect(await submit.isDisabled()).toBe(true);

        await body.fill('こんにちは {{1}} 様、冬のセールを開催中です。ぜひご来店ください。');
        await finding.waitFor({ state: 'detached' });
        await form.locator('.lint-finding[data-code="example_empty"]').waitFor();
        await form.locator('fieldset input').first().fill('山田');
        await form.getByText(L.templates.form.allGood).waitFor();
        expect(await form.locator('.template-preview').textContent()).toContain('こんにちは 山田 様');
        await e.screenshot(page, `templates-form-${lang}`);

        await submit.click();
        const chip = page.locator(`tr[data-template="${name}"] .chip`);
        await chip.waitFor();
        expect(await chip.getAttribute('data-status')).toBe('PENDING');
        expect(await chip.textContent()).toBe(L.templates.statuses.PENDING);

        // The simulator reviews after 30 s on its clock, then sends the status webhook.
        await e.advance(30_000);
        await page.locator(`tr[data-template="${name}"] .chip[data-status="APPROVED"]`).waitFor();
        expect(await chip.textContent()).toBe(L.templates.statuses.APPROVED);
        await e.screenshot(page, `templates-${lang}`);
      });
    });
});
