import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateContacts } from '../../src/server/modules/contacts/contacts-resolve.repository.ts';
import { DEMO_NUMBERS } from '../../src/server/modules/workspaces/demo.service.ts';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { signedInPage, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const RUNS = [
  ['en', 'en-US', { width: 1440, height: 900 }, en],
  ['ja', 'ja-JP', { width: 390, height: 844 }, ja],
] as const;
const BULK = 300;

/**
 * The contacts page in Chromium: a virtualized list of every contact (more than one page, only the visible rows
 * in the DOM), search, a contact's page, and starting a conversation from it; en 1440×900, ja 390×844. In ja, the
 * tags panel: a tag rule made in the form (a parse error shown first), run now with its count, and the hygiene
 * report opened.
 */
describe('contacts in Chromium', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
    const wanted = Array.from({ length: BULK }, (_, i) => {
      const waId = `819087${String(i).padStart(6, '0')}`;
      return {
        workspaceId: e.seed.workspaceId,
        waId,
        e164: `+${waId}`,
        country: 'JP',
        profileName: `一括 ${i}`,
      };
    });
    await findOrCreateContacts(e.t.ctx.db, e.clock.now(), wanted);
  });
  afterAll(async () => e?.close());

  for (const [lang, locale, viewport, L] of RUNS)
    describe(`${lang} ${viewport.width}×${viewport.height}`, () => {
      let page: Page;
      beforeAll(async () => {
        page = await signedInPage(e, locale, viewport);
      });
      afterAll(async () => page?.context().close());

      it('lists every contact virtualized, searches, opens one and starts a conversation', async () => {
        await page.goto('/contacts');
        const list = page.getByRole('list', { name: L.contacts.title });
        await list.getByRole('listitem').first().waitFor();
        const rendered = await list.getByRole('listitem').count();
        expect(rendered).toBeGreaterThan(5);
        expect(rendered).toBeLessThan(100);
        // Scrolling to the end loads the next pages.
        await expect
          .poll(
            async () => {
              await page.evaluate(
                `(() => { const el = document.querySelector('.contacts-scroller'); el.scrollTo(0, el.scrollHeight); })()`,
              );
              return list.getByText('一括 0', { exact: true }).count();
            },
            { timeout: 15_000, interval: 300 },
          )
          .toBe(1);
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);

        await page.getByRole('searchbox', { name: L.contacts.search }).fill('一括 299');
        await list.getByRole('listitem').filter({ hasText: '一括 299' }).waitFor();
        await page.getByRole('searchbox', { name: L.contacts.search }).fill('鈴木');
        await list.getByRole('link', { name: /鈴木 一郎/ }).click();
        await page.getByRole('heading', { name: '鈴木 一郎', level: 1 }).waitFor();
        await page.getByRole('heading', { name: L.contacts.conversations, level: 2, exact: true }).waitFor();
        await page.locator('.contact-page .other-convs a').first().waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner', '鈴木 一郎'])).toEqual([]);
        await e.screenshot(page, `contacts-${lang}`);

        // A contact with no conversation yet: start one with the approved hello_world template.
        const waId = lang === 'ja' ? '819087000007' : '819087000008';
        await page.goto('/contacts');
        await page.getByRole('searchbox', { name: L.contacts.search }).fill(waId);
        await list.getByRole('link').first().click();
        await page
          .getByRole('heading', { name: L.contacts.noConversations })
          .or(page.getByText(L.contacts.noConversations))
          .waitFor();
        await page
          .getByRole('combobox', { name: L.contacts.template })
          .locator('option', { hasText: 'hello_world' })
          .waitFor({ state: 'attached' });
        await page.getByRole('button', { name: L.contacts.startButton }).click();
        await expect
          .poll(
            async () => {
              const alert = page.locator('.start-conversation [role=alert]');
              return (await alert.count()) > 0 ? await alert.innerText() : new URL(page.url()).pathname;
            },
            { timeout: 15_000, interval: 200 },
          )
          .toMatch(/^\/inbox\/[0-9a-f-]+$/);
        await expect
          .poll(
            async () => {
              await e.advance(1_000);
              return DEMO_NUMBERS.flatMap((n) =>
                e.t.simulator!.sent({ phoneNumberId: n.phoneNumberId, to: waId }),
              ).length;
            },
            { timeout: 15_000, interval: 200 },
          )
          .toBe(1);
      });

      it('starts a conversation with a new number from the list with a template', async () => {
        const waId = lang === 'ja' ? '819055550002' : '819055550001';
        await page.goto('/contacts');
        await page.getByRole('button', { name: L.contacts.newConversation.open }).click();
        const dialog = page.getByRole('dialog', { name: L.contacts.newConversation.title });
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        await dialog.getByLabel(L.contacts.newConversation.phone).fill(`+81 90-5555-000${waId.slice(-1)}`);
        await dialog
          .getByRole('combobox', { name: L.contacts.template })
          .locator('option', { hasText: 'hello_world' })
          .waitFor({ state: 'attached' });
        await dialog.getByRole('button', { name: L.contacts.startButton }).click();
        await page.waitForURL(/\/inbox\/[0-9a-f-]+$/);
        const contact = await e.t.ctx.db
          .selectFrom('contacts')
          .select(['id', 'country'])
          .where('workspace_id', '=', e.seed.workspaceId)
          .where('wa_id', '=', waId)
          .executeTakeFirstOrThrow();
        expect(contact.country).toBe('JP');
        await expect
          .poll(
            async () => {
              await e.advance(1_000);
              return DEMO_NUMBERS.flatMap((n) =>
                e.t.simulator!.sent({ phoneNumberId: n.phoneNumberId, to: waId }),
              ).length;
            },
            { timeout: 15_000, interval: 200 },
          )
          .toBe(1);
      });

      if (lang === 'ja')
        it('creates a tag rule in the form, runs it, sees its count and opens the hygiene report', async () => {
          const db = e.t.ctx.db;
          await page.goto('/contacts');
          await page.getByRole('button', { name: L.contacts.tagsButton, exact: true }).click();
          await page.getByRole('button', { name: L.contacts.tagRules.new }).click();
          const form = page.getByRole('form', { name: L.contacts.tagRules.form });
          await form.getByLabel(L.contacts.tagRules.tag, { exact: true }).fill('e2e-vip');
          const condition = form.locator('textarea');
          // Text that does not parse: the server's error, with its position, in the form.
          await condition.fill('contact.tags has');
          await form.getByRole('button', { name: L.contacts.tagRules.save }).click();
          await form.getByRole('alert').getByText(L.errors.code.invalid_condition).waitFor();
          await condition.fill('contact.tags has e2e-source');
          await form.getByRole('button', { name: L.contacts.tagRules.save }).click();
          const row = page.locator('tr[data-rule="e2e-vip"]');
          await row.waitFor();
          // The run enqueued on creation (nobody carries the source tag yet) happens first.
          await expect
            .poll(
              async () => {
                await e.advance(1_000);
                const r = await db
                  .selectFrom('tag_rules')
                  .select('last_run_at')
                  .where('workspace_id', '=', e.seed.workspaceId)
                  .where('tag', '=', 'e2e-vip')
                  .executeTakeFirst();
                return r?.last_run_at != null;
              },
              { timeout: 15_000, interval: 200 },
            )
            .toBe(true);
          const three = await db
            .selectFrom('contacts')
            .select('id')
            .where('workspace_id', '=', e.seed.workspaceId)
            .where('wa_id', 'like', '819087%')
            .orderBy('wa_id')
            .limit(3)
            .execute();
          await db
            .insertInto('contact_tags')
            .values(
              three.map((c) => ({
                workspace_id: e.seed.workspaceId,
                contact_id: c.id,
                tag: 'e2e-source',
                created_at: e.clock.now(),
              })),
            )
            .execute();
          await row.getByRole('button', { name: L.contacts.tagRules.run }).click();
          await row.getByText(/追加 3 件・削除 0 件/).waitFor();
          expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);

          await page.getByRole('button', { name: L.contacts.hygiene.open }).click();
          const report = page.getByRole('region', { name: L.contacts.hygiene.title });
          await report.getByRole('heading', { name: L.contacts.hygiene.overTagged }).waitFor();
          await report.getByText(L.contacts.hygiene.overTaggedCount.replace('{{count}}', '0')).waitFor();
          expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
          await e.screenshot(page, 'contacts-tags-ja');
        });
    });
});
