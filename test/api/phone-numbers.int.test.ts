import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/server/http/context.ts';
import { createGraphClient } from '../../src/server/whatsapp/graph-client.ts';
import { startStandaloneSimulator, type StandaloneSimulator } from '../../src/simulator/index.ts';
import {
  createTestApp,
  randomCloudId,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

/** The Cloud API is a standalone simulator over real HTTP: numbers exist there (with their tokens) first. */
describe('REST /api/v1/phone-numbers', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let meta: StandaloneSimulator;
  beforeAll(async () => {
    meta = await startStandaloneSimulator({ port: 0, appSecret: 'app-secret' });
    t = await createTestApp({ graphUrl: meta.url });
    ws = await seedWorkspace(t.ctx);
  });
  afterAll(async () => {
    await t?.close();
    await meta?.close();
  });

  const register = (body: Record<string, unknown>, auth = ws.auth) =>
    t.app.inject({ method: 'POST', url: '/api/v1/phone-numbers', headers: auth, payload: body });
  /** A registration body for a number that exists at Meta with this token and WABA. */
  const input = (over: Record<string, unknown> = {}) => {
    const body = {
      phoneNumberId: randomCloudId(),
      displayPhoneNumber: '+81 3-1234-5678',
      wabaId: '102290129340398',
      accessToken: 'EAAG-secret',
      ...over,
    };
    meta.sim.registerNumber(body as Parameters<typeof meta.sim.registerNumber>[0]);
    return body;
  };

  it('registers a number, never returns the access token, and stores it encrypted', async () => {
    const res = await register(input({ label: '東京本店' }));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      displayPhoneNumber: '+81 3-1234-5678',
      wabaId: '102290129340398',
      mps: 80,
      label: '東京本店',
      status: 'connected',
      messagingLimit: null,
    });
    expect(res.body).not.toContain('EAAG-secret');
    expect(body).not.toHaveProperty('accessToken');
    const row = await t.ctx.db
      .selectFrom('phone_numbers')
      .select('access_token_enc')
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row.access_token_enc).not.toContain('EAAG-secret');
    expect(t.ctx.secrets.open(row.access_token_enc)).toBe('EAAG-secret');

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/phone-numbers', headers: ws.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((n: { id: string }) => n.id)).toContain(body.id);
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/phone-numbers/${body.id}`,
      headers: ws.auth,
    });
    expect(one.json()).toEqual(body);
  });

  it('rejects invalid input with validation_failed naming the field', async () => {
    const res = await register(input({ phoneNumberId: 'abc', mps: 0 }));
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('validation_failed');
    const paths = err.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/phoneNumberId', '/mps']));
    const missing = await register({ displayPhoneNumber: '+81 3-1234-5678' });
    expect(missing.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['/phoneNumberId', '/wabaId', '/accessToken']),
    );
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/phone-numbers',
      headers: { ...ws.auth, 'content-type': 'application/json' },
      payload: '{"oops',
    });
    expect(notJson.statusCode).toBe(400);
    // app.ts maps FST_ERR_CTP_EMPTY_JSON_BODY to invalid_json but not FST_ERR_CTP_INVALID_JSON_BODY (reported).
    expect(['invalid_json', 'validation_failed']).toContain(notJson.json().error.code);
  });

  it('answers 409 number_taken for a phone number id already registered, in this or another workspace, naming no workspace', async () => {
    const cloudId = randomCloudId();
    const first = await register(input({ phoneNumberId: cloudId }));
    expect(first.statusCode).toBe(201);
    expect(first.json().verifiedAt).toBe(t.clock.now().toISOString());
    const again = await register(input({ phoneNumberId: cloudId }));
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'number_taken', details: { phoneNumberId: cloudId } });
    const other = await seedWorkspace(t.ctx, 'Other');
    const taken = await register(input({ phoneNumberId: cloudId }), other.auth);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('number_taken');
    expect(taken.body).not.toContain(ws.workspaceId);
    const rows = await t.ctx.db
      .selectFrom('phone_numbers')
      .select('workspace_id')
      .where('phone_number_id', '=', cloudId)
      .execute();
    expect(rows).toEqual([{ workspace_id: ws.workspaceId }]);
  });

  it('refuses a number the access token does not reach (finding 5: first come took any number)', async () => {
    // A business's number exists at Meta with its own token; a stranger types its id with their token.
    const victim = input({ accessToken: 'EAAG-victim' });
    const stranger = seedWorkspace(t.ctx, 'Stranger');
    const strangerNumber = input({ accessToken: 'EAAG-stranger', wabaId: '102290129349999' });
    const s = await stranger;
    const forged = await register({ ...victim, accessToken: 'EAAG-forged-token' }, s.auth);
    expect(forged.statusCode).toBe(422);
    expect(forged.json().error.code).toBe('number_token_invalid');
    // A real token of another business does not reach the number either (Graph 100/33).
    const otherBusiness = await register({ ...victim, accessToken: strangerNumber.accessToken }, s.auth);
    expect(otherBusiness.statusCode).toBe(422);
    expect(otherBusiness.json().error.code).toBe('number_token_invalid');
    expect(
      await t.ctx.db
        .selectFrom('phone_numbers')
        .select('id')
        .where('phone_number_id', '=', victim.phoneNumberId)
        .execute(),
    ).toEqual([]);
    expect((await register(victim)).statusCode).toBe(201);
  });

  it('refuses a number registered under a WABA it does not belong to', async () => {
    // The token covers both WABAs (one business), but the number is on the first one.
    const number = input({ accessToken: 'EAAG-two-wabas', wabaId: '102290129341111' });
    input({ accessToken: 'EAAG-two-wabas', wabaId: '102290129342222' });
    const wrong = await register({ ...number, wabaId: '102290129342222' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.code).toBe('number_waba_mismatch');
    const unknownWaba = await register({ ...number, wabaId: '102290129343333' });
    expect(unknownWaba.json().error.code).toBe('number_waba_mismatch');
    expect((await register(number)).statusCode).toBe(201);
  });

  it('verifies a new token or WABA on PATCH; a failed check changes nothing', async () => {
    const number = input({ accessToken: 'EAAG-patch' });
    const id = (await register(number)).json().id;
    const patch = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/phone-numbers/${id}`, headers: ws.auth, payload });
    const bad = await patch({ accessToken: 'EAAG-not-at-meta' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('number_token_invalid');
    const badWaba = await patch({ wabaId: '102290129348888' });
    expect(badWaba.json().error.code).toBe('number_waba_mismatch');
    const row = await t.ctx.db
      .selectFrom('phone_numbers')
      .select(['access_token_enc', 'waba_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(t.ctx.secrets.open(row.access_token_enc)).toBe('EAAG-patch');
    expect(row.waba_id).toBe(number.wabaId);
    meta.sim.registerNumber({ ...number, accessToken: 'EAAG-rotated' });
    t.clock.advance(60_000);
    const ok = await patch({ accessToken: 'EAAG-rotated' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().verifiedAt).toBe(t.clock.now().toISOString());
  });

  it('answers 502 number_unreachable when the Cloud API cannot be reached', async () => {
    const graph = t.ctx.graph;
    t.ctx.graph = createGraphClient({ baseUrl: 'http://127.0.0.1:9', version: 'v23.0' });
    try {
      const res = await register(input());
      expect(res.statusCode).toBe(502);
      expect(res.json().error.code).toBe('number_unreachable');
    } finally {
      t.ctx.graph = graph;
    }
  });

  it('two concurrent registrations of one id: one 201, one 409', async () => {
    const cloudId = randomCloudId();
    const results = await Promise.all([
      register(input({ phoneNumberId: cloudId })),
      register(input({ phoneNumberId: cloudId })),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });

  it('PATCH changes only the given fields (mps is not reset to its default)', async () => {
    const id = (await register(input({ mps: 20 }))).json().id;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/phone-numbers/${id}`,
      headers: ws.auth,
      payload: { label: 'Support' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ label: 'Support', mps: 20 });
    const res2 = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/phone-numbers/${id}`,
      headers: ws.auth,
      payload: { mps: 250, messagingLimit: 1000 },
    });
    expect(res2.json()).toMatchObject({ label: 'Support', mps: 250, messagingLimit: 1000 });
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/phone-numbers/${id}`,
      headers: ws.auth,
      payload: { mps: 'fast' },
    });
    expect(bad.json().error).toMatchObject({ code: 'validation_failed' });
  });

  it('DELETE removes the number (404 afterwards) and frees its Cloud API id', async () => {
    const cloudId = randomCloudId();
    const id = (await register(input({ phoneNumberId: cloudId }))).json().id;
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/phone-numbers/${id}`,
      headers: ws.auth,
    });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/phone-numbers/${id}`, headers: ws.auth })).json()
        .error.code,
    ).toBe('not_found');
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/phone-numbers/${id}`, headers: ws.auth }))
        .statusCode,
    ).toBe(404);
    expect((await register(input({ phoneNumberId: cloudId }))).statusCode).toBe(201);
  });

  it('a malformed id is a validation error, an unknown one is not_found', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/phone-numbers/nope', headers: ws.auth })).json()
        .error.code,
    ).toBe('validation_failed');
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/phone-numbers/0190b6a4-0000-7000-8000-000000000000',
          headers: ws.auth,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('mirrors registered and updated numbers into the built-in simulator when there is one', async () => {
    const registered: Array<Record<string, unknown>> = [];
    const fake = { registerNumber: (n: Record<string, unknown>) => registered.push(n) };
    t.ctx.simulator = fake as unknown as AppContext['simulator'];
    try {
      const cloudId = randomCloudId();
      const id = (await register(input({ phoneNumberId: cloudId, mps: 10 }))).json().id;
      expect(registered).toEqual([
        {
          phoneNumberId: cloudId,
          displayPhoneNumber: '+81 3-1234-5678',
          wabaId: '102290129340398',
          accessToken: 'EAAG-secret',
          mps: 10,
        },
      ]);
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/phone-numbers/${id}`,
        headers: ws.auth,
        payload: { mps: 30, messagingLimit: 250 },
      });
      expect(registered[1]).toEqual({
        phoneNumberId: cloudId,
        displayPhoneNumber: '+81 3-1234-5678',
        wabaId: '102290129340398',
        accessToken: 'EAAG-secret',
        mps: 30,
        messagingLimit: 250,
      });
    } finally {
      t.ctx.simulator = null;
    }
  });
});
