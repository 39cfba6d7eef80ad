import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedApiKey, seedMember, seedWorkspace, type TestApp } from '../support/app.ts';
import { sessionHelpers } from '../support/sessions.ts';

interface Entry {
  id: string;
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string | null } | null;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  occurredAt: string;
}

/** The per-workspace, append-only audit log and `GET /api/v1/audit-log`. */
describe('audit log', () => {
  let t: TestApp;
  let h: ReturnType<typeof sessionHelpers>;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T01:00:00.000Z' });
    h = sessionHelpers(t);
  });
  afterAll(async () => t?.close());

  it('records sign-ins, failures, member changes, invitations and automation versions — ids, not personal data', async () => {
    const ws = await seedWorkspace(t.ctx, '監査テスト');
    const agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    expect((await h.tryLogin(ws.email, 'wrong password', { ip: '10.7.0.1' })).statusCode).toBe(401);
    const owner = await h.login(ws.email, ws.password, { ip: '10.7.0.2' });
    const ownerId = owner.body.user.id;
    t.clock.advance(1000);
    await h.as(owner, 'PATCH', `/api/v1/users/${agentId}`, { role: 'admin' });
    t.clock.advance(1000);
    await h.as(owner, 'PATCH', `/api/v1/users/${agentId}`, { deactivated: true });
    t.clock.advance(1000);
    await h.as(owner, 'POST', '/api/v1/invitations', { email: 'secret.person@example.jp', role: 'agent' });
    t.clock.advance(1000);
    const saved = await h.as(owner, 'PUT', '/api/v1/automation', { config: {}, note: 'first' });
    expect(saved.statusCode).toBe(200);
    t.clock.advance(1000);
    await h.as(owner, 'POST', '/api/v1/automation/rollback', { version: 1 });

    const res = await h.as(owner, 'GET', '/api/v1/audit-log');
    expect(res.statusCode).toBe(200);
    const entries = (res.json() as { data: Entry[] }).data;
    expect(entries.map((e) => e.action)).toEqual([
      'automation.rolled_back',
      'automation.version_saved',
      'invitation.created',
      'member.deactivated',
      'member.role_changed',
      'auth.sign_in',
      'auth.sign_in_failed',
    ]);
    expect(entries.find((e) => e.action === 'member.role_changed')).toMatchObject({
      actor: { type: 'user', id: ownerId },
      target: { type: 'user', id: agentId },
      data: { from: 'agent', to: 'admin' },
      ip: '127.0.0.1',
    });
    expect(entries.find((e) => e.action === 'auth.sign_in')).toMatchObject({
      ip: '10.7.0.2',
      target: { type: 'user', id: ownerId },
    });
    expect(entries.find((e) => e.action === 'auth.sign_in_failed')).toMatchObject({
      ip: '10.7.0.1',
      actor: { type: 'user', id: null },
    });
    expect(entries.find((e) => e.action === 'automation.rolled_back')?.data).toEqual({ restoredVersion: 1 });
    const text = JSON.stringify(entries);
    expect(text).not.toContain('@');
    expect(text).not.toContain('監査');
  });

  it('filters by action, actor, target and time, pages with a cursor, and is for owners and admins only', async () => {
    const ws = await seedWorkspace(t.ctx);
    const owner = await h.login(ws.email, ws.password);
    const members = [];
    for (let i = 0; i < 5; i++) members.push(await seedMember(t.ctx, ws.workspaceId, 'agent'));
    const start = new Date(t.clock.now().getTime() + 500).toISOString();
    for (const id of members) {
      t.clock.advance(1000);
      await h.as(owner, 'PATCH', `/api/v1/users/${id}`, { role: 'analyst' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/audit-log?action=member.role_changed&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await h.as(owner, 'GET', url)).json() as { data: Entry[]; nextCursor: string | null };
      seen.push(...page.data.map((e) => e.target!.id!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...members].reverse());

    const one = (
      await h.as(owner, 'GET', `/api/v1/audit-log?targetType=user&targetId=${members[2]}`)
    ).json() as {
      data: Entry[];
    };
    expect(one.data).toHaveLength(1);
    const byActor = (await h.as(owner, 'GET', `/api/v1/audit-log?actor=${owner.body.user.id}`)).json() as {
      data: Entry[];
    };
    expect(byActor.data.every((e) => e.actor.id === owner.body.user.id)).toBe(true);
    const window = (
      await h.as(
        owner,
        'GET',
        `/api/v1/audit-log?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 2000).toISOString())}`,
      )
    ).json() as { data: Entry[] };
    expect(window.data.map((e) => e.target?.id)).toEqual([members[1], members[0]]);
    expect((await h.as(owner, 'GET', '/api/v1/audit-log?action=nope')).statusCode).toBe(400);
    expect((await h.as(owner, 'GET', '/api/v1/audit-log?cursor=garbage')).statusCode).toBe(400);

    const agent = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log',
      headers: await seedApiKey(t.ctx, ws.workspaceId, 'agent'),
    });
    expect(agent.statusCode).toBe(403);
    // Another workspace sees none of this one's entries.
    const other = await seedWorkspace(t.ctx);
    const theirs = (
      await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: other.auth })
    ).json() as {
      data: Entry[];
    };
    expect(theirs.data).toEqual([]);
  });

  it('is append-only: an update is refused by the database', async () => {
    const ws = await seedWorkspace(t.ctx);
    await h.login(ws.email, ws.password);
    await expect(
      sql`update audit_log set action = 'x' where workspace_id = ${ws.workspaceId}`.execute(t.ctx.db),
    ).rejects.toThrow(/append-only/);
  });
});
