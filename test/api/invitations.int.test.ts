import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingInvitationDto } from '../../src/contracts/api.schemas.ts';
import { createTestApp, seedApiKey, seedWorkspace, type TestApp } from '../support/app.ts';
import { sessionHelpers } from '../support/sessions.ts';

/** Pending invitations in Settings → Users: listed, a new link on demand, revoked. */
describe('pending invitations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T01:00:00.000Z' });
  });
  afterAll(async () => t?.close());

  const tokenOf = (url: string) => decodeURIComponent(url.split('/invite/')[1]!);
  const preview = (token: string) => t.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });

  it('lists pending invitations, reissues a link (the old one stops working), revokes', async () => {
    const { login, as } = sessionHelpers(t);
    const ws = await seedWorkspace(t.ctx, '招待テスト');
    const owner = await login(ws.email, ws.password);
    const first = (
      await as(owner, 'POST', '/api/v1/invitations', { email: 'a@example.jp', role: 'agent', name: '一郎' })
    ).json() as { id: string; url: string };
    t.clock.advance(60_000);
    const second = (
      await as(owner, 'POST', '/api/v1/invitations', { email: 'b@example.jp', role: 'admin' })
    ).json() as {
      id: string;
      url: string;
    };

    const list = await as(owner, 'GET', '/api/v1/invitations');
    expect(list.statusCode).toBe(200);
    const data = (list.json() as { data: PendingInvitationDto[] }).data;
    expect(data.map((i) => i.email)).toEqual(['b@example.jp', 'a@example.jp']);
    expect(data[1]).toMatchObject({ name: '一郎', role: 'agent', invitedBy: owner.body.user.id });
    expect(JSON.stringify(data)).not.toContain('inv_');

    t.clock.advance(3 * 24 * 3_600_000);
    const again = await as(owner, 'POST', `/api/v1/invitations/${first.id}/link`);
    expect(again.statusCode).toBe(201);
    const reissued = again.json() as { url: string; expiresAt: string };
    expect(reissued.url).not.toBe(first.url);
    expect(reissued.expiresAt).toBe(new Date(t.clock.nowMs() + 7 * 24 * 3_600_000).toISOString());
    expect((await preview(tokenOf(first.url))).statusCode).toBe(404);
    expect((await preview(tokenOf(reissued.url))).statusCode).toBe(200);

    const revoked = await as(owner, 'DELETE', `/api/v1/invitations/${second.id}`);
    expect(revoked.statusCode).toBe(204);
    expect((await preview(tokenOf(second.url))).statusCode).toBe(404);
    expect((await as(owner, 'DELETE', `/api/v1/invitations/${second.id}`)).statusCode).toBe(404);
    expect((await as(owner, 'POST', `/api/v1/invitations/${second.id}/link`)).statusCode).toBe(404);
    const after = (await as(owner, 'GET', '/api/v1/invitations')).json() as { data: PendingInvitationDto[] };
    expect(after.data.map((i) => i.email)).toEqual(['a@example.jp']);

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', ws.workspaceId)
      .where('action', 'in', ['invitation.link_reissued', 'invitation.revoked'])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['invitation.link_reissued', 'invitation.revoked']);
  });

  it('drops expired and accepted invitations from the list; other workspaces and agents see nothing', async () => {
    const { login, as } = sessionHelpers(t);
    const ws = await seedWorkspace(t.ctx, 'A');
    const other = await seedWorkspace(t.ctx, 'B');
    const owner = await login(ws.email, ws.password);
    const inv = (
      await as(owner, 'POST', '/api/v1/invitations', { email: 'c@example.jp', role: 'agent' })
    ).json() as {
      id: string;
      url: string;
    };
    const otherOwner = await login(other.email, other.password);
    expect(((await as(otherOwner, 'GET', '/api/v1/invitations')).json() as { data: unknown[] }).data).toEqual(
      [],
    );
    expect((await as(otherOwner, 'DELETE', `/api/v1/invitations/${inv.id}`)).statusCode).toBe(404);
    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    const forbidden = await t.app.inject({ method: 'GET', url: '/api/v1/invitations', headers: agent });
    expect(forbidden.statusCode).toBe(403);

    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invite',
      payload: { token: tokenOf(inv.url), name: '三郎', password: 'a-long-password' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(((await as(owner, 'GET', '/api/v1/invitations')).json() as { data: unknown[] }).data).toEqual([]);
    expect((await as(owner, 'DELETE', `/api/v1/invitations/${inv.id}`)).statusCode).toBe(404);

    await as(owner, 'POST', '/api/v1/invitations', { email: 'd@example.jp', role: 'agent' });
    t.clock.advance(7 * 24 * 3_600_000 + 1);
    expect(((await as(owner, 'GET', '/api/v1/invitations')).json() as { data: unknown[] }).data).toEqual([]);
  });
});
