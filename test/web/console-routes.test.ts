import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/server/http/context.ts';
import { consoleRoutes } from '../../src/server/http/console.routes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-console-'));
fs.mkdirSync(path.join(dir, 'assets'));
fs.writeFileSync(
  path.join(dir, 'index.html'),
  '<!doctype html><script type="module" src="/assets/app-1.js"></script>',
);
fs.writeFileSync(path.join(dir, 'simulator.html'), '<!doctype html>phone');
fs.writeFileSync(path.join(dir, 'assets/app-1.js'), 'console.log(1)');

async function app(simulator: boolean) {
  const a = Fastify();
  const ctx = { simulator: simulator ? {} : null } as unknown as AppContext;
  await a.register(async (s) => consoleRoutes(s, ctx, { dir }));
  return a;
}

describe('console routes', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the app for its client routes with no-cache and a strict CSP', async () => {
    const a = await app(true);
    for (const url of [
      '/',
      '/inbox',
      '/inbox/0190b6a4-0000-7000-8000-000000000000',
      '/settings/users',
      '/invite/tok',
      '/reset-password/pwr_tok',
      '/analytics',
      '/campaigns',
      '/campaigns/new',
      '/campaigns/reminders',
      '/settings/workspace',
      '/campaigns/0190b6a4-0000-7000-8000-000000000000',
      '/login',
    ]) {
      const res = await a.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.body).toContain('/assets/app-1.js');
    }
    const asset = await a.inject({ url: '/assets/app-1.js' });
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect((await a.inject({ url: '/assets/../index.html' })).statusCode).toBe(404);
    expect((await a.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await a.inject({ url: '/simulator' })).body).toContain('phone');
  });

  it('has no phone page without the simulator', async () => {
    expect((await (await app(false)).inject({ url: '/simulator' })).statusCode).toBe(404);
  });
});
