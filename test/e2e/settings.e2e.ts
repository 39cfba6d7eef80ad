import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NUMBERS } from '../../src/server/modules/workspaces/demo.service.ts';
import { signIn, startE2E, type E2E } from './harness.ts';

const PNID = DEMO_NUMBERS[0].phoneNumberId;
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * The console flows around the inbox in Chromium: invitations and deactivation, teams, quick replies, the
 * business profile, attachments, snooze, and the phone-width layout. One server and demo workspace for the
 * file; each flow talks to its own simulated customer.
 */
describe('settings and conversation tools in Chromium', () => {
  let e: E2E;
  let admin: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    e = await startE2E();
    admin = await e.newContext();
    page = await admin.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, e.seed.email, e.seed.password);
  });
  afterAll(async () => e?.close());

  /** A customer writes to the first demo number (creates the conversation, opens the 24 h window). */
  const customerSays = (from: string, name: string, body: string) =>
    e.t.simulator!.inbound({ phoneNumberId: PNID, from, name, message: { type: 'text', text: { body } } });
  /** GET on the API with the cookies of a browser context. */
  const apiGet = async <T>(ctx: BrowserContext, path: string): Promise<T> => {
    const res = await ctx.request.get(`/api/v1${path}`);
    expect(res.status(), path).toBe(200);
    return (await res.json()) as T;
  };
  const settings = async (section: string) => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('link', { name: section, exact: true }).click();
    await page.getByRole('heading', { name: section, level: 2 }).waitFor();
  };
  /** Opens the conversation of `name` from the All view; returns its id. */
  const openConversation = async (p: Page, name: string): Promise<string> => {
    await p.getByRole('link', { name: 'All', exact: true }).click();
    await p.locator('.conv-row', { hasText: name }).click();
    await p.locator('.conversation .conv-title', { hasText: name }).waitFor();
    return (await p.locator('.conversation').getAttribute('data-conversation-id')) ?? '';
  };
  const sentTo = (to: string) => e.t.simulator!.sent({ phoneNumberId: PNID, to });

  it('invites an agent, who joins by the one-time link, sees no admin settings, and is cut off when deactivated', async () => {
    const email = 'agent.e2e@tsunagi.local';
    await settings('Users & roles');
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Invite user' }) });
    await form.getByLabel('Email').fill(email);
    await form.getByRole('combobox').selectOption('agent');
    await form.getByRole('button', { name: 'Invite user' }).click();
    const link = await page.getByRole('textbox', { name: 'Copy link' }).inputValue();
    expect(link).toMatch(new RegExp(`^${e.t.url}/invite/[^/]+$`));
    await page.getByRole('status').filter({ hasText: email }).waitFor();

    const agentCtx = await e.newContext();
    const agent = await agentCtx.newPage();
    await agent.goto(link);
    await agent.getByRole('heading', { name: 'Join Demo 株式会社つなぎ' }).waitFor();
    await agent.getByText(`You were invited as Agent (${email}).`).waitFor();
    await agent.getByLabel('Your name').fill('E2E エージェント');
    await agent.getByLabel('Choose a password (10+ characters)').fill('agent-password-123');
    await agent.getByRole('button', { name: 'Create account and sign in' }).click();
    await agent.locator('.conv-row').first().waitFor();
    expect(new URL(agent.url()).pathname).toBe('/inbox');
    const me = await apiGet<{ role: string; csrfToken: string; user: { name: string } }>(
      agentCtx,
      '/auth/me',
    );
    expect(me.role).toBe('agent');
    expect(me.user.name).toBe('E2E エージェント');
    // The link is one-time.
    const again = await e.newContext();
    const againPage = await again.newPage();
    await againPage.goto(link);
    await againPage.getByText('This invitation link is invalid or has expired.').waitFor();
    await again.close();

    // No admin settings for an agent: the rail offers only the account, and so does /settings/users.
    expect(await agent.getByRole('link', { name: 'Settings', exact: true }).count()).toBe(0);
    await agent.getByRole('link', { name: 'Account', exact: true }).click();
    await agent.getByText('Only administrators can change settings.').waitFor();
    await agent.goto('/settings/users');
    await agent.getByRole('heading', { name: 'My account', level: 2 }).waitFor();
    expect(await agent.getByRole('link', { name: 'Users & roles' }).count()).toBe(0);
    const forbidden = await agentCtx.request.post('/api/v1/invitations', {
      data: { email: 'other@tsunagi.local', role: 'admin' },
      headers: { 'x-csrf-token': me.csrfToken },
    });
    expect(forbidden.status()).toBe(403);

    // The agent is at work in a conversation when the admin deactivates them.
    customerSays('819055552001', 'E2E 招待客', 'こんにちは');
    const convId = await openConversation(agent, 'E2E 招待客');
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByText('Deactivated').waitFor();
    const users = await apiGet<{ data: Array<{ email: string; deactivatedAt: string | null }> }>(
      admin,
      '/users',
    );
    expect(users.data.find((u) => u.email === email)?.deactivatedAt).not.toBeNull();

    await agent.getByRole('button', { name: 'Assign to me' }).click();
    await agent.getByText('Your session has ended. Please sign in again.').waitFor();
    await agent.getByRole('button', { name: 'Sign in' }).waitFor();
    const conv = await apiGet<{ assigneeId: string | null }>(admin, `/conversations/${convId}`);
    expect(conv.assigneeId).toBeNull();
    // …and cannot sign back in.
    await agent.getByLabel('Email').fill(email);
    await agent.getByLabel('Password').fill('agent-password-123');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByText('Email or password is incorrect.').waitFor();
    await agentCtx.close();
  });

  it('creates a team with members and files a conversation under it; the team filter shows it', async () => {
    await settings('Teams');
    await page.getByRole('button', { name: '+ New team' }).click();
    await page.getByLabel('Team name').fill('E2E サポート班');
    await page.getByRole('checkbox', { name: 'Demo Owner' }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const card = page.locator('.card', { hasText: 'E2E サポート班' });
    await card.getByText('Demo Owner').waitFor();
    const teams = await apiGet<{ data: Array<{ id: string; name: string; memberIds: string[] }> }>(
      admin,
      '/teams',
    );
    const team = teams.data.find((tm) => tm.name === 'E2E サポート班');
    const me = await apiGet<{ userId: string }>(admin, '/auth/me');
    expect(team?.memberIds).toEqual([me.userId]);

    customerSays('819055552002', 'E2E チーム客', '担当チームに回してください');
    const convId = await openConversation(page, 'E2E チーム客');
    await page.getByRole('combobox', { name: 'Team', exact: true }).selectOption({ label: 'E2E サポート班' });
    await page.locator('.timeline').getByText('set team E2E サポート班').waitFor();
    const conv = await apiGet<{ teamId: string | null }>(admin, `/conversations/${convId}`);
    expect(conv.teamId).toBe(team?.id);

    await page.getByRole('button', { name: 'Filters' }).click();
    await page.locator('#filters').getByLabel('Team').selectOption({ label: 'E2E サポート班' });
    await expect.poll(() => new URL(page.url()).searchParams.get('team')).toBe(team?.id);
    await expect.poll(() => page.locator('.conv-row').count()).toBe(1);
    expect(await page.locator('.conv-row').textContent()).toContain('E2E チーム客');
    await e.screenshot(page, 'en-team-filter');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.locator('.conv-row').count()).toBeGreaterThan(1);
  });

  it('creates a quick reply and sends it from the composer with /shortcut', async () => {
    const body = 'お問い合わせありがとうございます。担当者より折り返しご連絡いたします。';
    await settings('Quick replies');
    await page.getByRole('button', { name: '+ New quick reply' }).click();
    await page.getByLabel('Shortcut (typed after /)').fill('thanks');
    await page.getByLabel('Title').fill('お礼');
    await page.getByLabel('Message', { exact: true }).fill(body);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.card', { hasText: '/thanks' }).getByText(body).waitFor();

    const customer = '819055552003';
    customerSays(customer, 'E2E 定型文客', '問い合わせです');
    await openConversation(page, 'E2E 定型文客');
    const box = page.locator('#composer-input');
    await box.fill('/tha');
    const menu = page.getByRole('listbox', { name: 'Quick replies' });
    await menu.getByRole('option', { name: /\/thanks/ }).click();
    await expect.poll(() => box.inputValue()).toBe(body);
    await box.press('Enter');
    await page.locator('.bubble.out', { hasText: body }).locator('[data-status="sent"]').waitFor();
    const sent = sentTo(customer);
    expect(sent.map((r) => [r.type, (r.body.text as { body?: string } | undefined)?.body])).toEqual([
      ['text', body],
    ]);
  });

  it('edits the business profile "about" (seen by the simulator) and refuses one over 139 characters', async () => {
    const about = 'E2E: 平日 9:00–18:00 営業しています';
    await settings('Business profile');
    const field = page.getByLabel('About', { exact: true });
    await expect.poll(() => field.inputValue()).not.toBe('');
    await field.fill(about);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const token = e.t.simulator!.numbers().find((n) => n.phoneNumberId === PNID)?.accessToken;
    const res = await fetch(
      `${e.t.url}/simulator/graph/v23.0/${PNID}/whatsapp_business_profile?fields=about`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: Array<{ about?: string }> }).data[0]?.about).toBe(about);
    await page.reload();
    await expect.poll(() => page.getByLabel('About', { exact: true }).inputValue()).toBe(about);

    // Too long: said next to the field (nothing cut silently), and nothing is saved.
    await page.getByLabel('About', { exact: true }).fill('あ'.repeat(140));
    await page.getByRole('alert').filter({ hasText: 'Too long: 140 characters, at most 139.' }).waitFor();
    expect(await page.getByLabel('About', { exact: true }).inputValue()).toHaveLength(140);
    expect(await page.getByLabel('About', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await e.screenshot(page, 'en-profile-error');
    const after = await apiGet<{ about?: string }>(
      admin,
      `/phone-numbers/${e.seed.phoneNumbers[0]?.id}/profile`,
    );
    expect(after.about).toBe(about);
  });

  it('attaches a PNG: the simulator gets an image by media id, the console previews the upload', async () => {
    const customer = '819055552004';
    customerSays(customer, 'E2E 画像客', '写真を送ってください');
    await openConversation(page, 'E2E 画像客');
    await page.locator('#composer-input').fill('商品の写真です');
    await page.locator('.composer input[type="file"]').setInputFiles({
      name: 'dot.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    const img = page.locator('.bubble.out img.media-image[alt="商品の写真です"]');
    await img.waitFor();
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(1);
    expect(await page.locator('#composer-input').inputValue()).toBe('');

    const [record] = sentTo(customer);
    expect(record?.type).toBe('image');
    const image = record?.body.image as { id?: string; caption?: string; link?: string };
    expect(image.id).toMatch(/\S/);
    expect(image.link).toBeUndefined();
    expect(image.caption).toBe('商品の写真です');
    const messageId = await img
      .locator('xpath=ancestor::*[@data-message-id]')
      .getAttribute('data-message-id');
    const media = await admin.request.get(`/api/v1/messages/${messageId}/media`);
    expect(media.status()).toBe(200);
    expect(media.headers()['content-type']).toBe('image/png');
    expect(Buffer.compare(await media.body(), PNG)).toBe(0);
  });

  it('snoozes a conversation until a time: it moves to Snoozed, and a new customer message reopens it', async () => {
    const customer = '819055552005';
    customerSays(customer, 'E2E 保留客', '明日また連絡します');
    const convId = await openConversation(page, 'E2E 保留客');
    await page.getByRole('tab', { name: 'Open', exact: true }).click();
    const row = page.locator(`.conv-row[data-conversation-id="${convId}"]`);
    await row.waitFor();

    // Three hours ahead in the browser's time zone, as the datetime-local input takes it.
    const until = await page.evaluate(`(() => {
      const d = new Date(Date.now() + 3 * 3600 * 1000);
      d.setSeconds(0, 0);
      const p = (n) => String(n).padStart(2, '0');
      return { local: d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()), iso: d.toISOString() };
    })()`);
    const { local, iso } = until as { local: string; iso: string };
    await page.getByRole('combobox', { name: 'Snooze' }).selectOption({ label: 'Pick a time' });
    await page.getByLabel('Pick a time').fill(local);
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('Snoozed');
    const snoozed = await apiGet<{ status: string; snoozedUntil: string | null }>(
      admin,
      `/conversations/${convId}`,
    );
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: iso });
    await row.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Snoozed', exact: true }).click();
    await row.waitFor();
    await e.screenshot(page, 'en-snoozed');

    customerSays(customer, 'E2E 保留客', 'やっぱり今お願いします');
    await page.locator('.bubble.in', { hasText: 'やっぱり今お願いします' }).waitFor();
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('Open');
    await row.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Open', exact: true }).click();
    await row.waitFor();
    const reopened = await apiGet<{ status: string; snoozedUntil: string | null }>(
      admin,
      `/conversations/${convId}`,
    );
    expect(reopened).toMatchObject({ status: 'open', snoozedUntil: null });
  });

  for (const [lang, locale] of [
    ['en', 'en-US'],
    ['ja', 'ja-JP'],
  ] as const) {
    it(`works at phone width (390×844, ${lang}): list, conversation, reply, back`, async () => {
      const customer = lang === 'en' ? '819055552006' : '819055552007';
      const name = `E2E 携帯 ${lang}`;
      customerSays(customer, name, `phone width ${lang}`);
      const ctx = await e.browser.newContext({
        baseURL: e.t.url,
        locale,
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      const phone = await ctx.newPage();
      await signIn(phone, e.seed.email, e.seed.password);
      const row = phone.locator('.conv-row', { hasText: name });
      await row.waitFor();
      await e.screenshot(phone, `${lang}-phone-inbox`);
      await row.click();
      const conversation = phone.locator('.conversation');
      await conversation.waitFor();
      expect(await phone.locator('.list-pane').isVisible()).toBe(false);
      const reply = lang === 'en' ? 'Replying from a phone' : 'スマホから返信します';
      const box = phone.locator('#composer-input');
      await box.fill(reply);
      const send = phone.locator('.composer-toolbar .btn.primary');
      await expectInViewport(phone, box);
      await expectInViewport(phone, send);
      await send.click();
      await phone.locator('.bubble.out', { hasText: reply }).locator('[data-status="sent"]').waitFor();
      expect(await noHorizontalScroll(phone)).toBe(true);
      await e.screenshot(phone, `${lang}-phone-conversation`);
      expect(sentTo(customer).map((r) => (r.body.text as { body?: string } | undefined)?.body)).toEqual([
        reply,
      ]);

      await phone.getByRole('button', { name: lang === 'en' ? 'Back to list' : /一覧/ }).click();
      await row.waitFor();
      expect(await conversation.count()).toBe(0);
      expect(await noHorizontalScroll(phone)).toBe(true);
      await ctx.close();
    });
  }
});

/** The element is laid out wholly inside the viewport. */
async function expectInViewport(p: Page, el: ReturnType<Page['locator']>): Promise<void> {
  const box = await el.boundingBox();
  const vp = p.viewportSize();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(vp!.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(vp!.height);
}

/** The page does not scroll sideways. */
function noHorizontalScroll(p: Page): Promise<boolean> {
  return p.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
}
