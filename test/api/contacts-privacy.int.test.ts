import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  seedApiKey,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type TestApp,
} from '../support/app.ts';

describe('privacy: GET /api/v1/contacts/:id/export and POST /api/v1/contacts/:id/erase', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('exports everything about a contact, then erases it leaving no rows and an audit entry without personal data', async () => {
    const ws = await seedWorkspace(t.ctx);
    const number = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const seeded = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '819011118001',
      name: 'Erasable Person',
      text: 'my secret order 42',
    });
    const id = seeded.contactId;
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contacts/${id}`,
      headers: ws.auth,
      payload: { name: '消去 太郎', attributes: { plan: 'gold' } },
    });
    await t.app.inject({ method: 'PUT', url: `/api/v1/contacts/${id}/tags/vip`, headers: ws.auth });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${id}/notes`,
      headers: ws.auth,
      payload: { body: 'called about order 42' },
    });
    // Another contact in the workspace stays untouched.
    const other = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '819011118002',
      text: 'hello',
    });

    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${id}/export`, headers: agent }))
        .statusCode,
    ).toBe(403);
    const foreign = await seedWorkspace(t.ctx);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${id}/erase`, headers: foreign.auth }))
        .statusCode,
    ).toBe(404);

    const exported = await t.app.inject({
      method: 'GET',
      url: `/api/v1/contacts/${id}/export`,
      headers: ws.auth,
    });
    expect(exported.statusCode).toBe(200);
    const data = exported.json();
    expect(data.contact).toMatchObject({
      id,
      name: '消去 太郎',
      attributes: { plan: 'gold' },
      tags: ['vip'],
    });
    expect(data.notes.map((n: { body: string }) => n.body)).toEqual(['called about order 42']);
    expect(data.conversations).toHaveLength(1);
    expect(data.messages).toHaveLength(1);
    expect(JSON.stringify(data.messages[0].content)).toContain('my secret order 42');

    const erased = await t.app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${id}/erase`,
      headers: ws.auth,
    });
    expect(erased.json()).toEqual({ erased: true, conversations: 1, messages: 1 });
    const db = t.ctx.db;
    const count = async (
      table: 'contacts' | 'messages' | 'conversations' | 'contact_tags' | 'contact_notes',
      col: 'id' | 'contact_id',
    ) => (await db.selectFrom(table).select(col).where(col, '=', id).execute()).length;
    expect(await count('contacts', 'id')).toBe(0);
    expect(await count('messages', 'contact_id')).toBe(0);
    expect(await count('conversations', 'contact_id')).toBe(0);
    expect(await count('contact_tags', 'contact_id')).toBe(0);
    expect(await count('contact_notes', 'contact_id')).toBe(0);
    expect(await count('messages', 'contact_id')).toBe(0);
    const kept = await db
      .selectFrom('messages')
      .select('id')
      .where('contact_id', '=', other.contactId)
      .execute();
    expect(kept).toHaveLength(1);

    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit-log?action=contact.erased',
      headers: ws.auth,
    });
    const entries = audit.json().data as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      target: { type: 'contact', id },
      data: { conversations: 1, messages: 1 },
    });
    const text = JSON.stringify(entries[0]);
    for (const personal of ['消去', 'Erasable', '819011118001', 'secret', 'gold'])
      expect(text).not.toContain(personal);

    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/contacts/${id}/erase`, headers: ws.auth }))
        .statusCode,
    ).toBe(404);
  });
});
