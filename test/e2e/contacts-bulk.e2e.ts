import fs from 'node:fs';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertContactTags } from '../../src/server/modules/contacts/contact-tags.repository.ts';
import { findOrCreateContacts } from '../../src/server/modules/contacts/contacts-resolve.repository.ts';
import { createSegment } from '../../src/server/modules/segments/segments.service.ts';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { signedInPage, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const RUNS = [
  ['en', 'en-US', { width: 1440, height: 900 }, en],
  ['ja', 'ja-JP', { width: 390, height: 844 }, ja],
] as const;

/** A locale text with its `{{placeholders}}` filled. */
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k]));

/**
 * Bulk actions on the contacts page in Chromium, en 1440×900 and ja 390×844: two contacts checked in the list get a
 * tag (shown on their rows once the job is done); then a saved segment chosen in the filter is opted out of
 * marketing as a whole, through the confirmation dialog, and each member's consent history records it.
 */
describe('contact bulk actions in Chromium', () => {
  let e: E2E;
  const ids = new Map<string, string>();
  beforeAll(async () => {
    e = await startE2E();
    const ws = e.seed.workspaceId;
    const wanted = RUNS.flatMap(([lang]) =>
      Array.from({ length: 5 }, (_, i) => {
        const waId = `81907755${lang === 'en' ? 1 : 2}${String(i).padStart(3, '0')}`;
        return {
          workspaceId: ws,
          waId,
          e164: `+${waId}`,
          country: 'JP',
          profileName: `一括操作 ${lang} ${i}`,
        };
      }),
    );
    const made = await findOrCreateContacts(e.t.ctx.db, e.clock.now(), wanted);
    for (const w of wanted) ids.set(w.profileName, made.ids.get(`${ws}|${w.waId}`) ?? '');
    expect([...ids.values()].every((id) => id !== '')).toBe(true);
    for (const [lang] of RUNS) {
      // Members of the language's segment: contacts 2, 3 and 4.
      await insertContactTags(
        e.t.ctx.db,
        ws,
        e.clock.now(),
        [2, 3, 4].map((i) => ({ contactId: ids.get(`一括操作 ${lang} ${i}`)!, tag: `bulk-seg-${lang}` })),
      );
      await createSegment({ db: e.t.ctx.db, clock: e.clock }, ws, null, {
        name: `一括 ${lang}`,
        condition: `contact.tags has bulk-seg-${lang}`,
      });
    }
  });
  afterAll(async () => e?.close());

  for (const [lang, locale, viewport, L] of RUNS)
    describe(`${lang} ${viewport.width}×${viewport.height}`, () => {
      let page: Page;
      beforeAll(async () => {
        page = await signedInPage(e, locale, viewport);
      });
      afterAll(async () => page?.context().close());

      it('tags two checked contacts, then opts a whole segment out after confirming', async () => {
        const B = L.contacts.bulk;
        await page.goto('/contacts');
        const list = page.getByRole('list', { name: L.contacts.title });
        const bar = page.getByRole('region', { name: B.title });
        await list.getByRole('listitem').first().waitFor();
        expect(await bar.count()).toBe(0);

        for (const i of [0, 1])
          await list
            .getByRole('checkbox', { name: fill(B.select, { name: `一括操作 ${lang} ${i}` }) })
            .check();
        await bar.getByText(fill(B.selected_other, { n: 2 })).waitFor();
        const form = bar.getByRole('form', { name: B.form });
        expect(await form.getByRole('combobox', { name: B.scope }).inputValue()).toBe('selected');
        await form.getByRole('combobox', { name: B.action }).selectOption({ label: B.actions.add_tag });
        await form.getByRole('textbox', { name: B.tag }).fill(`秋-${lang}`);
        await form.getByRole('button', { name: B.apply, exact: true }).click();
        await bar.getByText(fill(B.done, { changed: 2, total: 2 })).waitFor();
        for (const i of [0, 1])
          await list
            .getByRole('listitem')
            .filter({ hasText: `一括操作 ${lang} ${i}` })
            .getByText(`秋-${lang}`, { exact: true })
            .waitFor();
        expect(
          await list
            .getByRole('listitem')
            .filter({ hasText: `一括操作 ${lang} 2` })
            .getByText(`秋-${lang}`)
            .count(),
        ).toBe(0);
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        await e.screenshot(page, `contacts-bulk-tag-${lang}`);

        // Export the checked contacts through the same dialog as the list's export, here in Shift_JIS.
        await form.getByRole('combobox', { name: B.action }).selectOption({ label: B.actions.export });
        await form.getByRole('button', { name: B.apply, exact: true }).click();
        const exportDialog = page.getByRole('dialog', { name: L.contacts.export.title });
        await exportDialog.getByText(fill(L.contacts.export.selected_other, { n: 2 })).waitFor();
        const [file] = await Promise.all([
          page.waitForEvent('download'),
          exportDialog.getByRole('button', { name: L.contacts.export.sjis }).click(),
        ]);
        expect(file.suggestedFilename()).toBe('contacts-sjis.csv');
        const csv = iconv.decode(fs.readFileSync((await file.path())!), 'shift_jis');
        expect(csv.split('\r\n')[0]).toMatch(/^phone,name,/);
        // The checked contacts only (a phone cell starts with +, neutralised for Excel with a quote).
        const phone = (i: number) => `'+81907755${lang === 'en' ? 1 : 2}${String(i).padStart(3, '0')},`;
        const rows = csv.trimEnd().split('\r\n').slice(1);
        expect(rows).toHaveLength(2);
        for (const i of [0, 1]) expect(rows.find((r) => r.startsWith(phone(i)))).toContain(`秋-${lang}`);
        await exportDialog.waitFor({ state: 'detached' });

        // The whole segment: chosen in the filter, the bar offers it with its count.
        await page
          .getByRole('combobox', { name: L.contacts.segmentFilter })
          .selectOption({ label: `一括 ${lang}` });
        const scope = form.getByRole('combobox', { name: B.scope });
        await scope
          .locator('option', { hasText: fill(B.scopeSegment, { name: `一括 ${lang}`, n: 3 }) })
          .waitFor({ state: 'attached' });
        expect(await scope.inputValue()).toBe('segment');
        await form.getByRole('combobox', { name: B.action }).selectOption({ label: B.actions.opt_out });
        await form.getByRole('button', { name: B.apply, exact: true }).click();
        const dialog = page.getByRole('dialog', { name: B.optOutTitle });
        await dialog
          .getByText(fill(B.optOutConfirm, { who: fill(B.countContacts_other, { n: 3 }) }))
          .waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        await e.screenshot(page, `contacts-bulk-opt-out-${lang}`);
        await dialog.getByRole('button', { name: B.optOutAction }).click();
        await bar.getByText(fill(B.done, { changed: 3, total: 3 })).waitFor();

        const members = [2, 3, 4].map((i) => ids.get(`一括操作 ${lang} ${i}`)!);
        const events = await e.t.ctx.db
          .selectFrom('consent_events')
          .select(['contact_id', 'state', 'source', 'actor_type'])
          .where('contact_id', 'in', [...ids.values()])
          .where('source', '=', 'bulk')
          .execute();
        expect(events.filter((ev) => members.includes(ev.contact_id))).toHaveLength(3);
        expect(events.every((ev) => ev.state === 'opted_out' && ev.actor_type === 'user')).toBe(true);
        const states = await e.t.ctx.db
          .selectFrom('contacts')
          .select(['id', 'consent_state'])
          .where('id', 'in', members)
          .execute();
        expect(states.map((s) => s.consent_state)).toEqual(['opted_out', 'opted_out', 'opted_out']);
      });
    });
});
