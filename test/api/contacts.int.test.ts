import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

describe('REST /api/v1/contacts', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  beforeAll(async () => {
    t = await createTestApp();
    ws = await seedWorkspace(t.ctx);
  });
  afterAll(async () => t.close());

  const create = (body: Record<string, unknown>, auth = ws.auth) =>
    t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: auth, payload: body });
  const search = async (w: SeededWorkspace, query: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/contacts?${query}`, headers: w.auth });
    expect(res.statusCode).toBe(200);
    return res.json() as {
      data: Array<{ id: string; name: string | null; profileName: string | null; waId: string }>;
      nextCursor: string | null;
    };
  };

  it('creates a contact from a phone number in any common format (E.164 and wa_id derived)', async () => {
    const res = await create({ phone: '+81 90-1234-5678', name: '山田 花子', attributes: { plan: 'gold' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      phone: '+819012345678',
      waId: '819012345678',
      country: 'JP',
      name: '山田 花子',
      attributes: { plan: 'gold' },
      consentState: 'unknown',
    });
    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/contacts/${res.json().id}`,
      headers: ws.auth,
    });
    expect(got.json()).toEqual(res.json());
  });

  it('answers 409 conflict with the existing id for the same number written differently', async () => {
    const first = (await create({ phone: '+1 (415) 555-0134' })).json();
    const dup = await create({ phone: '14155550134', name: 'Someone' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'conflict', details: { existingId: first.id } });
  });

  it('rejects an invalid phone number and bad fields with validation_failed naming the field', async () => {
    const bad = await create({ phone: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: '/phone' }] },
    });
    const wrong = await create({ phone: '+819011112222', consentState: 'maybe' });
    expect(wrong.json().error.details.issues[0].path).toBe('/consentState');
  });

  it('searches names (Japanese too), profile names, and phone numbers; % and _ match literally', async () => {
    const w = await seedWorkspace(t.ctx, 'Search');
    const mk = (body: Record<string, unknown>) => create(body, w.auth).then((r) => r.json().id as string);
    const yamada = await mk({ phone: '+819011110001', name: '山田 太郎' });
    const suzuki = await mk({ phone: '+819011110002', name: 'Suzuki Ichiro' });
    const pct = await mk({ phone: '+819011110003', name: '100% Tanaka_san' });
    const number = await seedPhoneNumber(t.ctx, w.workspaceId);
    const { contactId: hanako } = await seedInboundConversation(t.ctx, {
      workspaceId: w.workspaceId,
      phoneNumberId: number.id,
      waId: '819022220004',
      name: 'はなこ🌸',
    });

    const ids = async (q: string) => (await search(w, `q=${encodeURIComponent(q)}`)).data.map((c) => c.id);
    expect(await ids('山田')).toEqual([yamada]);
    expect(await ids('suzuki')).toEqual([suzuki]);
    expect(await ids('ICHIRO')).toEqual([suzuki]);
    expect(await ids('はなこ')).toEqual([hanako]);
    expect(await ids('%')).toEqual([pct]);
    expect(await ids('_')).toEqual([pct]);
    expect(await ids('+81 90-1111-0002')).toEqual([suzuki]);
    expect(await ids('090-1111-0001')).toEqual([yamada]);
    expect(await ids('０９０２２２２')).toEqual([hanako]);
    expect(await ids('9011110')).toEqual([pct, suzuki, yamada]);
    expect(await ids('nobody')).toEqual([]);
    expect((await search(w, '')).data).toHaveLength(4);
  });

  it('pages through contacts newest first with an opaque cursor', async () => {
    const w = await seedWorkspace(t.ctx, 'Paging');
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await create({ phone: `+8190333300${10 + i}` }, w.auth)).json().id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search(w, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/contacts?cursor=garbage',
      headers: w.auth,
    });
    expect(bad.json().error).toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: '/cursor' }] },
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/contacts?limit=0', headers: w.auth })).json().error
        .details.issues[0].path,
    ).toBe('/limit');
  });

  it('PATCH merges attributes (null removes a key) and records the opt-out time', async () => {
    const id = (await create({ phone: '+819044440001', attributes: { plan: 'gold', city: '大阪' } })).json()
      .id;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contacts/${id}`,
      headers: ws.auth,
      payload: { name: '佐藤', attributes: { city: null, vip: true }, consentState: 'opted_out' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: '佐藤',
      attributes: { plan: 'gold', vip: true },
      consentState: 'opted_out',
    });
    expect(res.json().attributes).not.toHaveProperty('city');
    const row = await t.ctx.db
      .selectFrom('contacts')
      .select('marketing_opted_out_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.marketing_opted_out_at?.toISOString()).toBe(t.clock.now().toISOString());
    const back = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contacts/${id}`,
      headers: ws.auth,
      payload: { consentState: 'opted_in' },
    });
    expect(back.json().consentState).toBe('opted_in');
    const row2 = await t.ctx.db
      .selectFrom('contacts')
      .select('marketing_opted_out_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row2.marketing_opted_out_at).toBeNull();
  });

  it('DELETE removes the contact with its conversations and messages', async () => {
    const number = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const { contactId, conversationId } = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '819055550001',
      name: 'Gone',
    });
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/contacts/${contactId}`,
      headers: ws.auth,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}`, headers: ws.auth }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/conversations/${conversationId}`,
          headers: ws.auth,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      await t.ctx.db.selectFrom('messages').select('id').where('contact_id', '=', contactId).execute(),
    ).toEqual([]);
    expect(
      (
        await t.app.inject({ method: 'DELETE', url: `/api/v1/contacts/${contactId}`, headers: ws.auth })
      ).json().error.code,
    ).toBe('not_found');
  });
});
