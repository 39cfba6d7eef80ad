import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as crypto from '../../src/server/lib/crypto.ts';
import { createTestApp, seedMember, seedWorkspace, type TestApp } from '../support/app.ts';

// Every secret comparison goes through the one constant-time helper: spy on it (the real one still runs) to
// see that each call site uses it rather than `===`.
vi.mock('../../src/server/lib/crypto.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, safeEqual: vi.fn(actual.safeEqual) };
});
const safeEqual = vi.mocked(crypto.safeEqual);

describe('secrets are compared in constant time', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('compares the webhook verify token with safeEqual', async () => {
    safeEqual.mockClear();
    const url = (token: string) =>
      `/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${token}`;
    const wrong = await t.app.inject({ method: 'GET', url: url('test-verifx') });
    expect(wrong.statusCode).toBe(403);
    expect(safeEqual).toHaveBeenCalledWith('test-verifx', 'test-verify');
    const ok = await t.app.inject({ method: 'GET', url: url('test-verify') });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('42');
    // A repeated parameter is an array: refused, not coerced.
    const repeated = await t.app.inject({
      method: 'GET',
      url: `${url('test-verify')}&hub.verify_token=test-verify`,
    });
    expect(repeated.statusCode).toBe(403);
  });

  it('refuses the handshake when no verify token is configured, whatever is presented', async () => {
    const saved = t.ctx.verifyToken;
    t.ctx.verifyToken = null;
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=',
      });
      expect(res.statusCode).toBe(403);
    } finally {
      t.ctx.verifyToken = saved;
    }
  });

  it('compares the CSRF token with safeEqual', async () => {
    const ws = await seedWorkspace(t.ctx);
    const userId = await seedMember(t.ctx, ws.workspaceId, 'admin');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `${userId}@example.test`, password: 'x' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const csrf = (login.json() as { csrfToken: string }).csrfToken;
    safeEqual.mockClear();
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}!` },
      payload: { name: 'A' },
    });
    expect(bad.statusCode).toBe(403);
    expect(bad.json()).toMatchObject({ error: { code: 'csrf_failed' } });
    expect(safeEqual).toHaveBeenCalledWith(`${csrf.slice(0, -1)}!`, csrf);
    const good = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { name: 'A' },
    });
    expect(good.statusCode).toBe(200);
  });
});
