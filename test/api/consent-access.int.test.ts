import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  seedApiKey,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

/** Roles and workspace scoping of the consent routes. */
describe('consent routes: roles and workspaces', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  let contactId: string;
  beforeAll(async () => {
    t = await createTestApp();
    ws = await seedWorkspace(t.ctx);
    other = await seedWorkspace(t.ctx, 'Other');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: ws.auth,
      payload: { phone: '+819066660001' },
    });
    contactId = res.json().id;
  });
  afterAll(async () => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    auth: { authorization: string },
    payload?: Record<string, unknown>,
  ) => t.app.inject({ method, url, headers: auth, ...(payload !== undefined ? { payload } : {}) });

  it('lets an analyst read but not record consent, an agent record but not change the keywords', async () => {
    const analyst = await seedApiKey(t.ctx, ws.workspaceId, 'analyst');
    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    const change = { purpose: 'marketing', state: 'opted_out' };
    expect((await call('GET', `/api/v1/contacts/${contactId}/consent`, analyst)).statusCode).toBe(200);
    const refused = await call('POST', `/api/v1/contacts/${contactId}/consent`, analyst, change);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await call('POST', `/api/v1/contacts/${contactId}/consent`, agent, change)).statusCode).toBe(200);
    const settings = (await call('GET', '/api/v1/consent/settings', agent)).json();
    expect((await call('PUT', '/api/v1/consent/settings', agent, settings)).statusCode).toBe(403);
    expect((await call('PUT', '/api/v1/consent/settings', ws.auth, settings)).statusCode).toBe(200);
  });

  it('never shows or changes another workspace’s contact (404), and keeps settings per workspace', async () => {
    expect((await call('GET', `/api/v1/contacts/${contactId}/consent`, other.auth)).statusCode).toBe(404);
    const res = await call('POST', `/api/v1/contacts/${contactId}/consent`, other.auth, {
      purpose: 'marketing',
      state: 'opted_in',
    });
    expect(res.statusCode).toBe(404);
    await call('PUT', '/api/v1/consent/settings', ws.auth, {
      optOutKeywords: ['やめて'],
      optInKeywords: [],
      confirmations: { ja: { optOut: '停止しました', optIn: '再開しました' } },
      defaultLanguage: 'ja',
    });
    const mine = (await call('GET', '/api/v1/consent/settings', ws.auth)).json();
    const theirs = (await call('GET', '/api/v1/consent/settings', other.auth)).json();
    expect(mine.optOutKeywords).toEqual(['やめて']);
    expect(theirs.optOutKeywords).toContain('配信停止');
  });
});
