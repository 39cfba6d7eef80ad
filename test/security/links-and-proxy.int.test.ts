import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.ts';
import { createTestApp, seedWorkspace, type TestApp } from '../support/app.ts';

/** Links are built from TSUNAGI_PUBLIC_URL or the listen address, never from request headers. */
describe('links and the reverse proxy', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** A probe route showing what the app believes about the client. */
  const ipProbe = async (app: FastifyInstance) => {
    app.get('/test/ip', async (req) => ({ ip: req.ip, protocol: req.protocol }));
  };
  const probe = async (app: TestApp) =>
    (
      await app.app.inject({
        method: 'GET',
        url: '/test/ip',
        remoteAddress: '10.0.0.5',
        headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' },
      })
    ).json() as { ip: string; protocol: string };

  const invite = async (app: TestApp, headers: Record<string, string>) => {
    const ws = await seedWorkspace(app.ctx);
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      headers: { ...ws.auth, ...headers },
      payload: { email: `${ws.workspaceId}@example.test`, role: 'agent' },
    });
    expect(res.statusCode).toBe(201);
    return (res.json() as { url: string }).url;
  };

  it('ignores Host and X-Forwarded-Host when TSUNAGI_PUBLIC_URL is unset', async () => {
    t = await createTestApp();
    const url = await invite(t, {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/invite\/inv_/);
    expect(url).not.toContain('evil.example');
  });

  it('uses the listen address once the server listens, and does not believe X-Forwarded-For', async () => {
    t = await createTestApp({ plugins: [ipProbe] });
    expect(await probe(t)).toEqual({ ip: '10.0.0.5', protocol: 'http' });
    t.ctx.listenUrl = 'http://127.0.0.1:41234';
    expect(await invite(t, { host: 'evil.example' })).toMatch(/^http:\/\/127\.0\.0\.1:41234\/invite\//);
  });

  it('uses TSUNAGI_PUBLIC_URL behind a trusted proxy, whatever the forwarded host', async () => {
    t = await createTestApp({
      env: { TSUNAGI_PUBLIC_URL: 'https://chat.example.com/', TSUNAGI_TRUST_PROXY: 'on' },
    });
    const url = await invite(t, { 'x-forwarded-host': 'evil.example' });
    expect(url).toMatch(/^https:\/\/chat\.example\.com\/invite\/inv_/);
  });

  it('believes a trusted proxy: on, or a list of its addresses', async () => {
    t = await createTestApp({
      plugins: [ipProbe],
      env: { TSUNAGI_PUBLIC_URL: 'https://chat.example.com', TSUNAGI_TRUST_PROXY: '10.0.0.0/8' },
    });
    expect(await probe(t)).toEqual({ ip: '203.0.113.9', protocol: 'https' });
    await t.close();
    t = await createTestApp({
      plugins: [ipProbe],
      env: { TSUNAGI_PUBLIC_URL: 'https://chat.example.com', TSUNAGI_TRUST_PROXY: '192.168.1.1' },
    });
    expect((await probe(t)).ip).toBe('10.0.0.5');
  });
});

describe('proxy configuration', () => {
  it('is off by default', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TSUNAGI_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
  });
  it('refuses to start trusting a proxy without TSUNAGI_PUBLIC_URL', () => {
    expect(() => loadConfig({ TSUNAGI_TRUST_PROXY: 'on' })).toThrow(
      /TSUNAGI_PUBLIC_URL: required when TSUNAGI_TRUST_PROXY is on/,
    );
    expect(() => loadConfig({ TSUNAGI_TRUST_PROXY: '10.0.0.1' })).toThrow(ConfigError);
    expect(
      loadConfig({ TSUNAGI_TRUST_PROXY: 'on', TSUNAGI_PUBLIC_URL: 'https://chat.example.com/' }),
    ).toMatchObject({ trustProxy: true, publicUrl: 'https://chat.example.com' });
    expect(
      loadConfig({ TSUNAGI_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16', TSUNAGI_PUBLIC_URL: 'https://a.example' })
        .trustProxy,
    ).toEqual(['10.0.0.1', '10.1.0.0/16']);
  });
  it('names a bad value', () => {
    expect(() =>
      loadConfig({ TSUNAGI_TRUST_PROXY: 'yes please', TSUNAGI_PUBLIC_URL: 'https://a.example' }),
    ).toThrow(/TSUNAGI_TRUST_PROXY/);
    expect(() => loadConfig({ TSUNAGI_PUBLIC_URL: 'ftp://a.example' })).toThrow(/TSUNAGI_PUBLIC_URL/);
    expect(() => loadConfig({ TSUNAGI_METRICS_TOKEN: 'short' })).toThrow(/TSUNAGI_METRICS_TOKEN/);
  });
});
