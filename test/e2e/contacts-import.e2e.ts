import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttributeDefinition } from '../../src/server/modules/contacts/contact-attributes.service.ts';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { ARTIFACTS, signedInPage, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const RUNS = [
  ['en', 'en-US', { width: 1440, height: 900 }, en, 'utf-8', '81'],
  ['ja', 'ja-JP', { width: 390, height: 844 }, ja, 'shift_jis', '82'],
] as const;

/**
 * The CSV file of one run: 6 good rows (numbers written the Japanese way, read with the country JP), one of them
 * opted out and one a formula to neutralise on export, plus a bad phone (row 8), a ragged row (row 9) and a bad
 * consent value (row 10). Written in the run's encoding (Shift_JIS as Japanese Excel saves it).
 */
function csvOf(prefix: string, encoding: 'utf-8' | 'shift_jis'): { bytes: Buffer; names: string[] } {
  const names = ['山田 太郎', '佐藤 花子', '鈴木 一郎', '高橋 美咲', '伊藤 健', '=HYPERLINK("x")'].map(
    (n, i) => (i === 5 ? n : `${n}${prefix}`),
  );
  const lines = [
    'phone,name,tags,consent',
    ...names.map((n, i) => {
      const cell = n.includes('"') ? `"${n.replace(/"/g, '""')}"` : n;
      return `090-${prefix}00-000${i},${cell},取込;e2e-${prefix},${i === 1 ? 'opted_out' : 'opted_in'}`;
    }),
    `12345,番号不正${prefix},,`,
    `090-${prefix}00-0099,列が多い${prefix},a,opted_in,余分`,
    `090-${prefix}00-0098,同意不正${prefix},,maybe`,
  ];
  const text = `${lines.join('\r\n')}\r\n`;
  return { bytes: encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'shift_jis'), names };
}

/**
 * Contact import, export, consent history and erasure in Chromium (en 1440×900 with a UTF-8 file, ja 390×844 with
 * a Shift_JIS one): a CSV with bad rows imported from the console, its counts and per-row errors shown and the
 * error report downloaded; the list exported as CSV (UTF-8 with a BOM; formulas neutralised); a contact's consent
 * history (the import's opt-out), a change recorded with a note; their data downloaded as JSON; and the contact
 * erased after the confirmation, gone from the list and the API.
 */
