import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FakeClock } from '../../src/lib/clock.ts';
import { loadConfig } from '../../src/server/config.ts';
import { openDatabase } from '../../src/server/db/connect.ts';
import { silentLogger } from '../../src/server/lib/logger.ts';
import { startTsunagi, type Tsunagi } from '../../src/server/main.ts';
import { seedDemo, type DemoSeed } from '../../src/server/modules/workspaces/demo.service.ts';
import { applyInboundMessages } from '../../src/server/pipeline/inbound-apply.ts';

/** Where screenshots go (gitignored). */
export const ARTIFACTS = path.resolve('test-artifacts/e2e');

export interface E2E {
  t: Tsunagi;
  clock: FakeClock;
  seed: DemoSeed;
  browser: Browser;
  /** A new browser context (cookies, storage) in the given UI language. */
  newContext(locale?: string): Promise<BrowserContext>;
  /** Moves the fake clock (statuses, windows) and waits until the simulator delivered what fell due. */
  advance(ms: number): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A whole Tsunagi as `npm start` runs it — background loops on, built console, embedded simulator, demo
 * workspace — on an in-memory PGlite and a fake clock started at the real time (so the browser's clock and
 * the server's agree until a test moves time forward), plus Debian's Chromium.
 */
export async function startE2E(): Promise<E2E> {
  const clock = new FakeClock(Date.now());
  const database = await openDatabase({ databaseUrl: null, dataDir: null });
  const config = loadConfig({
    PORT: '0',
    TSUNAGI_SIMULATOR: 'on',
    TSUNAGI_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
    TSUNAGI_DATA_DIR: '/nonexistent-e2e-dir',
  });
  const t = await startTsunagi(config, {
    clock,
    logger: silentLogger,
    database,
    simulatorStatusDelaysMs: { sent: 0, delivered: 1000, read: 2000 },
  });
  const seed = await seedDemo({
    db: t.ctx.db,
    clock,
    secrets: t.ctx.secrets,
    applyInbound: applyInboundMessages,
  });
  await t.resyncSimulator();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    t,
    clock,
    seed,
    browser,
    newContext: (locale = 'en-US') =>
      browser.newContext({ baseURL: t.url, locale, viewport: { width: 1400, height: 860 } }),
    async advance(ms) {
      clock.advance(ms);
      await t.simulator?.flush();
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    },
    async close() {
      await browser.close();
      await t.close();
      await database.close();
    },
  };
}

/** Signs in through the login form. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel(/^(Email|メールアドレス)$/).fill(email);
  await page.getByLabel(/^(Password|パスワード)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|サインイン)$/ }).click();
  await page.locator('.conv-row').first().waitFor();
}

/**
 * A page signed in as the demo owner, in a new browser context of the given UI language and viewport (below 500 px
 * wide it is a phone: mobile, touch), with a 15 s default timeout.
 */
export async function signedInPage(
  e: E2E,
  locale: string,
  viewport: { width: number; height: number },
): Promise<Page> {
  const ctx = await e.browser.newContext({
    baseURL: e.t.url,
    locale,
    viewport,
    ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await signIn(page, e.seed.email, e.seed.password);
  return page;
}

/** The p-th percentile (0–100) of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
