import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReminderDto } from '../../src/contracts/reminders.schemas.ts';
import type { WorkspaceSettingsDto } from '../../src/contracts/workspace-settings.schemas.ts';
import { newId } from '../../src/lib/ids.ts';
import type { MemberRole } from '../../src/server/db/types.ts';
import { hashPassword } from '../../src/server/lib/crypto.ts';
import { DEMO_NUMBERS } from '../../src/server/modules/workspaces/demo.service.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';
import { seedApiKey } from '../support/app.ts';
import { signIn, startE2E, type E2E } from './harness.ts';
import { englishSentences } from './latin.ts';

const L = ja;
const NAMES = ['Demo Owner', 'reminder agent', 'reminder analyst'];
const AGENT = { email: 'reminder.agent@tsunagi.local', password: 'agent-password-1', name: 'reminder agent' };
const ANALYST = {
  email: 'reminder.analyst@tsunagi.local',
  password: 'analyst-password-1',
  name: 'reminder analyst',
};
const NAME = '補充のお知らせ';

/**
 * Reminders and the retention setting in Chromium, in Japanese: the owner creates a reminder in the form (the
 * problems shown first), sees it listed in words, edits its delay, turns it off and deletes it after confirming;
 * sets archiving to 6 months and reads it back after a reload; sees an archived contact under Contacts → Archived.
 * An agent sees reminders and tag rules without a single write button, no hygiene report (the API refuses it) and no
 * workspace settings; an analyst reads the hygiene report without its actions. Every change is checked against the
 * API's answer.
 */
