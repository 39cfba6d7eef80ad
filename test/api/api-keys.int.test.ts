import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyDto, ApiKeyWithSecretDto } from '../../src/contracts/api-keys.schemas.ts';
import { createTestApp, seedApiKey, seedMember, seedWorkspace, type TestApp } from '../support/app.ts';

/** Finding 7: API keys can be listed, created, rotated and revoked; the initial key is an ordinary key. */
describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-04T01:00:00.000Z' });
  });
  afterAll(async () => t?.close());

  type Headers = Record<string, string>;
  const call = (headers: Headers, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const list = async (headers: Headers) => {
    const res = await call(headers, 'GET', '/api/v1/api-keys');
    expect(res.statusCode).toBe(200);
    return (res.json() as { data: ApiKeyDto[] }).data;
  };
  const works = async (secret: string) =>
    (await call(bearer(secret), 'GET', '/api/v1/conversations')).statusCode;
  const signIn = async (workspaceId: string, role: 'admin' | 'agent') => {
    const userId = await seedMember(t.ctx, workspaceId, role);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `${userId}@example.test`, password: 'x' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    return { userId, headers: { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken } };
  };

  it('lists the key printed by workspace create as "initial", and revokes it like any other', async () => {
    const ws = await seedWorkspace(t.ctx);
    const keys = await list(ws.auth);
    expect(keys).toHaveLength(1);
    const initial = keys[0]!;
    expect(initial).toMatchObject({
      name: 'initial',
      role: 'owner',
      status: 'active',
      createdBy: null,
      expiresAt: null,
      revokedAt: null,
      createdAt: '2026-12-04T01:00:00.000Z',
      lastUsedAt: '2026-12-04T01:00:00.000Z',
    });
    expect(ws.apiKey.startsWith(initial.prefix)).toBe(true);
    expect(initial.prefix).toHaveLength(8);
    expect(JSON.stringify(keys)).not.toContain(ws.apiKey.slice(8));

    const revoked = await call(ws.auth, 'POST', `/api/v1/api-keys/${initial.id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokedAt: '2026-12-04T01:00:00.000Z' });
    expect(await works(ws.apiKey)).toBe(401);
  });

  it('creates a key with a name, role and expiry; the secret is shown once and the creator is recorded', async () => {
    const ws = await seedWorkspace(t.ctx);
    const res = await call(ws.auth, 'POST', '/api/v1/api-keys', {
      name: '  CRM 連携 ',
      role: 'agent',
      expiresAt: '2027-01-01T00:00:00+09:00',
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as ApiKeyWithSecretDto;
    expect(created).toMatchObject({
      name: 'CRM 連携',
      role: 'agent',
      status: 'active',
      expiresAt: '2026-12-31T15:00:00.000Z',
      lastUsedAt: null,
      createdBy: { type: 'api_key', name: 'initial' },
    });
    expect(created.secret).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);
    expect(created.secret.startsWith(created.prefix)).toBe(true);
    expect(await works(created.secret)).toBe(200);
    // An agent key converses but cannot manage.
    expect((await call(bearer(created.secret), 'GET', '/api/v1/api-keys')).statusCode).toBe(403);

    const listed = (await list(ws.auth)).find((k) => k.id === created.id)!;
    expect(listed).not.toHaveProperty('secret');
    expect(listed.lastUsedAt).toBe('2026-12-04T01:00:00.000Z');
    expect(JSON.stringify(await list(ws.auth))).not.toContain(created.secret.slice(8));
  });

  it('expires a key at its expiry, at once', async () => {
    const ws = await seedWorkspace(t.ctx);
    const expiresAt = new Date(t.clock.nowMs() + 3_600_000).toISOString();
    const created = (
      await call(ws.auth, 'POST', '/api/v1/api-keys', { name: 'short', role: 'analyst', expiresAt })
    ).json() as ApiKeyWithSecretDto;
    expect(await works(created.secret)).toBe(200);
    t.clock.advance(3_600_000);
    expect(await works(created.secret)).toBe(401);
    expect((await list(ws.auth)).find((k) => k.id === created.id)?.status).toBe('expired');
    const rotate = await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/rotate`);
    expect(rotate.statusCode).toBe(409);
    expect(rotate.json()).toMatchObject({ error: { code: 'conflict' } });
  });

  it('rotates: new secret, same id, name and role; the old secret fails at once', async () => {
    const ws = await seedWorkspace(t.ctx);
    const created = (
      await call(ws.auth, 'POST', '/api/v1/api-keys', { name: 'shop', role: 'admin' })
    ).json() as ApiKeyWithSecretDto;
    t.clock.advance(1000);
    const res = await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/rotate`);
    expect(res.statusCode).toBe(200);
    const rotated = res.json() as ApiKeyWithSecretDto;
    expect(rotated).toMatchObject({ id: created.id, name: 'shop', role: 'admin', status: 'active' });
    expect(rotated.rotatedAt).toBe(t.clock.now().toISOString());
    expect(rotated.secret).not.toBe(created.secret);
    expect(await works(created.secret)).toBe(401);
    expect(await works(rotated.secret)).toBe(200);
  });

  it('revokes at once; revoking again changes nothing; a revoked key cannot be rotated', async () => {
    const ws = await seedWorkspace(t.ctx);
    const created = (
      await call(ws.auth, 'POST', '/api/v1/api-keys', { name: 'gone', role: 'agent' })
    ).json() as ApiKeyWithSecretDto;
    const first = await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/revoke`);
    expect(first.statusCode).toBe(200);
    expect(await works(created.secret)).toBe(401);
    t.clock.advance(1000);
    const again = await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/revoke`);
    expect(again.statusCode).toBe(200);
    expect((again.json() as ApiKeyDto).revokedAt).toBe((first.json() as ApiKeyDto).revokedAt);
    expect((await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/rotate`)).statusCode).toBe(409);
  });

  it('records creation, rotation and revocation in the audit log — by whom, never the secret', async () => {
    const ws = await seedWorkspace(t.ctx);
    const created = (
      await call(ws.auth, 'POST', '/api/v1/api-keys', { name: 'audited', role: 'agent' })
    ).json() as ApiKeyWithSecretDto;
    t.clock.advance(1000);
    const rotated = (
      await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/rotate`)
    ).json() as ApiKeyWithSecretDto;
    t.clock.advance(1000);
    await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/revoke`);
    t.clock.advance(1000);
    await call(ws.auth, 'POST', `/api/v1/api-keys/${created.id}/revoke`); // no change, no entry
    const res = await call(ws.auth, 'GET', '/api/v1/audit-log?targetType=api_key');
    expect(res.statusCode).toBe(200);
    const entries = (
      res.json() as { data: Array<{ action: string; actor: { type: string }; target: unknown }> }
    ).data;
    expect(entries.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.rotated', 'api_key.created']);
    for (const e of entries) {
      expect(e.actor.type).toBe('api_key');
      expect(e.target).toEqual({ type: 'api_key', id: created.id });
    }
    expect(res.body).not.toContain(created.secret);
    expect(res.body).not.toContain(rotated.secret);
  });

  it('lets an admin manage keys up to their own role, never an owner key', async () => {
    const ws = await seedWorkspace(t.ctx);
    const admin = await signIn(ws.workspaceId, 'admin');
    const ownerKey = (await list(ws.auth))[0]!;
    const mine = await call(admin.headers, 'POST', '/api/v1/api-keys', { name: 'ops', role: 'admin' });
    expect(mine.statusCode).toBe(201);
    expect(mine.json()).toMatchObject({ createdBy: { type: 'user', id: admin.userId } });
    const owner = await call(admin.headers, 'POST', '/api/v1/api-keys', { name: 'x', role: 'owner' });
    expect(owner.statusCode).toBe(403);
    expect(owner.json()).toMatchObject({ error: { code: 'forbidden' } });
    // Rotating would hand the admin the owner key's new secret.
    expect((await call(admin.headers, 'POST', `/api/v1/api-keys/${ownerKey.id}/rotate`)).statusCode).toBe(
      403,
    );
    expect((await call(admin.headers, 'POST', `/api/v1/api-keys/${ownerKey.id}/revoke`)).statusCode).toBe(
      403,
    );
    expect(await works(ws.apiKey)).toBe(200);
    expect(await list(admin.headers)).toHaveLength(2);
  });

  it('refuses agents, and API keys below owner, to manage keys', async () => {
    const ws = await seedWorkspace(t.ctx);
    const agent = await signIn(ws.workspaceId, 'agent');
    expect((await call(agent.headers, 'GET', '/api/v1/api-keys')).statusCode).toBe(403);
    const adminKey = await seedApiKey(t.ctx, ws.workspaceId, 'admin');
    for (const [method, url, body] of [
      ['GET', '/api/v1/api-keys', undefined],
      ['POST', '/api/v1/api-keys', { name: 'more', role: 'analyst' }],
    ] as const) {
      const res = await call(adminKey, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    // The session's CSRF token is required to create a key from the console.
    const csrfless = await call({ cookie: agent.headers.cookie }, 'POST', '/api/v1/api-keys', {
      name: 'x',
      role: 'analyst',
    });
    expect(csrfless.statusCode).toBe(403);
    expect(csrfless.json()).toMatchObject({ error: { code: 'csrf_failed' } });
  });

  it('keeps workspaces apart and validates input with stable codes', async () => {
    const a = await seedWorkspace(t.ctx, 'A');
    const b = await seedWorkspace(t.ctx, 'B');
    const bKey = (await list(b.auth))[0]!;
    expect((await list(a.auth)).map((k) => k.id)).not.toContain(bKey.id);
    for (const action of ['rotate', 'revoke']) {
      const res = await call(a.auth, 'POST', `/api/v1/api-keys/${bKey.id}/${action}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect(await works(b.apiKey)).toBe(200);
    for (const body of [
      { name: '', role: 'agent' },
      { name: 'x', role: 'root' },
      { name: 'x'.repeat(101), role: 'agent' },
      { name: 'x', role: 'agent', expiresAt: 'tomorrow' },
      { name: 'x', role: 'agent', expiresAt: '2020-01-01T00:00:00Z' },
    ]) {
      const res = await call(a.auth, 'POST', '/api/v1/api-keys', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
    // Text PostgreSQL cannot store is made storable at the boundary (U+FFFD), like every free-text field.
    {
      const res = await call(a.auth, 'POST', '/api/v1/api-keys', { name: 'a\u0000b', role: 'agent' });
      expect(res.statusCode).toBe(201);
      expect((res.json() as ApiKeyDto).name).toBe('a\ufffdb');
    }
    expect((await call(a.auth, 'POST', '/api/v1/api-keys/not-a-uuid/revoke')).statusCode).toBe(400);
    expect((await call(bearer('tsk_nonsense'), 'GET', '/api/v1/api-keys')).statusCode).toBe(401);
  });
});
