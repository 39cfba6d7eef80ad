import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedMember, seedWorkspace, type TestApp } from '../support/app.ts';
import { sessionFrom, sessionHelpers } from '../support/sessions.ts';

/** Password change and admin-issued one-time reset links (finding 4: there was neither). */
describe('passwords', () => {
  let t: TestApp;
  let h: ReturnType<typeof sessionHelpers>;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T01:00:00.000Z' });
    h = sessionHelpers(t);
  });
  afterAll(async () => t?.close());

  const tokenOf = (url: string) => decodeURIComponent(url.split('/reset-password/')[1]!);

  it('changes the password with the current one, ending the other sessions; a wrong one is throttled', async () => {
    const ws = await seedWorkspace(t.ctx);
    const here = await h.login(ws.email, ws.password);
    const elsewhere = await h.login(ws.email, ws.password);
    const wrong = await h.as(here, 'POST', '/api/v1/auth/password', {
      currentPassword: 'not it',
      newPassword: 'a much better passphrase',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ error: { code: 'wrong_current_password' } });
    expect(
      (
        await h.as(here, 'POST', '/api/v1/auth/password', {
          currentPassword: ws.password,
          newPassword: 'short',
        })
      ).statusCode,
    ).toBe(400);
    const ok = await h.as(here, 'POST', '/api/v1/auth/password', {
      currentPassword: ws.password,
      newPassword: 'a much better passphrase',
    });
    expect(ok.statusCode).toBe(200);
    expect((await h.as(here, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await h.as(elsewhere, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await h.tryLogin(ws.email, ws.password)).statusCode).toBe(401);
    await h.login(ws.email, 'a much better passphrase');

    // A stolen session cannot guess the current password without limit: it shares the sign-in throttle.
    const codes: number[] = [];
    for (let i = 0; i < 7; i++)
      codes.push(
        (
          await h.as(here, 'POST', '/api/v1/auth/password', {
            currentPassword: `guess ${i}`,
            newPassword: 'whatever 123456',
          })
        ).statusCode,
      );
    expect(codes).toEqual([403, 403, 403, 403, 403, 429, 429]);
  });

  it('lets an admin issue a one-time reset link for a member, which sets the password once and signs in', async () => {
    const ws = await seedWorkspace(t.ctx);
    const agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    const email = `${agentId}@example.test`;
    const agentSession = await h.login(email, 'x');
    const admin = await h.login(ws.email, ws.password);
    const issued = await h.as(admin, 'POST', `/api/v1/users/${agentId}/password-reset`);
    expect(issued.statusCode).toBe(201);
    const { url } = issued.json() as { url: string; expiresAt: string };
    // Built from TSUNAGI_PUBLIC_URL, else the listen address — never from the request's Host header.
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/reset-password\/pwr_/);
    const token = tokenOf(url);
    const stored = await t.ctx.db.selectFrom('password_resets').select('token_hash').execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/password-resets/${token}` })).json(),
    ).toMatchObject({
      email,
    });
    const done = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token, password: 'brand new passphrase' },
    });
    expect(done.statusCode).toBe(200);
    expect(sessionFrom(done).body.workspace.id).toBe(ws.workspaceId);
    expect((await h.as(agentSession, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    await h.login(email, 'brand new passphrase');
    const reused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token, password: 'another passphrase' },
    });
    expect(reused.statusCode).toBe(404);
  });

  it('expires reset links after 24 hours and refuses agents, oneself, and members of workspaces the admin does not manage', async () => {
    const ws = await seedWorkspace(t.ctx);
    const agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    const admin = await h.login(ws.email, ws.password);
    const { url } = (await h.as(admin, 'POST', `/api/v1/users/${agentId}/password-reset`)).json() as {
      url: string;
    };
    t.clock.advance(24 * 3600_000 + 1);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/password-resets/${tokenOf(url)}` })).statusCode,
    ).toBe(404);

    const agent = await h.login(`${agentId}@example.test`, 'x');
    expect((await h.as(agent, 'POST', `/api/v1/users/${admin.body.user.id}/password-reset`)).statusCode).toBe(
      403,
    );
    expect((await h.as(admin, 'POST', `/api/v1/users/${admin.body.user.id}/password-reset`)).statusCode).toBe(
      403,
    );

    // The agent also owns another workspace: a reset from here would take over that one too.
    const other = await seedWorkspace(t.ctx, 'Other');
    await t.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: other.workspaceId, user_id: agentId, role: 'owner', created_at: t.clock.now() })
      .execute();
    const refused = await h.as(admin, 'POST', `/api/v1/users/${agentId}/password-reset`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('tsunagi users reset-password');
  });

  it('a reset clears the throttle, so an owner locked out by guessing gets back in', async () => {
    const ws = await seedWorkspace(t.ctx);
    const agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    const email = `${agentId}@example.test`;
    for (let i = 0; i < 6; i++) await h.tryLogin(email, 'guess', { ip: '10.9.0.1' });
    expect((await h.tryLogin(email, 'x', { ip: '10.9.0.1' })).statusCode).toBe(429);
    const admin = await h.login(ws.email, ws.password);
    const { url } = (await h.as(admin, 'POST', `/api/v1/users/${agentId}/password-reset`)).json() as {
      url: string;
    };
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/reset-password',
      payload: { token: tokenOf(url), password: 'brand new passphrase' },
    });
    expect((await h.tryLogin(email, 'brand new passphrase', { ip: '10.9.0.1' })).statusCode).toBe(200);
  });
});
