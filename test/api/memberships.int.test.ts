import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedMember, seedWorkspace, type TestApp } from '../support/app.ts';
import { sessionHelpers } from '../support/sessions.ts';

/**
 * Finding 2: deactivation, role changes and removal act on the membership in the caller's workspace only.
 * An admin of workspace A could deactivate (and so lock out everywhere) or reactivate a person who also
 * belongs to workspace B.
 */
describe('memberships are per workspace', () => {
  let t: TestApp;
  let h: ReturnType<typeof sessionHelpers>;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T01:00:00.000Z' });
    h = sessionHelpers(t);
  });
  afterAll(async () => t?.close());

  /** A person who is the owner of B and an agent in A; A's owner signed in. */
  async function twoWorkspaces() {
    const a = await seedWorkspace(t.ctx, 'A');
    const b = await seedWorkspace(t.ctx, 'B');
    const personId = await seedMember(t.ctx, b.workspaceId, 'owner');
    await t.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: a.workspaceId, user_id: personId, role: 'agent', created_at: t.clock.now() })
      .execute();
    const adminA = await h.login(a.email, a.password);
    return { a, b, personId, email: `${personId}@example.test`, adminA };
  }

  it("an admin of A deactivates the person in A only: their sessions in B go on, and A's flag never reaches B", async () => {
    const { a, b, personId, email, adminA } = await twoWorkspaces();
    const inB = await h.login(email, 'x', { workspaceId: b.workspaceId });
    const inA = await h.login(email, 'x', { workspaceId: a.workspaceId });

    const off = await h.as(adminA, 'PATCH', `/api/v1/users/${personId}`, { deactivated: true });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ deactivatedAt: expect.any(String) });
    expect((await h.as(inA, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await h.as(inB, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    // B still sees its owner as active; the person signs in again, to B (A is no longer offered).
    const bUsers = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: b.auth });
    expect(
      (bUsers.json() as { data: Array<{ id: string; deactivatedAt: string | null }> }).data.find(
        (u) => u.id === personId,
      )?.deactivatedAt,
    ).toBeNull();
    const again = await h.login(email, 'x');
    expect(again.body.workspace.id).toBe(b.workspaceId);
    expect(again.body.workspaces.map((w) => w.id)).toEqual([b.workspaceId]);
    const switched = await h.as(again, 'POST', '/api/v1/auth/switch-workspace', {
      workspaceId: a.workspaceId,
    });
    expect(switched.statusCode).toBe(403);
  });

  it('an admin of A cannot reactivate someone B deactivated, nor touch B at all', async () => {
    const { b, adminA } = await twoWorkspaces();
    const agentOfB = await seedMember(t.ctx, b.workspaceId, 'agent');
    await t.ctx.db
      .insertInto('memberships')
      .values({
        workspace_id: adminA.body.workspace.id,
        user_id: agentOfB,
        role: 'agent',
        created_at: t.clock.now(),
      })
      .execute();
    const byB = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${agentOfB}`,
      headers: b.auth,
      payload: { deactivated: true },
    });
    expect(byB.statusCode).toBe(200);
    // A "reactivates" the same person: only A's membership, which was never deactivated, is concerned.
    expect(
      (await h.as(adminA, 'PATCH', `/api/v1/users/${agentOfB}`, { deactivated: false })).statusCode,
    ).toBe(200);
    const signedIn = await h.login(`${agentOfB}@example.test`, 'x');
    expect(signedIn.body.workspaces.map((w) => w.id)).toEqual([adminA.body.workspace.id]);
    expect(
      (await h.as(signedIn, 'POST', '/api/v1/auth/switch-workspace', { workspaceId: b.workspaceId }))
        .statusCode,
    ).toBe(403);
    // Someone who is only in B is not found from A.
    const onlyB = await seedMember(t.ctx, b.workspaceId, 'agent');
    expect((await h.as(adminA, 'PATCH', `/api/v1/users/${onlyB}`, { deactivated: true })).statusCode).toBe(
      404,
    );
    expect((await h.as(adminA, 'DELETE', `/api/v1/users/${onlyB}`)).statusCode).toBe(404);
  });

  it('removes a member from one workspace, keeping the account and its other workspaces', async () => {
    const { a, b, personId, email, adminA } = await twoWorkspaces();
    const inA = await h.login(email, 'x', { workspaceId: a.workspaceId });
    expect((await h.as(adminA, 'DELETE', `/api/v1/users/${personId}`)).statusCode).toBe(204);
    expect((await h.as(inA, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    const users = (await h.as(adminA, 'GET', '/api/v1/users')).json() as { data: Array<{ id: string }> };
    expect(users.data.map((u) => u.id)).not.toContain(personId);
    expect((await h.login(email, 'x')).body.workspace.id).toBe(b.workspaceId);
  });

  it('always keeps an active owner: 409 last_owner', async () => {
    const ws = await seedWorkspace(t.ctx);
    const secondOwner = await seedMember(t.ctx, ws.workspaceId, 'owner');
    const owner = await h.login(ws.email, ws.password);
    // The other owner may go; then the remaining one cannot be demoted by anyone (the API key is an owner too).
    expect((await h.as(owner, 'DELETE', `/api/v1/users/${secondOwner}`)).statusCode).toBe(204);
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owner.body.user.id}`,
      headers: ws.auth,
      payload: { role: 'admin' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json()).toMatchObject({ error: { code: 'last_owner' } });
    const deactivate = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${owner.body.user.id}`,
      headers: ws.auth,
      payload: { deactivated: true },
    });
    expect(deactivate.json()).toMatchObject({ error: { code: 'last_owner' } });
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${owner.body.user.id}`,
      headers: ws.auth,
    });
    expect(remove.json()).toMatchObject({ error: { code: 'last_owner' } });
  });

  it('a person deactivated in every workspace cannot sign in, and gets the answer of a wrong password', async () => {
    const a = await seedWorkspace(t.ctx, 'Only');
    const personId = await seedMember(t.ctx, a.workspaceId, 'agent');
    const deactivated = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${personId}`,
      headers: a.auth,
      payload: { deactivated: true },
    });
    expect(deactivated.statusCode).toBe(200);
    const right = await h.tryLogin(`${personId}@example.test`, 'x');
    const wrong = await h.tryLogin(`${personId}@example.test`, 'not the password');
    expect(right.statusCode).toBe(401);
    expect(right.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    expect(wrong.json()).toEqual(right.json());
  });
});
