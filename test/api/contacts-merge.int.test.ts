import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactConsentView } from '../../src/contracts/consent.schemas.ts';
import type { ContactMergeDto } from '../../src/contracts/contact-merges.schemas.ts';
import { newId } from '../../src/lib/ids.ts';
import {
  createTestApp,
  seedApiKey,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

describe('contact merge: POST /api/v1/contacts/:id/merge and POST /api/v1/contacts/merges/:mergeId/undo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-01T00:00:00Z' });
  });
  afterAll(async () => t.close());

  const api = async <T = unknown>(
    ws: SeededWorkspace,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload?: object,
  ) => {
    const res = await t.app.inject({
      method,
      url,
      headers: ws.auth,
      ...(payload !== undefined ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json() as T };
  };
  const rowsOf = (contactId: string) =>
    Promise.all([
      t.ctx.db.selectFrom('conversations').select('id').where('contact_id', '=', contactId).execute(),
      t.ctx.db
        .selectFrom('messages')
        .select(['id', 'conversation_id'])
        .where('contact_id', '=', contactId)
        .execute(),
    ]).then(([conversations, messages]) => ({
      conversations: conversations.map((r) => r.id).sort(),
      messages: messages.map((r) => `${r.id}@${r.conversation_id}`).sort(),
    }));

  it('keeps every conversation, message, tag, attribute and consent record, and undo restores both contacts', async () => {
    const ws = await seedWorkspace(t.ctx);
    const n1 = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const n2 = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const a = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: n1.id,
      waId: '819011119001',
      name: '山田 太郎',
      text: 'A on number 1',
    });
    t.clock.advance(60_000);
    const b1 = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: n1.id,
      waId: '819011119002',
      name: 'やまだ たろう',
      text: 'B on number 1',
    });
    const b2 = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: n2.id,
      waId: '819011119002',
      text: 'B on number 2',
    });
    const A = a.contactId;
    const B = b1.contactId;
    await api(ws, 'PATCH', `/api/v1/contacts/${A}`, {
      attributes: { plan: 'gold' },
      consentState: 'opted_in',
    });
    await api(ws, 'PUT', `/api/v1/contacts/${A}/tags/vip`);
    t.clock.advance(60_000);
    await api(ws, 'PATCH', `/api/v1/contacts/${B}`, {
      attributes: { plan: 'free', city: 'Osaka' },
      consentState: 'opted_out',
    });
    await api(ws, 'PUT', `/api/v1/contacts/${B}/tags/vip`);
    await api(ws, 'PUT', `/api/v1/contacts/${B}/tags/${encodeURIComponent('購入済み')}`);
    await api(ws, 'POST', `/api/v1/contacts/${B}/notes`, { body: 'called' });
    await api(ws, 'POST', `/api/v1/contacts/${B}/events`, { name: 'order_placed' });
    const beforeA = await rowsOf(A);
    const beforeB = await rowsOf(B);
    expect(beforeB.conversations).toHaveLength(2);

    const dup = await api<{ data: Array<{ contact: { id: string } }> }>(
      ws,
      'GET',
      `/api/v1/contacts/${A}/duplicates`,
    );
    expect(dup.body.data.map((d) => d.contact.id)).toContain(B);

    t.clock.advance(60_000);
    const merged = await api<ContactMergeDto>(ws, 'POST', `/api/v1/contacts/${A}/merge`, {
      sourceContactId: B,
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      survivorId: A,
      sourceId: B,
      undoneAt: null,
      moved: {
        conversations: 1,
        foldedConversations: 1,
        messages: 2,
        tags: ['購入済み'],
        attributes: ['city'],
        attributeConflicts: { plan: 'free' },
        consent: [{ purpose: 'marketing', from: 'opted_in', to: 'opted_out' }],
        notes: 1,
        events: 1,
      },
    });

    // Every conversation and message is the survivor's: B's thread on number 2 as it was, its number-1 messages
    // in A's thread there; B's emptied number-1 thread stays with B.
    const afterA = await rowsOf(A);
    expect(afterA.conversations).toEqual([a.conversationId, b2.conversationId].sort());
    expect(afterA.messages).toEqual(
      [
        `${a.messageId}@${a.conversationId}`,
        `${b1.messageId}@${a.conversationId}`,
        `${b2.messageId}@${b2.conversationId}`,
      ].sort(),
    );
    expect((await rowsOf(B)).conversations).toEqual([b1.conversationId]);
    const survivor = await api<{ tags: string[]; attributes: unknown; consentState: string }>(
      ws,
      'GET',
      `/api/v1/contacts/${A}`,
    );
    expect(survivor.body).toMatchObject({
      tags: ['vip', '購入済み'],
      attributes: { plan: 'gold', city: 'Osaka' },
      consentState: 'opted_out',
    });
    const consent = await api<ContactConsentView>(ws, 'GET', `/api/v1/contacts/${A}/consent`);
    // A's own history, the merge's change, and B's history (kept on B, shown with A).
    expect(consent.body.history.map((h) => h.state)).toEqual(['opted_out', 'opted_out', 'opted_in']);
    const source = await api<{ mergedIntoId?: string }>(ws, 'GET', `/api/v1/contacts/${B}`);
    expect(source.body.mergedIntoId).toBe(A);
    const list = await api<{ data: Array<{ id: string }> }>(ws, 'GET', '/api/v1/contacts');
    expect(list.body.data.map((c) => c.id)).toEqual([A]);
    const preview = await api<{ count: number }>(ws, 'POST', '/api/v1/segments/preview', {
      condition: 'contact.tags has 購入済み',
    });
    expect(preview.body.count).toBe(1);
    const notes = await api<{ data: unknown[] }>(ws, 'GET', `/api/v1/contacts/${A}/notes`);
    expect(notes.body.data).toHaveLength(1);
    const audit = await api<{ data: Array<{ action: string; target: { id: string } }> }>(
      ws,
      'GET',
      '/api/v1/audit-log?action=contact.merged',
    );
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]?.target.id).toBe(A);

    // A later message from B's number is filed under the survivor; it stays there after the undo.
    t.clock.advance(60_000);
    const later = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: n2.id,
      waId: '819011119002',
      text: 'after the merge',
    });
    expect(later.contactId).toBe(A);
    expect(later.conversationId).toBe(b2.conversationId);
    await api(ws, 'PUT', `/api/v1/contacts/${A}/tags/later`);

    const merges = await api<{ data: ContactMergeDto[] }>(ws, 'GET', `/api/v1/contacts/${A}/merges`);
    expect(merges.body.data.map((m) => m.id)).toEqual([merged.body.id]);

    const undone = await api<ContactMergeDto>(ws, 'POST', `/api/v1/contacts/merges/${merged.body.id}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body.undoneAt).not.toBeNull();
    expect(await rowsOf(B)).toEqual(beforeB);
    // B's number-2 thread went back with it, except the message that came after the merge (the survivor's now).
    expect((await rowsOf(A)).messages).toEqual(
      [...beforeA.messages, `${later.messageId}@${b2.conversationId}`].sort(),
    );
    const backA = await api<{ tags: string[]; attributes: unknown; consentState: string }>(
      ws,
      'GET',
      `/api/v1/contacts/${A}`,
    );
    expect(backA.body).toMatchObject({
      tags: ['later', 'vip'],
      attributes: { plan: 'gold' },
      consentState: 'opted_in',
    });
    const backB = await api<{
      tags: string[];
      attributes: unknown;
      consentState: string;
      mergedIntoId?: string;
    }>(ws, 'GET', `/api/v1/contacts/${B}`);
    expect(backB.body).toMatchObject({
      tags: ['vip', '購入済み'],
      attributes: { plan: 'free', city: 'Osaka' },
      consentState: 'opted_out',
    });
    expect(backB.body.mergedIntoId).toBeUndefined();
    expect((await api<{ data: unknown[] }>(ws, 'GET', `/api/v1/contacts/${B}/notes`)).body.data).toHaveLength(
      1,
    );
    expect(
      (await api<{ data: unknown[] }>(ws, 'GET', '/api/v1/audit-log?action=contact.merge_undone')).body.data,
    ).toHaveLength(1);
    const again = await api<{ error: { code: string } }>(
      ws,
      'POST',
      `/api/v1/contacts/merges/${merged.body.id}/undo`,
    );
    expect([again.status, again.body.error.code]).toEqual([409, 'merge_already_undone']);
  });

  it('refuses merging a contact into itself or a merged contact, hides other workspaces, and is for admins', async () => {
    const ws = await seedWorkspace(t.ctx);
    const n = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const seed = (waId: string) =>
      seedInboundConversation(t.ctx, { workspaceId: ws.workspaceId, phoneNumberId: n.id, waId }).then(
        (s) => s.contactId,
      );
    const [A, B, C] = [await seed('819011129001'), await seed('819011129002'), await seed('819011129003')];
    const code = async (url: string, payload?: object, headers = ws.auth) => {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers,
        ...(payload !== undefined ? { payload } : {}),
      });
      return [res.statusCode, (res.json() as { error?: { code: string } }).error?.code ?? 'ok'];
    };
    expect(await code(`/api/v1/contacts/${A}/merge`, { sourceContactId: A })).toEqual([
      422,
      'merge_same_contact',
    ]);
    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    expect(await code(`/api/v1/contacts/${A}/merge`, { sourceContactId: B }, agent)).toEqual([
      403,
      'forbidden',
    ]);
    const foreign = await seedWorkspace(t.ctx);
    const fn = await seedPhoneNumber(t.ctx, foreign.workspaceId);
    const F = (
      await seedInboundConversation(t.ctx, {
        workspaceId: foreign.workspaceId,
        phoneNumberId: fn.id,
        waId: '819011129009',
      })
    ).contactId;
    expect(await code(`/api/v1/contacts/${A}/merge`, { sourceContactId: F })).toEqual([404, 'not_found']);
    expect(await code(`/api/v1/contacts/${F}/merge`, { sourceContactId: A })).toEqual([404, 'not_found']);
    expect(await code(`/api/v1/contacts/${A}/merge`, { sourceContactId: B })).toEqual([200, 'ok']);
    expect(await code(`/api/v1/contacts/${C}/merge`, { sourceContactId: B })).toEqual([
      409,
      'contact_already_merged',
    ]);
    expect(await code(`/api/v1/contacts/${B}/merge`, { sourceContactId: C })).toEqual([
      409,
      'contact_already_merged',
    ]);
    const merge = await t.ctx.db
      .selectFrom('contact_merges')
      .select('id')
      .where('survivor_id', '=', A)
      .executeTakeFirstOrThrow();
    expect(await code(`/api/v1/contacts/merges/${merge.id}/undo`, undefined, foreign.auth)).toEqual([
      404,
      'not_found',
    ]);
    // A survivor merged on into another contact: its own merges wait until that one is undone.
    expect(await code(`/api/v1/contacts/${C}/merge`, { sourceContactId: A })).toEqual([200, 'ok']);
    expect(await code(`/api/v1/contacts/merges/${merge.id}/undo`)).toEqual([409, 'merge_not_undoable']);
  });
  it('moves campaign ledger rows for campaigns the survivor was not in, keeps both rows where both were, and undo gives them back', async () => {
    const ws = await seedWorkspace(t.ctx);
    const n = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const seed = (waId: string) =>
      seedInboundConversation(t.ctx, { workspaceId: ws.workspaceId, phoneNumberId: n.id, waId }).then(
        (s) => s.contactId,
      );
    const [A, B] = [await seed('819011139001'), await seed('819011139002')];
    const now = t.clock.now();
    const campaign = async () => {
      const id = newId();
      await t.ctx.db
        .insertInto('campaigns')
        .values({
          id,
          workspace_id: ws.workspaceId,
          name: id,
          status: 'completed',
          phone_number_ids: JSON.stringify([n.id]),
          template: JSON.stringify({ name: 'hello_world', language: 'en_US', variables: [] }),
          audience: JSON.stringify({ contactIds: [A, B] }),
          exclusions: JSON.stringify({ segmentIds: [], frequencyCap: null, requireOptIn: null }),
          schedule: JSON.stringify({ kind: 'now' }),
          quiet_hours: JSON.stringify({}),
          limits: JSON.stringify({ hourlyCap: null, ramp: null }),
          created_at: now,
          updated_at: now,
        })
        .execute();
      return id;
    };
    const [both, onlyB] = [await campaign(), await campaign()];
    const ledger = (campaignId: string, contactId: string, status: 'sent' | 'read') => ({
      workspace_id: ws.workspaceId,
      campaign_id: campaignId,
      contact_id: contactId,
      status,
      created_at: now,
      updated_at: now,
    });
    await t.ctx.db
      .insertInto('campaign_recipients')
      .values([ledger(both, A, 'sent'), ledger(both, B, 'read'), ledger(onlyB, B, 'read')])
      .execute();
    const rows = () =>
      t.ctx.db
        .selectFrom('campaign_recipients')
        .select(['campaign_id', 'contact_id', 'status'])
        .where('workspace_id', '=', ws.workspaceId)
        .orderBy('campaign_id')
        .orderBy('contact_id')
        .execute();
    const before = await rows();
    const merged = await api<ContactMergeDto>(ws, 'POST', `/api/v1/contacts/${A}/merge`, {
      sourceContactId: B,
    });
    expect(merged.body.moved).toMatchObject({ campaignRecipients: 1, campaignRecipientsKept: 1 });
    expect(await rows()).toEqual(
      [
        { campaign_id: both, contact_id: A, status: 'sent' },
        { campaign_id: both, contact_id: B, status: 'read' },
        { campaign_id: onlyB, contact_id: A, status: 'read' },
      ].sort((x, y) => (x.campaign_id + x.contact_id < y.campaign_id + y.contact_id ? -1 : 1)),
    );
    expect((await api(ws, 'POST', `/api/v1/contacts/merges/${merged.body.id}/undo`)).status).toBe(200);
    expect(await rows()).toEqual(before);
  });
  it('undo keeps what changed on the survivor after the merge: a later consent and a changed attribute', async () => {
    const ws = await seedWorkspace(t.ctx);
    const n = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const seed = (waId: string) =>
      seedInboundConversation(t.ctx, { workspaceId: ws.workspaceId, phoneNumberId: n.id, waId }).then(
        (s) => s.contactId,
      );
    const [A, B] = [await seed('819011149001'), await seed('819011149002')];
    await api(ws, 'PATCH', `/api/v1/contacts/${A}`, { consentState: 'opted_in' });
    t.clock.advance(1_000);
    await api(ws, 'PATCH', `/api/v1/contacts/${B}`, {
      consentState: 'opted_out',
      attributes: { plan: 'free' },
    });
    const merged = await api<ContactMergeDto>(ws, 'POST', `/api/v1/contacts/${A}/merge`, {
      sourceContactId: B,
    });
    const get = () => api<{ consentState: string; attributes: unknown }>(ws, 'GET', `/api/v1/contacts/${A}`);
    expect((await get()).body).toMatchObject({ consentState: 'opted_out', attributes: { plan: 'free' } });
    t.clock.advance(1_000);
    await api(ws, 'PATCH', `/api/v1/contacts/${A}`, {
      consentState: 'opted_in',
      attributes: { plan: 'gold' },
    });
    await api(ws, 'POST', `/api/v1/contacts/merges/${merged.body.id}/undo`);
    expect((await get()).body).toMatchObject({ consentState: 'opted_in', attributes: { plan: 'gold' } });
    const history = (await api<ContactConsentView>(ws, 'GET', `/api/v1/contacts/${A}/consent`)).body.history;
    // A's opt-in, the merge's opt-out, A's later opt-in; nothing recorded by the undo; B's history is B's again.
    expect(history.map((h) => h.state)).toEqual(['opted_in', 'opted_out', 'opted_in']);
  });
});
