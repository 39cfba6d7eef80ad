import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { signedInPage, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const RUNS = [
  ['en', 'en-US', { width: 1440, height: 900 }, en],
  ['ja', 'ja-JP', { width: 390, height: 844 }, ja],
] as const;

/**
 * Connecting a number step by step against the simulator, and pending invitations, in Chromium: English at
 * 1440×900, Japanese at 390×844 (where the page must show no English sentences).
 */
describe('connecting a number and pending invitations in Chromium', () => {
  let e: E2E;
  let n = 0;
  beforeAll(async () => {
    e = await startE2E();
  });
  afterAll(async () => e?.close());

  for (const [lang, locale, viewport, L] of RUNS)
    describe(`${lang} ${viewport.width}×${viewport.height}`, () => {
      let page: Page;
      const i = ++n;
      const pnid = `10977700000${i}`;
      const display = `+81 3-7777-000${i}`;
      beforeAll(async () => {
        page = await signedInPage(e, locale, viewport);
      });
      afterAll(async () => page?.context().close());

      it('walks the steps: webhook values, number checked, subscribed, test message delivered, health', async () => {
        // The business's number exists at "Meta" (the simulator) with its token.
        e.t.simulator!.registerNumber({
          phoneNumberId: pnid,
          displayPhoneNumber: display,
          wabaId: `20977700000${i}`,
          accessToken: `EAAG-e2e-${i}`,
        });
        await page.goto('/settings/numbers');
        await page.getByRole('button', { name: L.settings.connect.open }).click();
        const flow = page.locator('.connect-flow');
        expect(
          await flow.getByRole('textbox', { name: L.settings.connect.webhookUrl, exact: true }).inputValue(),
        ).toBe(`${e.t.url}/webhooks/whatsapp`);
        expect(
          await flow.getByRole('textbox', { name: L.settings.connect.verifyToken, exact: true }).inputValue(),
        ).toBe(e.t.ctx.verifyToken);

        await flow.getByLabel(L.settings.numbers.phoneNumberId, { exact: true }).fill(pnid);
        await flow.getByLabel(L.settings.numbers.display, { exact: true }).fill(display);
        await flow.getByLabel(L.settings.numbers.waba, { exact: true }).fill(`20977700000${i}`);
        await flow.getByLabel(L.settings.numbers.token, { exact: true }).fill(`EAAG-e2e-${i}`);
        await flow.getByRole('button', { name: L.settings.connect.register }).click();
        await flow.getByRole('status').filter({ hasText: display }).waitFor();

        await flow.getByRole('button', { name: L.settings.connect.subscribe }).click();
        await flow.getByText(L.settings.connect.subscribed).waitFor();

        const to = `81905550${String(i).padStart(4, '0')}`;
        await flow.getByLabel(L.settings.connect.testTo).fill(`+${to}`);
        await flow.getByRole('button', { name: L.settings.connect.send }).click();
        await expect
          .poll(
            async () => {
              await e.advance(1_000);
              return e.t.simulator!.sent({ phoneNumberId: pnid, to }).length;
            },
            { timeout: 15_000, interval: 200 },
          )
          .toBe(1);
        expect(JSON.stringify(e.t.simulator!.sent({ phoneNumberId: pnid, to })[0])).toContain('hello_world');
        await e.advance(3_000);
        await flow
          .getByRole('status')
          .filter({
            hasText: new RegExp(
              `${L.settings.connect.statuses.delivered}|${L.settings.connect.statuses.read}`,
            ),
          })
          .waitFor();

        const health = flow.locator('.number-health');
        await health.getByText(L.settings.health.qualities.GREEN, { exact: true }).waitFor();
        await health.getByText('TIER_UNLIMITED').waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        await e.screenshot(page, `number-connect-${lang}`);

        // Meta flags the number: the webhook is stored, and a refresh reads the new rating.
        e.t.simulator!.setNumberQuality(pnid, { event: 'FLAGGED', qualityRating: 'RED', tier: 'TIER_1K' });
        await expect
          .poll(
            async () => {
              await e.advance(500);
              const res = await page.context().request.get('/api/v1/phone-numbers');
              const body = (await res.json()) as {
                data: Array<{ phoneNumberId: string; qualityEvent: string }>;
              };
              return body.data.find((x) => x.phoneNumberId === pnid)?.qualityEvent;
            },
            { timeout: 15_000, interval: 200 },
          )
          .toBe('FLAGGED');
        await flow.getByRole('button', { name: L.settings.connect.refresh }).click();
        await health.getByText(L.settings.health.qualities.RED, { exact: true }).waitFor();
        await health.getByText('FLAGGED').waitFor();
        await health.getByText('TIER_1K').waitFor();
      });

      it('lists a pending invitation, hands out a new link and revokes it', async () => {
        const email = `pending.${lang}@tsunagi.local`;
        await page.goto('/settings/users');
        const form = page.locator('form', {
          has: page.getByRole('heading', { name: L.settings.users.invite }),
        });
        await form.getByLabel(L.settings.users.email).fill(email);
        await form.getByRole('button', { name: L.settings.users.invite }).click();
        const first = await page.getByRole('textbox', { name: L.settings.users.copy }).inputValue();
        const pending = page.locator('.pending-invitations');
        await pending.getByRole('row').filter({ hasText: email }).waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner', email])).toEqual([]);

        await pending.getByRole('button', { name: `${L.settings.invitations.newLink} ${email}` }).click();
        const field = pending.getByRole('textbox', { name: L.settings.invitations.link });
        await field.waitFor();
        const second = await field.inputValue();
        expect(second).toMatch(new RegExp(`^${e.t.url}/invite/`));
        expect(second).not.toBe(first);
        const previewOf = async (link: string) =>
          (await page.context().request.get(`/api/v1/invitations/${link.split('/invite/')[1]}`)).status();
        expect(await previewOf(first)).toBe(404);
        expect(await previewOf(second)).toBe(200);

        page.once('dialog', (d) => void d.accept());
        await pending.getByRole('button', { name: `${L.settings.invitations.revoke} ${email}` }).click();
        await pending.getByRole('row').filter({ hasText: email }).waitFor({ state: 'detached' });
        expect(await previewOf(second)).toBe(404);
      });
    });
});