describe('contact import, export and erasure in Chromium', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E();
    await createAttributeDefinition({ db: e.t.ctx.db, clock: e.clock }, e.seed.workspaceId, {
      key: 'rank',
      label: 'ランク',
      type: 'choice',
      choices: ['gold', 'silver'],
    });
  });
  afterAll(async () => e?.close());

  for (const [lang, locale, viewport, L, encoding, prefix] of RUNS)
    describe(`${lang} ${viewport.width}×${viewport.height}`, () => {
      let page: Page;
      const { bytes, names } = csvOf(prefix, encoding);
      beforeAll(async () => {
        page = await signedInPage(e, locale, viewport);
      });
      afterAll(async () => page?.context().close());

      const download = async (click: () => Promise<void>) => {
        const [d] = await Promise.all([page.waitForEvent('download'), click()]);
        return { name: d.suggestedFilename(), bytes: fs.readFileSync((await d.path())!) };
      };

      it('imports a CSV with bad rows: counts, per-row errors and the downloadable report', async () => {
        await page.goto('/contacts');
        await page.getByRole('link', { name: L.contacts.import.open }).click();
        await page.getByRole('heading', { name: L.contacts.import.title }).waitFor();
        await page.getByLabel(L.contacts.import.file).setInputFiles({
          name: `contacts-${lang}.csv`,
          mimeType: 'text/csv',
          buffer: bytes,
        });
        // JP is the default for a Japanese console; the English one says it.
        await page.getByLabel(L.contacts.import.country).fill('JP');
        await page.getByRole('button', { name: L.contacts.import.start }).click();
        await page.waitForURL(/\/contacts\/import\/[0-9a-f-]+$/);
        await expect
          .poll(
            async () => {
              await e.advance(1_000);
              return page.getByRole('status').filter({ hasText: L.contacts.import.status.done }).count();
            },
            { timeout: 30_000, interval: 250 },
          )
          .toBe(1);
        const count = (k: string) => page.locator(`[data-count="${k}"]`).innerText();
        expect(await count('rows')).toBe('9');
        expect(await count('created')).toBe('6');
        expect(await count('failed')).toBe('3');
        expect(
          await page
            .getByText(
              L.contacts.import.readAs.replace('{{encoding}}', L.contacts.import.encodings[encoding]),
            )
            .count(),
        ).toBe(1);
        const table = page.locator('table.import-errors');
        const rows = await table.locator('tbody tr').allInnerTexts();
        expect(rows.map((r) => r.split('\t')[0])).toEqual(['8', '9', '10']);
        expect(rows[0]).toContain(L.contacts.import.codes.phone_invalid);
        expect(rows[1]).toContain(L.contacts.import.codes.row_ragged);
        expect(rows[2]).toContain(L.contacts.import.codes.consent_invalid);
        await e.screenshot(page, `contacts-import-${lang}`);
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner'])).toEqual([]);
        const report = await download(() =>
          page.getByRole('link', { name: L.contacts.import.downloadErrors }).click(),
        );
        expect(report.name).toMatch(/^import-.*-errors\.csv$/);
        const lines = report.bytes
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .trim()
          .split(/\r?\n/);
        expect(lines[0]).toBe('row,column,code,message');
        expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
          '8,phone,phone_invalid',
          '9,,row_ragged',
          '10,consent,consent_invalid',
        ]);
      });

      it('exports the list as CSV for Excel, with formulas neutralised', async () => {
        await page.getByRole('link', { name: L.contacts.import.toList }).click();
        await page.getByRole('button', { name: L.contacts.export.open }).click();
        const dialog = page.getByRole('dialog', { name: L.contacts.export.title });
        await dialog.getByText(L.contacts.export.all).waitFor();
        const file = await download(() => dialog.getByRole('link', { name: L.contacts.export.utf8 }).click());
        expect(file.name).toBe('contacts.csv');
        expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const text = file.bytes.toString('utf8');
        for (const n of names.slice(0, 5)) expect(text).toContain(n);
        expect(text).toContain(`'=HYPERLINK`);
        expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
      });

      it("shows the contact's consent history, records a change, downloads their data and erases them", async () => {
        const name = names[1]!; // opted out by the import
        await page.getByRole('searchbox', { name: L.contacts.search }).fill(name);
        const list = page.getByRole('list', { name: L.contacts.title });
        await list.getByRole('link', { name: new RegExp(name) }).click();
        await page.getByRole('heading', { name, level: 1 }).waitFor();
        const consent = page.getByRole('region', { name: L.contacts.consentHistory.title });
        await consent
          .locator('[data-consent="marketing"]')
          .getByText(L.contacts.consentStates.opted_out)
          .waitFor();
        await consent.getByText(L.contacts.consentHistory.sources.import).first().waitFor();
        // A customer who calls to opt back in: recorded with a note.
        await consent
          .locator('[data-consent="marketing"]')
          .getByRole('button', { name: L.contacts.consentHistory.optIn })
          .click();
        const dialog = page.getByRole('dialog', { name: L.contacts.consentHistory.record });
        const note = lang === 'ja' ? '電話で配信再開の連絡あり' : 'Asked by phone to opt back in';
        await dialog.getByLabel(L.contacts.consentHistory.note).fill(note);
        await dialog.getByRole('button', { name: L.contacts.consentHistory.save }).click();
        await consent
          .locator('[data-consent="marketing"]')
          .getByText(L.contacts.consentStates.opted_in)
          .waitFor();
        await consent.getByText(L.contacts.consentHistory.sources.console).waitFor();
        await consent.getByText(note).waitFor();
        if (lang === 'ja') expect(await englishSentences(page, ['Demo Owner', ...names])).toEqual([]);
        const contactId = new URL(page.url()).pathname.split('/')[2]!;
        const history = await e.t.ctx.db
          .selectFrom('consent_events')
          .select(['source', 'state'])
          .where('contact_id', '=', contactId)
          .orderBy('occurred_at')
          .execute();
        expect(history.map((h) => `${h.source}:${h.state}`)).toEqual([
          'import:opted_out',
          'console:opted_in',
        ]);

        // Tags, an attribute of the schema and a note, edited on the page.
        const tags = page.getByRole('region', { name: L.contacts.tags });
        await tags.getByLabel(L.contact.addTag).fill('電話で確認');
        await tags.getByRole('button', { name: L.app.add }).click();
        await tags.locator('.tag', { hasText: '電話で確認' }).waitFor();
        await tags
          .getByRole('button', { name: L.contact.removeTag.replace('{{tag}}', `e2e-${prefix}`) })
          .click();
        await tags.locator('.tag', { hasText: `e2e-${prefix}` }).waitFor({ state: 'detached' });
        const attrs = page.getByRole('region', { name: L.contacts.attributes });
        await attrs.getByLabel(L.contacts.editor.attribute).selectOption('rank');
        await attrs.getByLabel(L.contacts.value).selectOption('gold');
        await attrs.getByRole('button', { name: L.contacts.editor.set }).click();
        await attrs.locator('[data-attribute="rank"]').getByText('gold').waitFor();
        await page.getByLabel(L.contact.notePlaceholder).fill('折り返し希望');
        await page.getByRole('button', { name: L.contact.addNote }).click();
        await page.getByText('折り返し希望').waitFor();

        const privacy = page.getByRole('region', { name: L.contacts.privacy.title });
        const data = await download(() =>
          privacy.getByRole('link', { name: L.contacts.privacy.export }).click(),
        );
        const json = JSON.parse(data.bytes.toString('utf8')) as {
          contact: { id: string; name: string; tags: string[]; attributes: Record<string, unknown> };
          notes: Array<{ body: string }>;
        };
        expect(json.contact).toMatchObject({ id: contactId, name, attributes: { rank: 'gold' } });
        expect(json.contact.tags.sort()).toEqual(['取込', '電話で確認'].sort());
        expect(json.notes.map((n) => n.body)).toEqual(['折り返し希望']);

        await privacy.getByRole('button', { name: L.contacts.privacy.erase }).click();
        const confirm = page.getByRole('dialog', {
          name: L.contacts.privacy.eraseTitle.replace('{{name}}', name),
        });
        await confirm.getByText(L.contacts.privacy.eraseFinal).waitFor();
        // Nothing on the contact page is wider than the screen (buttons wrap on a phone).
        expect(
          await page.evaluate(
            `[...document.querySelectorAll('.contact-page, .contact-page .card')].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className)`,
          ),
        ).toEqual([]);
        await e.screenshot(page, `contacts-erase-${lang}`);
        await confirm.getByRole('button', { name: L.contacts.privacy.eraseConfirm }).click();
        await page.waitForURL(/\/contacts\?erased=0-0$/);
        await page
          .getByRole('status')
          .filter({ hasText: L.contacts.privacy.erased.split('{{')[0]! })
          .waitFor();
        const res = await page.request.get(`/api/v1/contacts/${contactId}`);
        expect(res.status()).toBe(404);
        await page.getByRole('searchbox', { name: L.contacts.search }).fill(name);
        await page.getByText(L.contacts.empty).waitFor();
        const audit = await e.t.ctx.db
          .selectFrom('audit_log')
          .select(['action', 'data'])
          .where('workspace_id', '=', e.seed.workspaceId)
          .where('action', '=', 'contact.erased')
          .where('target_id', '=', contactId)
          .execute();
        expect(audit).toHaveLength(1);
        expect(JSON.stringify(audit[0]!.data)).not.toContain(name);
        expect(fs.existsSync(path.join(ARTIFACTS, `contacts-erase-${lang}.png`))).toBe(true);
      });
    });
});
