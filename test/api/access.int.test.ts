import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  randomCloudId,
  seedApiKey,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

const template = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };

describe('REST API access control', () => {
  let t: TestApp;
  let a: SeededWorkspace;
  let b: SeededWorkspace;
  /** Workspace B's resources, which workspace A must never see. */
  const theirs = { phoneNumberId: '', contactId: '', conversationId: '', messageId: '' };

  beforeAll(async () => {
    t = await createTestApp();
    a = await seedWorkspace(t.ctx, 'A');
    b = await seedWorkspace(t.ctx, 'B');
    const n = await seedPhoneNumber(t.ctx, b.workspaceId);
    const seeded = await seedInboundConversation(t.ctx, {
      workspaceId: b.workspaceId,
      phoneNumberId: n.id,
      waId: '819012340000',
      name: 'B customer',
    });
    Object.assign(theirs, { phoneNumberId: n.id, ...seeded });
  });
  afterAll(async () => t.close());

  it('401 unauthenticated without credentials or with a bad API key', async () => {
    for (const headers of [{}, { authorization: 'Bearer tsk_wrong' }, { authorization: 'Bearer nope' }]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/conversations', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
    // Authentication comes before body validation: an anonymous caller learns nothing about the schema.
    const post = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', payload: { nonsense: true } });
    expect(post.json().error.code).toBe('unauthenticated');
  });

  it("workspace A's key gets 404 for workspace B's phone number, contact, conversation and message", async () => {
    const req = (
      method: 'GET' | 'PATCH' | 'DELETE' | 'POST',
      url: string,
      payload?: Record<string, unknown>,
    ) => t.app.inject({ method, url, headers: a.auth, ...(payload ? { payload } : {}) });
    const cases = [
      req('GET', `/api/v1/phone-numbers/${theirs.phoneNumberId}`),
      req('PATCH', `/api/v1/phone-numbers/${theirs.phoneNumberId}`, { label: 'mine now' }),
      req('DELETE', `/api/v1/phone-numbers/${theirs.phoneNumberId}`),
      req('GET', `/api/v1/contacts/${theirs.contactId}`),
      req('PATCH', `/api/v1/contacts/${theirs.contactId}`, { name: 'x' }),
      req('DELETE', `/api/v1/contacts/${theirs.contactId}`),
      req('GET', `/api/v1/conversations/${theirs.conversationId}`),
      req('PATCH', `/api/v1/conversations/${theirs.conversationId}`, { status: 'resolved' }),
      req('POST', `/api/v1/conversations/${theirs.conversationId}/read`),
      req('GET', `/api/v1/conversations/${theirs.conversationId}/messages`),
      req('POST', `/api/v1/conversations/${theirs.conversationId}/messages`, template),
      req('POST', '/api/v1/messages', {
        phoneNumberId: theirs.phoneNumberId,
        to: '+819012340000',
        ...template,
      }),
      req('GET', `/api/v1/messages/${theirs.messageId}`),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const lists = await Promise.all(
      ['/api/v1/phone-numbers', '/api/v1/contacts?q=B', '/api/v1/conversations'].map((url) =>
        t.app.inject({ method: 'GET', url, headers: a.auth }),
      ),
    );
    for (const res of lists) expect(res.json().data).toEqual([]);
    // Nothing of B's changed.
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/v1/conversations/${theirs.conversationId}`,
      headers: b.auth,
    });
    expect(mine.json()).toMatchObject({
      status: 'open',
      unreadCount: 1,
      contact: { name: null, profileName: 'B customer' },
    });
    expect(
      await t.ctx.db.selectFrom('messages').select('id').where('workspace_id', '=', b.workspaceId).execute(),
    ).toHaveLength(1);
  });

  it('an analyst key reads but cannot write (403 forbidden)', async () => {
    const analyst = await seedApiKey(t.ctx, b.workspaceId, 'analyst');
    for (const url of [
      '/api/v1/phone-numbers',
      '/api/v1/contacts',
      '/api/v1/conversations',
      `/api/v1/conversations/${theirs.conversationId}/messages`,
      `/api/v1/messages/${theirs.messageId}`,
    ]) {
      expect((await t.app.inject({ method: 'GET', url, headers: analyst })).statusCode, url).toBe(200);
    }
    const writes = await Promise.all([
      t.app.inject({
        method: 'POST',
        url: '/api/v1/phone-numbers',
        headers: analyst,
        payload: {
          phoneNumberId: randomCloudId(),
          displayPhoneNumber: '+81 3-0000-0000',
          wabaId: '1',
          accessToken: 't',
        },
      }),
      t.app.inject({
        method: 'POST',
        url: '/api/v1/contacts',
        headers: analyst,
        payload: { phone: '+819012340001' },
      }),
      t.app.inject({ method: 'DELETE', url: `/api/v1/contacts/${theirs.contactId}`, headers: analyst }),
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/conversations/${theirs.conversationId}`,
        headers: analyst,
        payload: { status: 'resolved' },
      }),
      t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${theirs.conversationId}/read`,
        headers: analyst,
      }),
      t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${theirs.conversationId}/messages`,
        headers: analyst,
        payload: template,
      }),
      t.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: analyst,
        payload: { phoneNumberId: theirs.phoneNumberId, to: '+819012340000', ...template },
      }),
    ]);
    for (const res of writes) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
  });

  it('an agent key converses but cannot manage numbers or delete contacts', async () => {
    const agent = await seedApiKey(t.ctx, b.workspaceId, 'agent');
    const send = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${theirs.conversationId}/messages`,
      headers: agent,
      payload: { type: 'text', text: { body: 'hi' } },
    });
    expect(send.statusCode).toBe(202);
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/phone-numbers/${theirs.phoneNumberId}`,
          headers: agent,
          payload: { label: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/contacts/${theirs.contactId}`, headers: agent }))
        .statusCode,
    ).toBe(403);
  });

  it('a console session works with its cookie, and state-changing requests need X-CSRF-Token', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: a.email, password: a.password },
    });
    expect(login.statusCode).toBe(200);
    const csrf = login.json().csrfToken as string;
    const setCookie = login.headers['set-cookie'];
    const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^tsunagi_session=/);

    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/contacts', headers: { cookie } })).statusCode,
    ).toBe(200);
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { cookie },
      payload: { phone: '+819012349999' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { cookie, 'x-csrf-token': 'x'.repeat(csrf.length) },
      payload: { phone: '+819012349999' },
    });
    expect(wrong.json().error.code).toBe('csrf_failed');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { phone: '+819012349999' },
    });
    expect(ok.statusCode).toBe(201);

    // A message sent from the console is the signed-in agent's, not the API's; the CSRF header survives header validation.
    const n = await seedPhoneNumber(t.ctx, a.workspaceId);
    const { conversationId } = await seedInboundConversation(t.ctx, {
      workspaceId: a.workspaceId,
      phoneNumberId: n.id,
      waId: '819012348888',
    });
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/messages`,
      headers: { cookie, 'x-csrf-token': csrf, 'idempotency-key': 'console-1' },
      payload: { type: 'text', text: { body: 'はい' } },
    });
    expect(sent.statusCode).toBe(202);
    expect(sent.json().origin).toBe('agent');
    const row = await t.ctx.db
      .selectFrom('messages')
      .select('author_user_id')
      .where('id', '=', sent.json().id)
      .executeTakeFirstOrThrow();
    expect(row.author_user_id).toBe(login.json().user.id);
  });
});
