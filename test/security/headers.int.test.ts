import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedWorkspace, type TestApp } from '../support/app.ts';

/** Security headers on the API and the console, HSTS with an https public URL, and the session cookie's flags. */
describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TSUNAGI_PUBLIC_URL: 'https://chat.example.com' } });
  });
  afterAll(async () => t?.close());

  it('marks API responses no-store with a deny-all CSP, nosniff, no framing and HSTS', async () => {
    const ws = await seedWorkspace(t.ctx);
    for (const res of [
      await t.app.inject({ method: 'GET', url: '/api/v1/contacts', headers: ws.auth }),
      await t.app.inject({ method: 'GET', url: '/api/v1/contacts' }), // 401 too
      await t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: ws.auth }),
    ]) {
      expect(res.headers['cache-control'], res.body).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    }
  });

  it('keeps the console’s own CSP (or the landing page’s, without a build) and adds the common headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/inbox' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toMatch(/^default-src '(self|none)'/);
    expect(res.headers['content-security-policy']).not.toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sets the session cookie HttpOnly, SameSite=Lax and Secure behind https', async () => {
    const ws = await seedWorkspace(t.ctx);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ws.email, password: ws.password },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
  });

  it('sends no HSTS over plain http', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await plain.close();
    }
  });
});