describe('reminders and retention in Chromium (ja)', () => {
  let e: E2E;
  let auth: { authorization: string };
  let page: Page;

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${e.t.url}/api/v1${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  const reminders = async () => (await call<{ data: ReminderDto[] }>('GET', '/reminders')).data;
  const addMember = async (m: { email: string; password: string; name: string }, role: MemberRole) => {
    const userId = newId();
    await e.t.ctx.db
      .insertInto('users')
      .values({
        id: userId,
        email: m.email,
        name: m.name,
        password_hash: await hashPassword(m.password),
        locale: null,
        created_at: e.clock.now(),
      })
      .execute();
    await e.t.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: e.seed.workspaceId, user_id: userId, role, created_at: e.clock.now() })
      .execute();
  };
  /** A Japanese page signed in as `m`, waiting for the side menu (their inbox may be empty). */
  const signInAs = async (m: { email: string; password: string }) => {
    const p = await (await e.newContext('ja-JP')).newPage();
    p.setDefaultTimeout(15_000);
    await p.goto('/');
    await p.getByLabel(/^メールアドレス$/).fill(m.email);
    await p.getByLabel(/^パスワード$/).fill(m.password);
    await p.getByRole('button', { name: /^サインイン$/ }).click();
    await p.locator('.rail').getByRole('link', { name: L.nav.campaigns, exact: true }).waitFor();
    return p;
  };

  beforeAll(async () => {
    e = await startE2E();
    auth = await seedApiKey(e.t.ctx, e.seed.workspaceId, 'admin');
    e.t.simulator!.addTemplate(DEMO_NUMBERS[0].wabaId, {
      name: 'restock',
      language: 'ja',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: '{{1}}様、そろそろ補充の時期です', example: { body_text: [['田中']] } },
      ],
    });
    // The form's template: an image header (a link in a reminder), a URL button taking a suffix, a quick reply.
    e.t.simulator!.addTemplate(DEMO_NUMBERS[0].wabaId, {
      name: 'restock_photo',
      language: 'ja',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/h.jpg'] } },
        { type: 'BODY', text: '{{1}}様、そろそろ補充の時期です', example: { body_text: [['田中']] } },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: '注文する', url: 'https://shop.example.jp/order/{{1}}', example: ['A-1'] },
            { type: 'QUICK_REPLY', text: '配信停止' },
          ],
        },
      ],
    });
    await call('POST', '/templates/sync', {});
    await addMember(AGENT, 'agent');
    await addMember(ANALYST, 'analyst');
    page = await (await e.newContext('ja-JP')).newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, e.seed.email, e.seed.password);
  });
  afterAll(async () => {
    await page?.context().close();
    await e?.close();
  });

  it('creates a reminder in the form, lists it in words, edits it, turns it off and deletes it', async () => {
    await page.goto('/campaigns');
    await page.getByRole('link', { name: L.campaigns.tabs.reminders, exact: true }).click();
    await page.getByRole('heading', { name: L.reminders.title, level: 1 }).waitFor();
    await page.getByText(L.reminders.empty).waitFor();
    await page.getByRole('button', { name: L.reminders.new }).click();
    const form = page.getByRole('form', { name: L.reminders.new });

    // Nothing filled in: each problem next to its field, in Japanese, before any request.
    await form.getByRole('button', { name: L.reminders.create }).click();
    await form.getByText(L.reminders.problems.eventName).waitFor();
    await form.getByText(L.reminders.problems.pickTemplate).waitFor();

    await form.locator('input[name="name"]').fill(NAME);
    await form.locator('input[name="event"]').fill('order_placed');
    await form.locator('input[name="delay"]').fill('30');
    await form.locator('select[name="number"]').selectOption(e.seed.phoneNumbers[0]!.id);
    await form
      .locator('select[name="template"] option[value="restock_photo|ja"]')
      .waitFor({ state: 'attached' });
    await form.locator('select[name="template"]').selectOption('restock_photo|ja');
    await form.getByLabel(L.campaigns.fallbackOf.replace('{{variable}}', '1')).fill('お客様');
    // The header's image is a link; the URL button's suffix is the contact's phone number.
    await form.getByRole('button', { name: L.reminders.create }).click();
    await form.getByText(L.reminders.problems.httpsUrl).waitFor();
    await form.locator('input[name="header-link"]').fill('https://cdn.example.jp/restock.jpg');
    const button = L.campaigns.buttonName.replace('{{label}}', '注文する');
    await form.getByLabel(L.campaigns.sourceOf.replace('{{variable}}', button)).selectOption('field:phone');
    await form.getByLabel(L.campaigns.fallbackOf.replace('{{variable}}', button)).fill('latest');
    await form.getByText('お客様様、そろそろ補充の時期です').waitFor();
    await form.getByLabel(L.reminders.onlyMatching).check();
    await form.getByLabel(`${L.contacts.value} 1`).fill('vip');
    await e.screenshot(page, 'reminders-ja-form');
    await form.getByRole('button', { name: L.reminders.create }).click();

    const row = page.locator(`tr[data-reminder="${NAME}"]`);
    await row.waitFor();
    await row.getByText('最後の「order_placed」イベントから 30 日後').waitFor();
    await row.locator('td[data-state="enabled"]').waitFor();
    const [created] = await reminders();
    expect(created).toMatchObject({
      name: NAME,
      enabled: true,
      trigger: { kind: 'event', event: 'order_placed', delayHours: 720 },
      condition: { type: 'tag', name: 'vip' },
      phoneNumberId: e.seed.phoneNumbers[0]!.id,
      template: {
        name: 'restock_photo',
        language: 'ja',
        variables: [{ source: { kind: 'field', field: 'name' }, fallback: 'お客様' }],
        header: { type: 'image', link: 'https://cdn.example.jp/restock.jpg' },
        buttons: [{ index: 0, suffix: { source: { kind: 'field', field: 'phone' }, fallback: 'latest' } }],
      },
      quietHours: { start: '08:00', end: '22:00' },
    });
    expect(await englishSentences(page, NAMES)).toEqual([]);
    await e.screenshot(page, 'reminders-ja');

    // Edit: 36 hours instead of 30 days; the rest stays.
    await row.getByRole('button', { name: L.app.edit, exact: true }).click();
    const edit = page.getByRole('form', { name: L.reminders.editTitle });
    await edit.locator('input[name="delay"]').fill('36');
    await edit.getByLabel(L.reminders.delayUnit).selectOption('hours');
    await edit.getByRole('button', { name: L.reminders.saveChanges }).click();
    await row.getByText('最後の「order_placed」イベントから 36 時間後').waitFor();
    expect((await reminders())[0]).toMatchObject({
      trigger: { delayHours: 36 },
      condition: { type: 'tag', name: 'vip' },
      template: {
        variables: [{ fallback: 'お客様' }],
        header: { type: 'image', link: 'https://cdn.example.jp/restock.jpg' },
        buttons: [{ index: 0, suffix: { fallback: 'latest' } }],
      },
    });

    await row.getByRole('button', { name: L.reminders.disable }).click();
    await row.locator('td[data-state="disabled"]').waitFor();
    expect((await reminders())[0]?.enabled).toBe(false);

    // Delete: dismissing the confirmation keeps it; confirming deletes it.
    await row.getByRole('button', { name: L.app.delete, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: L.app.cancel }).click();
    expect(await reminders()).toHaveLength(1);
    await row.getByRole('button', { name: L.app.delete, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: L.app.delete, exact: true }).click();
    await page.getByText(L.reminders.empty).waitFor();
    expect(await reminders()).toEqual([]);
  });

  it('sets archiving to 6 months, reads it back after a reload, and lists archived contacts', async () => {
    await page.goto('/settings/workspace');
    const form = page.getByRole('form', { name: L.settings.workspace.archive });
    const on = form.getByLabel(L.settings.workspace.archiveOn);
    const months = form.getByLabel(L.settings.workspace.months);
    await form.getByText(L.settings.workspace.archiveExplain).waitFor();
    expect(await on.isChecked()).toBe(false); // off by default
    expect(await months.isDisabled()).toBe(true);
    await on.check();
    await months.fill('121');
    await form.getByRole('alert').getByText('1〜120 の整数（か月）です。').waitFor();
    await months.fill('6');
    await form.getByRole('button', { name: L.app.save, exact: true }).click();
    await form.getByRole('status').getByText(L.app.saved).waitFor();
    expect(await call<WorkspaceSettingsDto>('GET', '/workspace/settings')).toEqual({
      archiveInactiveAfterMonths: 6,
    });
    await page.reload();
    await form.waitFor();
    expect(await form.getByLabel(L.settings.workspace.archiveOn).isChecked()).toBe(true);
    expect(await form.getByLabel(L.settings.workspace.months).inputValue()).toBe('6');
    expect(await englishSentences(page, NAMES)).toEqual([]);
    await e.screenshot(page, 'settings-workspace-ja');

    // A contact the daily job archived: hidden from the list, shown under Archived.
    const archived = await e.t.ctx.db
      .updateTable('contacts')
      .set({ archived_at: e.clock.now() })
      .where('workspace_id', '=', e.seed.workspaceId)
      .where('wa_id', '=', '819012345605')
      .returning(['name', 'profile_name'])
      .executeTakeFirstOrThrow();
    const label = archived.name ?? archived.profile_name ?? '';
    await page.goto('/contacts');
    const list = page.getByRole('list', { name: L.contacts.title });
    await list.getByRole('listitem').first().waitFor();
    expect(await list.getByText(label, { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: L.contacts.archivedFilter }).click();
    await list.getByText(label, { exact: true }).waitFor();
    expect(await list.getByRole('listitem').count()).toBe(1);
    await page.getByText(L.contacts.archivedHint).waitFor();
  });

  it('shows an agent reminders and tag rules without write buttons, no hygiene report and no workspace settings', async () => {
    await call('POST', '/reminders', {
      name: NAME,
      trigger: { kind: 'campaign_read_no_reply', delayHours: 48 },
      phoneNumberId: e.seed.phoneNumbers[0]!.id,
      template: {
        name: 'restock',
        language: 'ja',
        variables: [{ source: { kind: 'field', field: 'name' }, fallback: 'お客様' }],
      },
    });
    await call('POST', '/tag-rules', { tag: 'e2e-vip', condition: 'contact.tags has vip' });
    const agent = await signInAs(AGENT);
    await agent.goto('/campaigns/reminders');
    const row = agent.locator(`tr[data-reminder="${NAME}"]`);
    await row.getByText('キャンペーンのメッセージが既読のまま返信がないとき、既読から 2 日後').waitFor();
    await agent.getByText(L.reminders.introReadOnly).waitFor();
    expect(await agent.locator('.reminders-page button').count()).toBe(0);

    await agent.goto('/contacts');
    await agent.getByRole('button', { name: L.contacts.tagsButton, exact: true }).click();
    await agent.locator('tr[data-rule="e2e-vip"]').waitFor();
    expect(await agent.locator('.tags-panel button').count()).toBe(0);
    await agent.getByRole('button', { name: L.contacts.segments, exact: true }).click();
    await agent.getByRole('heading', { name: L.contacts.segments, level: 2 }).waitFor();
    expect(await agent.getByRole('button', { name: L.contacts.newSegment }).count()).toBe(0);
    expect(await englishSentences(agent, NAMES)).toEqual([]);

    await agent.goto('/settings/workspace');
    await agent.getByRole('heading', { name: L.settings.sections.account, level: 2 }).waitFor();
    expect(await agent.getByRole('link', { name: L.settings.sections.workspace }).count()).toBe(0);
    await agent.context().close();
  });

  it('shows an analyst the hygiene report without its actions', async () => {
    const analyst = await signInAs(ANALYST);
    await analyst.goto('/contacts');
    await analyst.getByRole('button', { name: L.contacts.tagsButton, exact: true }).click();
    await analyst.getByRole('button', { name: L.contacts.hygiene.open }).click();
    const report = analyst.getByRole('region', { name: L.contacts.hygiene.title });
    await report.getByRole('heading', { name: L.contacts.hygiene.overTagged }).waitFor();
    await report.getByRole('heading', { name: L.contacts.hygiene.declared }).waitFor();
    // The button that opened the report was the panel's only one; the report has none, and no forms.
    expect(await analyst.locator('.tags-panel button').count()).toBe(0);
    expect(await analyst.locator('.tags-panel form').count()).toBe(0);
    await analyst.context().close();
  });
});
