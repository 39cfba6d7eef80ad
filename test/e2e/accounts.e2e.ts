import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { hashPassword } from '../../src/server/lib/crypto.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { signIn, startE2E, type E2E } from './harness.ts';

/**
 * Accounts in Chromium: an admin issues a one-time password reset link and the member sets a new password
 * from it; changing one's own password; an existing account accepting an invitation (sign in first); the
 * audit log under Settings.
 */
describe('accounts, passwords and the audit log in Chromium', () => {
  let e: E2E;
  let admin: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    e = await startE2E();
    admin = await e.newContext();
    page = await admin.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, e.seed.email, e.seed.password);
  });
  afterAll(async () => e?.close());

  const settings = async (p: Page, section: string) => {
    await p.goto('/settings/' + section);
  };
  /** A member of the demo workspace, created directly in the database. */
  const seedAgent = async (email: string, password: string) => {
    const id = newId();
    await e.t.ctx.db
      .insertInto('users')
      .values({
        id,
        email,
        name: 'リセット 太郎',
        password_hash: await hashPassword(password),
        locale: null,
        created_at: e.clock.now(),
      })
      .execute();
    await e.t.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: e.seed.workspaceId, user_id: id, role: 'agent', created_at: e.clock.now() })
      .execute();
    return id;
  };

  it('issues a reset link, the member sets a new password from it, then changes it under My account', async () => {
    const email = 'reset.e2e@tsunagi.local';
    await seedAgent(email, 'forgotten-password-1');
    await settings(page, 'users');
    const row = page.locator('tr', { hasText: email });
    await row.getByRole('button', { name: 'Password reset link' }).click();
    const link = await page.getByRole('textbox', { name: 'Reset link' }).inputValue();
    expect(link).toMatch(new RegExp(`^${e.t.url}/reset-password/pwr_`));

    const memberCtx = await e.newContext();
    const member = await memberCtx.newPage();
    member.setDefaultTimeout(15_000);
    await member.goto(link);
    await member.getByText(`For ${email}. The link works once.`).waitFor();
    await member.getByLabel('New password (10+ characters)').fill('a-new-password-2');
    await member.getByLabel('New password again').fill('a-new-password-2');
    await member.getByRole('button', { name: 'Save password and sign in' }).click();
    await member.locator('.conv-row').first().waitFor();

    // Change it again under My account: a wrong current password is refused, then the right one works.
    await member.goto('/settings/account');
    await member.getByLabel('Current password').fill('not-the-password');
    await member.getByLabel('New password (10+ characters)').fill('third-password-3');
    await member.getByLabel('New password again').fill('third-password-3');
    await member.getByRole('button', { name: 'Change password' }).click();
    await member.getByText('The current password is not correct.').waitFor();
    await member.getByLabel('Current password').fill('a-new-password-2');
    await member.getByRole('button', { name: 'Change password' }).click();
    await member.getByText('Password changed. Your other sessions were signed out.').waitFor();
    await memberCtx.close();

    const fresh = await e.newContext();
    const again = await fresh.newPage();
    await signIn(again, email, 'third-password-3');
    await again.goto(link);
    await again.getByText('This reset link is invalid, expired or already used.').waitFor();
    await fresh.close();
  });

  it('lets an existing account accept an invitation only after signing in as it', async () => {
    const email = 'existing.e2e@tsunagi.local';
    await createWorkspace(e.t.ctx.db, e.clock, {
      name: 'Other shop',
      email,
      password: 'existing-password-1',
    });
    await settings(page, 'users');
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Invite user' }) });
    await form.getByLabel('Email').fill(email);
    await form.getByRole('combobox').selectOption('agent');
    await form.getByRole('button', { name: 'Invite user' }).click();
    const link = await page.getByRole('textbox', { name: 'Copy link' }).inputValue();

    const ctx = await e.newContext();
    const invitee = await ctx.newPage();
    invitee.setDefaultTimeout(15_000);
    await invitee.goto(link);
    await invitee.getByText(`An account with ${email} already exists: sign in first, then join.`).waitFor();
    expect(await invitee.getByLabel('Your name').count()).toBe(0);
    await invitee.getByLabel('Password').fill('wrong-password');
    await invitee.getByRole('button', { name: 'Sign in and join' }).click();
    await invitee
      .getByText('Email or password is incorrect', { exact: false })
      .or(invitee.getByRole('alert'))
      .first()
      .waitFor();
    await invitee.getByLabel('Password').fill('existing-password-1');
    await invitee.getByRole('button', { name: 'Sign in and join' }).click();
    await invitee.locator('.conv-row').first().waitFor();
    const me = (await (await ctx.request.get('/api/v1/auth/me')).json()) as {
      workspaceId: string;
      workspaces: Array<{ id: string }>;
    };
    expect(me.workspaceId).toBe(e.seed.workspaceId);
    expect(me.workspaces).toHaveLength(2);
    await ctx.close();
  });

  it('shows the audit log under Settings, filtered by action', async () => {
    await settings(page, 'audit');
    await page.getByRole('heading', { name: 'Audit log', level: 2 }).waitFor();
    await page.locator('tr[data-action="auth.password_reset_issued"]').first().waitFor();
    await page.locator('tr[data-action="member.joined"]').first().waitFor();
    await page.getByLabel('Action').selectOption('auth.password_changed');
    await page.locator('tr[data-action="auth.password_changed"]').first().waitFor();
    expect(await page.locator('tr[data-action="member.joined"]').count()).toBe(0);
    await expect
      .poll(() => page.locator('tr[data-action="auth.password_changed"] td').nth(1).textContent())
      .toBe('リセット 太郎');
    await e.screenshot(page, 'audit-log');
  });
});
