import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  seedApiKey,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

describe('REST /api/v1/segments', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  let agent: { authorization: string };
  let ids: { hanako: string; taro: string; john: string };

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-06-01T00:00:00.000Z' });
    ws = await seedWorkspace(t.ctx);
    other = await seedWorkspace(t.ctx, 'Other');
    agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    const create = async (w: SeededWorkspace, body: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/contacts',
        headers: w.auth,
        payload: body,
      });
      expect(res.statusCode).toBe(201);
      return res.json().id as string;
    };
    const hanako = await create(ws, {
      phone: '+81 90-1111-2222',
      name: '山田 花子',
      attributes: { plan: 'gold' },
    });
    const taro = await create(ws, {
      phone: '+81 80-3333-4444',
      name: 'Taro',
      attributes: { plan: 'silver', visits: 5 },
    });
    const john = await create(ws, { phone: '+1 415 555 0134', name: 'John', attributes: { language: 'en' } });
    ids = { hanako, taro, john };
    await create(other, { phone: '+81 90-5555-6666', name: 'Other 花子', attributes: { plan: 'gold' } });
    for (const [id, tag] of [
      [hanako, 'vip'],
      [taro, 'vip'],
      [taro, 'wine'],
    ] as const) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/contacts/${id}/tags/${tag}`,
        headers: ws.auth,
      });
      expect(res.statusCode).toBeLessThan(300);
    }
    // Taro wrote in two days ago on our number.
    const number = await seedPhoneNumber(t.ctx, ws.workspaceId, { displayPhoneNumber: '+81 3-1234-5678' });
    await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '818033334444',
      at: new Date('2026-05-30T00:00:00.000Z'),
    });
  });
  afterAll(async () => t?.close());

  const preview = (condition: unknown, auth = ws.auth) =>
    t.app.inject({ method: 'POST', url: '/api/v1/segments/preview', headers: auth, payload: { condition } });

  it('previews a condition given as text: count and the newest contacts first', async () => {
    const res = await preview('contact.tags has vip');
    expect(res.statusCode).toBe(200);
    expect(res.json().count).toBe(2);
    expect(res.json().sample.map((c: { id: string }) => c.id)).toEqual([ids.taro, ids.hanako]);
    const jp = await preview('contact.country = "JP" and not contact.tags has wine', agent);
    expect(jp.statusCode).toBe(200);
    expect(jp.json()).toMatchObject({ count: 1, sample: [{ id: ids.hanako, name: '山田 花子' }] });
    const recent = await preview('inbound.count >= 1 within 7d and phone_number = "+81 3-1234-5678"');
    expect(recent.json().sample.map((c: { id: string }) => c.id)).toEqual([ids.taro]);
    const attrs = await preview('contact.attributes.visits > 3 or contact.language = "EN"');
    expect(attrs.json().count).toBe(2);
  });

  it('selects by marketing consent as the consent module records it; never recorded is unknown', async () => {
    const optOut = await t.app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${ids.john}/consent`,
      headers: ws.auth,
      payload: { purpose: 'marketing', state: 'opted_out' },
    });
    expect(optOut.statusCode).toBeLessThan(300);
    const out = await preview('consent.marketing = opted_out');
    expect(out.json()).toMatchObject({ count: 1, sample: [{ id: ids.john }] });
    const vipNotOut = await preview('contact.tags has vip and consent.marketing != opted_out');
    expect(vipNotOut.json().count).toBe(2);
    const unknown = await preview({ type: 'consent', purpose: 'marketing', state: 'unknown', op: '=' });
    expect(
      unknown
        .json()
        .sample.map((c: { id: string }) => c.id)
        .sort(),
    ).toEqual([ids.hanako, ids.taro].sort());
    const bad = await preview('consent.marketing = maybe');
    expect(bad.json().error.code).toBe('invalid_condition');
  });

  it("exports a saved segment's contacts as CSV, and nobody else's segment", async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: ws.auth,
      payload: { name: 'VIP (export)', condition: 'contact.tags has vip' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/contacts/export?segmentId=${id}`,
      headers: ws.auth,
    });
    expect(csv.statusCode).toBe(200);
    const rows = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
      .slice(1);
    expect(rows).toHaveLength(2);
    expect(csv.body).toContain('山田 花子');
    expect(csv.body).not.toContain('John');
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/contacts/export?segmentId=${id}`,
      headers: other.auth,
    });
    expect(foreign.statusCode).toBe(404);
    await t.app.inject({ method: 'DELETE', url: `/api/v1/segments/${id}`, headers: ws.auth });
  });

  it('previews a condition given as a tree, never counting another workspace', async () => {
    const res = await preview({ type: 'attr', key: 'plan', op: '=', value: 'gold' });
    expect(res.json()).toMatchObject({ count: 1, sample: [{ id: ids.hanako }] });
  });

  it('refuses a bad condition with 400 invalid_condition and its position, a bad tree with validation_failed', async () => {
    const res = await preview('contact.tags has');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_condition', details: { position: 16 } });
    const tree = await preview({ type: 'attr', key: 'plan', op: 'like', value: 'x' });
    expect(tree.statusCode).toBe(400);
    expect(tree.json().error.code).toBe('validation_failed');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: ws.auth,
      payload: { name: 'Broken', condition: 'tag:' },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.code).toBe('invalid_condition');
  });

  it('creates, reads, lists, changes, pages and deletes a segment; agents read but do not manage', async () => {
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: agent,
      payload: { name: 'VIP', condition: 'contact.tags has vip' },
    });
    expect(denied.statusCode).toBe(403);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: ws.auth,
      payload: { name: 'VIP', condition: 'contact.tags has vip' },
    });
    expect(res.statusCode).toBe(201);
    const segment = res.json();
    expect(segment).toMatchObject({
      name: 'VIP',
      conditionText: 'contact.tags has vip',
      condition: { type: 'tags', mode: 'has', names: ['vip'] },
    });
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: ws.auth,
      payload: { name: 'VIP', condition: 'tag:x' },
    });
    expect(dup.statusCode).toBe(409);

    const got = await t.app.inject({ method: 'GET', url: `/api/v1/segments/${segment.id}`, headers: agent });
    expect(got.json()).toEqual(segment);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/segments', headers: agent });
    expect(list.json().data.map((s: { id: string }) => s.id)).toEqual([segment.id]);

    const page1 = await t.app.inject({
      method: 'GET',
      url: `/api/v1/segments/${segment.id}/contacts?limit=1`,
      headers: agent,
    });
    expect(page1.json().data.map((c: { id: string }) => c.id)).toEqual([ids.taro]);
    const page2 = await t.app.inject({
      method: 'GET',
      url: `/api/v1/segments/${segment.id}/contacts?limit=1&cursor=${page1.json().nextCursor}`,
      headers: agent,
    });
    expect(page2.json()).toMatchObject({ data: [{ id: ids.hanako }], nextCursor: null });

    const forbidden = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/segments/${segment.id}`,
      headers: agent,
      payload: { name: 'x' },
    });
    expect(forbidden.statusCode).toBe(403);
    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/segments/${segment.id}`,
      headers: ws.auth,
      payload: { condition: { type: 'tag', name: 'wine' } },
    });
    expect(changed.json()).toMatchObject({ name: 'VIP', conditionText: null, condition: { type: 'tag' } });
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/segments/${segment.id}/contacts`,
      headers: agent,
    });
    expect(after.json().data.map((c: { id: string }) => c.id)).toEqual([ids.taro]);

    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/segments/${segment.id}`, headers: agent }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/segments/${segment.id}`, headers: ws.auth }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/segments/${segment.id}`, headers: ws.auth }))
        .statusCode,
    ).toBe(404);
  });

  it("answers 404 for another workspace's segment on every route", async () => {
    const theirs = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/segments',
        headers: other.auth,
        payload: { name: 'Gold', condition: 'contact.attributes.plan = "gold"' },
      })
    ).json();
    const base = `/api/v1/segments/${theirs.id}`;
    for (const [method, url, payload] of [
      ['GET', base, undefined],
      ['GET', `${base}/contacts`, undefined],
      ['PATCH', base, { name: 'Mine' }],
      ['DELETE', base, undefined],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: ws.auth, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const still = await t.app.inject({ method: 'GET', url: `${base}/contacts`, headers: other.auth });
    expect(still.json().data).toHaveLength(1);
  });

  it('is documented in OpenAPI, the condition tree included', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const [path, methods] of [
      ['/api/v1/segments', ['get', 'post']],
      ['/api/v1/segments/preview', ['post']],
      ['/api/v1/segments/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/segments/{id}/contacts', ['get']],
    ] as const) {
      for (const m of methods) expect(doc.paths[path]?.[m]?.responses, `${m} ${path}`).toHaveProperty('401');
    }
    // The recursive tree is a shared component, referenced from the body.
    const ref = /"\$ref":"#\/components\/schemas\/([^"]+)"/.exec(
      JSON.stringify(doc.paths['/api/v1/segments/preview'].post),
    );
    expect(JSON.stringify(doc.components.schemas[ref?.[1] ?? ''])).toContain('starts_with');
  });
});
