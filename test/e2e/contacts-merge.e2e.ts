import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { insertContactTag } from '../../src/server/modules/contacts/contact-tags.repository.ts';
import { recordConsentChange } from '../../src/server/modules/consent/consent.service.ts';
import { applyInboundMessages } from '../../src/server/pipeline/inbound-apply.ts';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { signedInPage, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const RUNS = [
  ['en', 'en-US', { width: 1440, height: 900 }, en, ['山本 大輔', 'やまもと だいすけ']],
  ['ja', 'ja-JP', { width: 390, height: 844 }, ja, ['中村 優子', 'なかむら ゆうこ']],
] as const;

/**
 * The segment builder and contact merge in Chromium: a segment 「購入済み」 tag AND NOT opted out built row by row
 * with the live count, saved and used as the list's filter; two duplicate contacts merged from the contact page
 * (both conversations with the survivor) and the merge undone (each contact has its own again); en and ja.
 */
describe('segments and merge in Chromium', () => {
  let e: E2E;
  const contactOf = new Map<string, string>();
  const conversationsOf = async (contactId: string) =>
    (await e.t.ctx.db.selectFrom('conversations').select('id').where('contact_id', '=', contactId).execute())
      .length;

  beforeAll(async () => {
    e = await startE2E();
    const ws = e.seed.workspaceId;
    const [n1, n2] = await Promise.all(
      e.seed.phoneNumbers.map((n) =>
        e.t.ctx.db.selectFrom('phone_numbers').selectAll().where('id', '=', n.id).executeTakeFirstOrThrow(),
      ),
    );
    const inbound = (from: string, name: string, number: typeof n1) => ({
      number: number!,
      wamid: `wamid.E2E${newId().replace(/-/g, '')}`,
      from,
      profileName: name,
      timestamp: Math.floor(e.clock.now().getTime() / 1000),
      type: 'text' as const,
      content: { type: 'text' as const, text: { body: `${name} です` } },
    });
    const buyers = Array.from({ length: 5 }, (_, i) => inbound(`81906660000${i}`, `購入者 ${i}`, n1));
    const dupes = RUNS.flatMap(([, , , , [a, b]], i) => [
      inbound(`81907770${i}001`, a, n1),
      inbound(`81907770${i}002`, b, n2),
    ]);
    await e.t.ctx.db.transaction().execute(async (tx) => {
      await applyInboundMessages(tx, e.clock, [...buyers, ...dupes]);
    });
    const rows = await e.t.ctx.db
      .selectFrom('contacts')
      .select(['id', 'wa_id'])
      .where('workspace_id', '=', ws)
      .execute();
    for (const r of rows) contactOf.set(r.wa_id, r.id);
    await e.t.ctx.db.transaction().execute(async (tx) => {
      for (const [i, b] of buyers.entries()) {
        const contactId = contactOf.get(b.from)!;
        await insertContactTag(tx, { workspaceId: ws, contactId, tag: '購入済み', at: e.clock.now() });
        if (i < 2)
          await recordConsentChange(tx, e.clock, {
            workspaceId: ws,
            contactId,
            purpose: 'marketing',
            state: 'opted_out',
            source: 'keyword',
            actor: { type: 'customer', id: null },
          });
      }
    });
  });
  afterAll(async () => e?.close());

  for (const [lang, locale, viewport, L, names] of RUNS)
    describe(`${lang} ${viewport.width}×${viewport.height}`, () => {
      let page: Page;
      beforeAll(async () => {
        page = await signedInPage(e, locale, viewport);
      });
      afterAll(async () => page?.context().close());

      it('builds 購入済み AND NOT opted out with a live count, saves it, filters the list by it, edits and deletes it', async () => {
        await page.goto('/contacts');
        await page.getByRole('button', { name: L.contacts.segments, exact: true }).click();
        await page.getByRole('button', { name: L.contacts.newSegment }).click();
        const builder = page.locator('.segment-builder');
        const name = `購入済み ${lang}`;
        await builder.getByLabel(L.contacts.segmentName).fill(name);
        await builder.getByLabel(`${L.contacts.value} 1`).fill('購入済み');
        const count = builder.locator('.segment-count');
        await expect.poll(() => count.textContent()).toBe(L.contacts.liveCount.replace('{{count}}', '5'));
        await builder.getByRole('button', { name: L.contacts.addRow }).click();
        await builder.getByLabel(`${L.contacts.field} 2`).selectOption('consent');
        await builder.locator('.segment-row').nth(1).getByLabel(L.contacts.not).check();
        await builder.getByLabel(`${L.contacts.value} 2`).selectOption('opted_out');
        await expect.poll(() => count.textContent()).toBe(L.contacts.liveCount.replace('{{count}}', '3'));
        await expect.poll(() => builder.locator('.segment-sample li').count()).toBe(3);
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        await e.screenshot(page, `segment-builder-${lang}`);
        await builder.getByRole('button', { name: L.contacts.save }).click();
        await builder.waitFor({ state: 'detached' });
        // Saved, and the list now shows the segment's contacts.
        await expect
          .poll(() => page.getByRole('combobox', { name: L.contacts.segmentFilter }).inputValue())
          .not.toBe('');
        const list = page.getByRole('list', { name: L.contacts.title });
        await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
        const saved = await e.t.ctx.db
          .selectFrom('segments')
          .select('condition')
          .where('name', '=', name)
          .executeTakeFirstOrThrow();
        expect(saved.condition).toEqual({
          type: 'and',
          items: [
            { type: 'tag', name: '購入済み' },
            { type: 'not', item: { type: 'consent', purpose: 'marketing', state: 'opted_out', op: '=' } },
          ],
        });

        // Edit: the saved rows come back; with OR instead of AND every contact matches.
        const panel = page.getByRole('region', { name: L.contacts.segments });
        const item = panel.locator('.segment-list li', { hasText: name });
        await item.getByRole('button', { name: L.contacts.edit }).click();
        await expect.poll(() => builder.getByLabel(`${L.contacts.value} 1`).inputValue()).toBe('購入済み');
        await builder.getByLabel(L.contacts.matchAny).check();
        const total = await e.t.ctx.db
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('workspace_id', '=', e.seed.workspaceId)
          .where('merged_into_id', 'is', null)
          .executeTakeFirstOrThrow();
        // Everyone: the two opted-out contacts are buyers.
        const expected = String(total.n);
        await expect
          .poll(() => count.textContent())
          .toBe(L.contacts.liveCount.replace('{{count}}', expected));
        await builder.getByRole('button', { name: L.contacts.saveChanges }).click();
        await builder.waitFor({ state: 'detached' });
        await expect
          .poll(
            async () =>
              (
                await e.t.ctx.db
                  .selectFrom('segments')
                  .select('condition')
                  .where('name', '=', name)
                  .executeTakeFirstOrThrow()
              ).condition,
          )
          .toMatchObject({ type: 'or' });

        // Delete, behind a confirmation.
        await item.getByRole('button', { name: L.contacts.delete }).click();
        await page.getByRole('dialog').getByRole('button', { name: L.contacts.delete }).click();
        await item.waitFor({ state: 'detached' });
        expect(
          await e.t.ctx.db.selectFrom('segments').select('id').where('name', '=', name).execute(),
        ).toEqual([]);
      });

      it('merges two duplicates keeping both conversations, and undoes it', async () => {
        const i = RUNS.findIndex((r) => r[0] === lang);
        const survivor = contactOf.get(`81907770${i}001`)!;
        const source = contactOf.get(`81907770${i}002`)!;
        await page.goto(`/contacts/${survivor}`);
        const duplicates = page.getByRole('region', { name: L.contacts.duplicates });
        await duplicates.getByText(names[1]).waitFor();
        await duplicates
          .locator('.duplicate-row', { hasText: names[1] })
          .getByRole('button', { name: L.contacts.mergeAction })
          .click();
        const dialog = page.getByRole('dialog');
        await dialog.getByText(L.contacts.mergeKeeps.replace('{{source}}', names[1])).waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        await e.screenshot(page, `contact-merge-${lang}`);
        await dialog.getByRole('button', { name: L.contacts.mergeConfirm }).click();
        await duplicates.getByText(L.contacts.merged.replace('{{source}}', names[1])).waitFor();
        // Both conversations are the survivor's, on its page and in the database.
        await expect.poll(() => page.locator('.contact-page .other-convs li').count()).toBe(2);
        expect([await conversationsOf(survivor), await conversationsOf(source)]).toEqual([2, 0]);
        await page.getByRole('region', { name: L.contacts.history }).waitFor();

        await duplicates.getByRole('button', { name: L.contacts.undo }).click();
        await duplicates.getByText(L.contacts.undone).waitFor();
        await expect.poll(() => page.locator('.contact-page .other-convs li').count()).toBe(1);
        expect([await conversationsOf(survivor), await conversationsOf(source)]).toEqual([1, 1]);
        await page
          .getByRole('region', { name: L.contacts.history })
          .getByText(L.contacts.historyUndone.split('{{at}}').join('').trim())
          .waitFor();
      });
    });
});
