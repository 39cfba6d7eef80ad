import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startE2E, type E2E } from './harness.ts';

/** Settings → API keys in Chromium: create (secret shown once), rotate, revoke; in English and Japanese. */
describe('API keys in the console', () => {
  let e: E2E;
  let page: Page;

  beforeAll(async () => {
    e = await startE2E();
    const ctx = await e.newContext();
    page = await ctx.newPage();
    page.setDefaultTimeout(10_000);
    page.on('dialog', (d) => void d.accept());
    await signIn(page, e.seed.email, e.seed.password);
  });
  afterAll(async () => e?.close());

  const status = async (secret: string) =>
    (await fetch(`${e.t.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${secret}` } }))
      .status;
  const shownSecret = async () => {
    const input = page.getByLabel('New API key');
    await input.waitFor();
    return input.inputValue();
  };

  it('creates a key and shows its secret once, rotates it, and revokes it', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('heading', { name: 'API keys', level: 2 }).waitFor();
    await page.locator('tr', { hasText: 'initial' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('CRM 連携');
    await page.locator('form.card select').selectOption('agent');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const first = await shownSecret();
    expect(first).toMatch(/^tsk_/);
    expect(await status(first)).toBe(200);
    await page.getByRole('button', { name: 'Copy key' }).waitFor();
    const row = page.locator('tr', { hasText: 'CRM 連携' });
    await expect.poll(() => row.locator('code').textContent()).toBe(`${first.slice(0, 8)}…`);
    await e.screenshot(page, 'api-keys');

    await row.getByRole('button', { name: 'Rotate' }).click();
    await expect.poll(shownSecret).not.toBe(first);
    const second = await shownSecret();
    expect(await status(first)).toBe(401);
    expect(await status(second)).toBe(200);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoked').waitFor();
    expect(await status(second)).toBe(401);
    expect(await row.getByRole('button', { name: 'Rotate' }).count()).toBe(0);
  });

  it('speaks Japanese', async () => {
    const ctx = await e.newContext('ja-JP');
    const ja = await ctx.newPage();
    ja.setDefaultTimeout(10_000);
    await signIn(ja, e.seed.email, e.seed.password);
    await ja.goto('/settings/apiKeys');
    await ja.getByRole('heading', { name: 'API キー', level: 2 }).waitFor();
    await ja.getByRole('button', { name: 'API キーを作成' }).waitFor();
    await ctx.close();
  });
});
