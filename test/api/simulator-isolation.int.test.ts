import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/lib/clock.ts';
import { loadConfig } from '../../src/server/config.ts';
import { silentLogger } from '../../src/server/lib/logger.ts';
import { startTsunagi, type Tsunagi } from '../../src/server/main.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { seedMember } from '../support/app.ts';
import { createTestDatabase } from '../support/db.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/**
 * Finding 1: the built-in simulator stayed mounted beside the real Cloud API, with an unauthenticated control
 * API that listed access tokens, injected signed messages and redirected webhooks anywhere.
 */
describe('simulator isolation', () => {
  describe('with a real Graph API configured', () => {
    let t: Tsunagi;
    let close: () => Promise<void>;
    let apiKey: string;
    beforeAll(async () => {
      const database = await createTestDatabase();
      const clock = new FakeClock('2026-03-02T01:00:00.000Z');
      t = await startTsunagi(
        loadConfig({
          PORT: '0',
          GRAPH_API_URL: 'https://graph.facebook.com',
          WHATSAPP_APP_SECRET: 'the-real-app-secret',
          WHATSAPP_VERIFY_TOKEN: 'the-real-verify-token',
          TSUNAGI_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
          TSUNAGI_DATA_DIR: '/nonexistent-test-dir',
        }),
        { clock, logger: silentLogger, database, manual: true },
      );
      apiKey = (await createWorkspace(t.ctx.db, clock, { name: 'Real shop' })).apiKey;
      close = async () => {
        await t.close();
        await database.close();
      };
    });
    afterAll(async () => close?.());

    it('mounts no simulator: no control API, no fake Graph API, no phone page, no token', async () => {
      expect(t.simulator).toBeNull();
      expect(t.simulatorControlToken).toBeNull();
      const numbers = await fetch(`${t.url}/simulator/control/numbers`);
      expect(numbers.status).toBe(404);
      const inbound = await fetch(`${t.url}/simulator/control/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phoneNumberId: '1', from: '819011112222', message: { type: 'text' } }),
      });
      expect(inbound.status).toBe(404);
      const webhook = await fetch(`${t.url}/simulator/control/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://attacker.example/hook' }),
      });
      expect(webhook.status).toBe(404);
      expect((await fetch(`${t.url}/simulator/graph/v23.0/1/messages`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${t.url}/simulator`)).status).toBe(404);
      const access = await fetch(`${t.url}/api/v1/simulator/access`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(access.status).toBe(404);
    });
  });

  describe('with the built-in simulator', () => {
    let s: RunningTsunagi;
    let pnid: string;
    beforeAll(async () => {
      s = await startTestTsunagi();
      pnid = (await s.addNumber()).phoneNumberId;
    });
    afterAll(async () => s?.close());

    const control = (path: string, init: RequestInit & { token?: string | null } = {}) => {
      const { token, ...rest } = init;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const t = token === undefined ? s.t.simulatorControlToken : token;
      if (t !== null && t !== undefined) headers.authorization = `Bearer ${t}`;
      return fetch(`${s.t.url}/simulator/control${path}`, { ...rest, headers });
    };

    it('refuses every control call without the control token', async () => {
      for (const token of [null, 'wrong', 'simctl_x']) {
        expect((await control('/numbers', { token })).status).toBe(401);
        const inbound = await control('/inbound', {
          token,
          method: 'POST',
          body: JSON.stringify({
            phoneNumberId: pnid,
            from: '819011112222',
            message: { type: 'text', text: { body: 'forged' } },
          }),
        });
        expect(inbound.status).toBe(401);
        const webhook = await control('/webhook', {
          token,
          method: 'POST',
          body: JSON.stringify({ url: `${s.t.url}/webhooks/whatsapp` }),
        });
        expect(webhook.status).toBe(401);
      }
      expect(s.t.simulator!.conversation(pnid, '819011112222')).toEqual([]);
    });

    it('never returns access tokens, even with the control token', async () => {
      const res = await control('/numbers');
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(pnid);
      expect(text).not.toContain('EAAG-test-token');
      expect(text).not.toContain('accessToken');
    });

    it('refuses webhook URLs outside the running Tsunagi', async () => {
      for (const url of [
        'https://attacker.example/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://127.0.0.1:1/elsewhere',
      ]) {
        const res = await control('/webhook', { method: 'POST', body: JSON.stringify({ url }) });
        expect(res.status).toBe(400);
      }
      const own = await control('/webhook', {
        method: 'POST',
        body: JSON.stringify({ url: `${s.t.url}/webhooks/whatsapp` }),
      });
      expect(own.status).toBe(200);
    });

    it('gives the control token to console sessions only', async () => {
      const agentId = await seedMember(s.t.ctx, s.workspaceId, 'agent');
      const login = await fetch(`${s.t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${agentId}@example.test`, password: 'x' }),
      });
      const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
      const res = await fetch(`${s.t.url}/api/v1/simulator/access`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const access = (await res.json()) as { controlUrl: string; token: string };
      expect(access).toEqual({ controlUrl: '/simulator/control', token: s.t.simulatorControlToken });
      expect((await control('/numbers', { token: access.token })).status).toBe(200);

      expect((await fetch(`${s.t.url}/api/v1/simulator/access`)).status).toBe(401);
      const withKey = await fetch(`${s.t.url}/api/v1/simulator/access`, { headers: s.auth });
      expect(withKey.status).toBe(403);
    });
  });
});
