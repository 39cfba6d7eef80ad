import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedMember, seedWorkspace, type TestApp } from '../support/app.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';

/** Members, roles, invitations, the signed-in user's profile and the workspace switcher, through sessions. */
describe('users, invitations and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T01:00:00.000Z' });
  });
  afterAll(async () => t?.close());

  interface Session {
    cookie: string;
    csrf: string;
    body: { workspace: { id: string }; workspaces: Array<{ id: string }>; user: { id: string } };
  }
  const sessionFrom = (res: Awaited<ReturnType<TestApp['app']['inject']>>): Session => {
    const setCookie = String(res.headers['set-cookie']);
    const body = res.json() as Session['body'] & { csrfToken: string };
    return { cookie: setCookie.split(';')[0]!, csrf: body.csrfToken, body };
  };
  const login = async (email: string, password: string, workspaceId?: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password, ...(workspaceId ? { workspaceId } : {}) },
    });
    expect(res.statusCode).toBe(200);
    return sessionFrom(res);
  };
  const as = (s: Session, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      ...(payload ? { payload } : {}),
    });

  it('invites with a one-time link; the invitee signs up, lands in the workspace, and the link is used up', async () => {
    const ws = await seedWorkspace(t.ctx, '山田商店');
    const owner = await login(ws.email, ws.password);
    const inv = await as(owner, 'POST', '/api/v1/invitations', { email: 'Hanako@Example.jp', role: 'agent' });
    expect(inv.statusCode).toBe(201);
    const { url, email } = inv.json() as { url: string; email: string };
    expect(email).toBe('hanako@example.jp');
    const token = decodeURIComponent(url.split('/invite/')[1]!);

    const preview = await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
    expect(preview.json()).toEqual({
      email: 'hanako@example.jp',
      workspaceName: '山田商店',
      role: 'agent',
      existingAccount: false,
    });
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invite',
      payload: { token, name: '花子', password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invite',
      payload: { token, name: '花子', password: 'correct horse battery' },
    });
    expect(accepted.statusCode).toBe(200);
    const hanako = sessionFrom(accepted);
    expect(hanako.body.workspace.id).toBe(ws.workspaceId);
    const me = await as(hanako, 'GET', '/api/v1/auth/me');
    expect(me.json()).toMatchObject({ role: 'agent', user: { name: '花子', email: 'hanako@example.jp' } });

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invite',
      payload: { token, name: 'x', password: 'correct horse battery' },
    });
    expect(again.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` })).statusCode).toBe(404);
    // Agents cannot invite; a member cannot be invited twice.
    expect(
      (await as(hanako, 'POST', '/api/v1/invitations', { email: 'x@example.jp', role: 'agent' })).statusCode,
    ).toBe(403);
    expect(
      (await as(owner, 'POST', '/api/v1/invitations', { email: 'hanako@example.jp', role: 'admin' }))
        .statusCode,
    ).toBe(409);
  });

  it('expires invitations after 7 days', async () => {
    const ws = await seedWorkspace(t.ctx);
    const owner = await login(ws.email, ws.password);
    const inv = (
      await as(owner, 'POST', '/api/v1/invitations', { email: 'late@example.jp', role: 'agent' })
    ).json() as { url: string };
    t.clock.advance(7 * 24 * 3600 * 1000 + 1);
    const token = decodeURIComponent(inv.url.split('/invite/')[1]!);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` })).statusCode).toBe(404);
  });

  it('changes roles and deactivates members (ending their sessions), but never the last owner or oneself', async () => {
    const ws = await seedWorkspace(t.ctx);
    const owner = await login(ws.email, ws.password);
    const ownerId = owner.body.user.id;
    const agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    const users = (await as(owner, 'GET', '/api/v1/users')).json() as {
      data: Array<{ id: string; role: string }>;
    };
    expect(users.data.map((u) => u.id).sort()).toEqual([ownerId, agentId].sort());
    expect(users.data.find((u) => u.id === agentId)).toMatchObject({
      availability: 'offline',
      online: false,
    });
    expect((await as(owner, 'PUT', '/api/v1/presence', { availability: 'online' })).statusCode).toBe(200);
    const onlineNow = async () =>
      (
        (await as(owner, 'GET', '/api/v1/users')).json() as { data: Array<{ id: string; online: boolean }> }
      ).data.find((u) => u.id === ownerId)?.online;
    expect(await onlineNow()).toBe(true);
    t.clock.advance(121_000); // no heartbeat for over 2 minutes
    expect(await onlineNow()).toBe(false);

    expect((await as(owner, 'PATCH', `/api/v1/users/${ownerId}`, { role: 'agent' })).statusCode).toBe(403);
    const promoted = await as(owner, 'PATCH', `/api/v1/users/${agentId}`, { role: 'admin' });
    expect(promoted.json()).toMatchObject({ role: 'admin' });
    const agent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `${agentId}@example.test`, password: 'x' },
    });
    const agentSession = sessionFrom(agent);
    // An admin cannot touch an owner.
    expect(
      (await as(agentSession, 'PATCH', `/api/v1/users/${ownerId}`, { deactivated: true })).statusCode,
    ).toBe(403);
    const off = await as(owner, 'PATCH', `/api/v1/users/${agentId}`, { deactivated: true });
    expect(off.json()).toMatchObject({ deactivatedAt: expect.any(String) });
    expect((await as(agentSession, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect(
      (await as(owner, 'PATCH', `/api/v1/users/${agentId}`, { deactivated: false })).json(),
    ).toMatchObject({ deactivatedAt: null });
  });

  it('remembers the console language and switches between workspaces with a new session', async () => {
    const ws = await seedWorkspace(t.ctx, 'First');
    const second = await createWorkspace(t.ctx.db, t.clock, { name: 'Second', email: ws.email });
    const s = await login(ws.email, ws.password);
    expect(s.body.workspaces.map((w) => w.id)).toEqual([ws.workspaceId, second.workspaceId]);
    const patched = await as(s, 'PATCH', '/api/v1/auth/me', { locale: 'ja' });
    expect(patched.json()).toMatchObject({ user: { locale: 'ja' } });
    expect((await as(s, 'PATCH', '/api/v1/auth/me', { locale: 'fr' })).statusCode).toBe(400);

    const switched = await as(s, 'POST', '/api/v1/auth/switch-workspace', {
      workspaceId: second.workspaceId,
    });
    expect(switched.statusCode).toBe(200);
    const s2 = sessionFrom(switched);
    expect(s2.body.workspace.id).toBe(second.workspaceId);
    expect((await as(s2, 'GET', '/api/v1/auth/me')).json()).toMatchObject({
      workspaceId: second.workspaceId,
      user: { locale: 'ja' },
    });
    // The old session ended; a workspace the user is not in is refused.
    expect((await as(s, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const foreign = await seedWorkspace(t.ctx, 'Foreign');
    expect(
      (await as(s2, 'POST', '/api/v1/auth/switch-workspace', { workspaceId: foreign.workspaceId }))
        .statusCode,
    ).toBe(403);
    // Without the CSRF header a session cannot change anything.
    const noCsrf = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: { cookie: s2.cookie },
      payload: { locale: 'en' },
    });
    expect(noCsrf.statusCode).toBe(403);
  });
});
