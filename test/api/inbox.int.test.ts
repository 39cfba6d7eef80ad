import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDto, ContactDto, ConversationDto } from '../../src/contracts/api.schemas.ts';
import {
  createTestApp,
  seedApiKey,
  seedInboundConversation,
  seedMember,
  seedPhoneNumber,
  seedWorkspace,
  type TestApp,
} from '../support/app.ts';

/** The shared inbox's collaboration API: views, filters, search, tags, notes, activity, teams, waiting time. */
describe('inbox API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T01:00:00.000Z' });
  });
  afterAll(async () => t?.close());

  const call = async <T>(
    auth: { authorization: string },
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const res = await t.app.inject({
      method,
      url,
      headers: auth,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: res.statusCode, body: (res.body ? res.json() : null) as T };
  };

  async function setup() {
    const ws = await seedWorkspace(t.ctx);
    const pn = await seedPhoneNumber(t.ctx, ws.workspaceId, { displayPhoneNumber: '+81 3-1111-2222' });
    const a = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: pn.id,
      waId: '819011110001',
      name: '佐藤 花子',
      text: '返品の方法を教えてください',
    });
    t.clock.advance(1000);
    const b = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: pn.id,
      waId: '819011110002',
      name: 'John Smith',
      text: 'Where is my order?',
    });
    return { ws, pn, a, b };
  }

  it('lists views mine/unassigned/all, filters by team and tag, and searches names and message text', async () => {
    const { ws, a, b } = await setup();
    const agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    const team = await call<{ id: string; memberIds: string[] }>(ws.auth, 'POST', '/api/v1/teams', {
      name: 'Sales',
      memberIds: [agentId],
    });
    expect(team.status).toBe(201);
    expect(team.body.memberIds).toEqual([agentId]);
    expect(
      (
        await call(ws.auth, 'PATCH', `/api/v1/conversations/${a.conversationId}`, {
          assigneeId: agentId,
          teamId: team.body.id,
        })
      ).status,
    ).toBe(200);
    expect((await call(ws.auth, 'PUT', `/api/v1/contacts/${b.contactId}/tags/VIP`)).status).toBe(200);

    const ids = async (qs: string) =>
      (await call<{ data: ConversationDto[] }>(ws.auth, 'GET', `/api/v1/conversations?${qs}`)).body.data.map(
        (c) => c.id,
      );
    expect(await ids('view=all')).toEqual([b.conversationId, a.conversationId]);
    expect(await ids('view=unassigned')).toEqual([b.conversationId]);
    expect(await ids(`teamId=${team.body.id}`)).toEqual([a.conversationId]);
    expect(await ids('tag=VIP')).toEqual([b.conversationId]);
    expect(await ids(`q=${encodeURIComponent('返品')}`)).toEqual([a.conversationId]);
    expect(await ids(`q=${encodeURIComponent('花子')}`)).toEqual([a.conversationId]);
    expect(await ids('q=ORDER')).toEqual([b.conversationId]);
    expect(await ids('q=0002')).toEqual([b.conversationId]);
    expect(await ids(`contactId=${a.contactId}`)).toEqual([a.conversationId]);
    // An API key has no "mine".
    const mine = await call<{ error: { code: string } }>(ws.auth, 'GET', '/api/v1/conversations?view=mine');
    expect(mine.status).toBe(400);

    const list = await call<{ data: ConversationDto[] }>(ws.auth, 'GET', '/api/v1/conversations');
    const row = list.body.data.find((c) => c.id === b.conversationId)!;
    expect(row.contact?.tags).toEqual(['VIP']);
    expect(row.phoneNumber).toEqual({ displayPhoneNumber: '+81 3-1111-2222', label: null });
    expect(row.waitingSince).toBe('2026-03-02T01:00:01.000Z');
  });

  it('clears the waiting time when an agent answers', async () => {
    const { ws, a } = await setup();
    const sent = await call(ws.auth, 'POST', `/api/v1/conversations/${a.conversationId}/messages`, {
      type: 'text',
      text: { body: 'こちらの手順でどうぞ' },
    });
    expect(sent.status).toBe(202);
    const conv = await call<ConversationDto>(ws.auth, 'GET', `/api/v1/conversations/${a.conversationId}`);
    expect(conv.body.waitingSince).toBeNull();
  });

  it('logs every change with its author, adds internal notes, and pages the activity newest first', async () => {
    const { ws, a } = await setup();
    const agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    await call(ws.auth, 'PATCH', `/api/v1/conversations/${a.conversationId}`, {
      assigneeId: agentId,
      priority: 'high',
    });
    t.clock.advance(1000);
    await call(ws.auth, 'PATCH', `/api/v1/conversations/${a.conversationId}`, { status: 'resolved' });
    t.clock.advance(1000);
    const note = await call<ActivityDto>(ws.auth, 'POST', `/api/v1/conversations/${a.conversationId}/notes`, {
      body: '<b>VIP</b> customer — call back',
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ kind: 'note', body: '<b>VIP</b> customer — call back' });

    const page1 = await call<{ data: ActivityDto[]; nextCursor: string }>(
      ws.auth,
      'GET',
      `/api/v1/conversations/${a.conversationId}/activities?limit=2`,
    );
    expect(page1.body.data.map((x) => x.kind)).toEqual(['note', 'status']);
    expect(page1.body.data[1]!.data).toMatchObject({ from: 'open', to: 'resolved' });
    const page2 = await call<{ data: ActivityDto[]; nextCursor: null }>(
      ws.auth,
      'GET',
      `/api/v1/conversations/${a.conversationId}/activities?limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.data.map((x) => x.kind).sort()).toEqual(['assigned', 'priority']);
    expect(page2.body.data.find((x) => x.kind === 'assigned')!.data).toEqual({ from: null, to: agentId });
    expect(page2.body.nextCursor).toBeNull();

    // Notes never go to WhatsApp: no message row was queued.
    const messages = await t.ctx.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', a.conversationId)
      .where('direction', '=', 'outbound')
      .execute();
    expect(messages).toHaveLength(0);
  });

  it('refuses a team of another workspace and members who are not in the workspace', async () => {
    const { ws, a } = await setup();
    const other = await seedWorkspace(t.ctx, 'Other');
    const foreign = await call<{ id: string }>(other.auth, 'POST', '/api/v1/teams', { name: 'Support' });
    const res = await call<{ error: { code: string } }>(
      ws.auth,
      'PATCH',
      `/api/v1/conversations/${a.conversationId}`,
      {
        teamId: foreign.body.id,
      },
    );
    expect(res.status).toBe(400);
    const outsider = await seedMember(t.ctx, other.workspaceId, 'agent');
    const bad = await call<{ error: { code: string } }>(ws.auth, 'POST', '/api/v1/teams', {
      name: 'X',
      memberIds: [outsider],
    });
    expect(bad.status).toBe(400);
    await call(ws.auth, 'POST', '/api/v1/teams', { name: 'Support' });
    const dup = await call<{ error: { code: string } }>(ws.auth, 'POST', '/api/v1/teams', {
      name: 'support',
    });
    expect(dup.status).toBe(409);
  });

  it('tags contacts idempotently, counts tags, keeps contact notes, and scopes all of it to the workspace', async () => {
    const { ws, a, b } = await setup();
    for (const [id, tag] of [
      [a.contactId, '常連'],
      [a.contactId, '常連'],
      [b.contactId, '常連'],
      [b.contactId, 'VIP'],
    ] as const)
      expect(
        (await call(ws.auth, 'PUT', `/api/v1/contacts/${id}/tags/${encodeURIComponent(tag)}`)).status,
      ).toBe(200);
    const removed = await call<ContactDto>(ws.auth, 'DELETE', `/api/v1/contacts/${b.contactId}/tags/VIP`);
    expect(removed.body.tags).toEqual(['常連']);
    const tags = await call<{ data: Array<{ name: string; count: number }> }>(ws.auth, 'GET', '/api/v1/tags');
    expect(tags.body.data).toEqual([{ name: '常連', count: 2 }]);
    const contact = await call<ContactDto>(ws.auth, 'GET', `/api/v1/contacts/${a.contactId}`);
    expect(contact.body.tags).toEqual(['常連']);

    const note = await call(ws.auth, 'POST', `/api/v1/contacts/${a.contactId}/notes`, {
      body: 'Prefers LINE in the evening',
    });
    expect(note.status).toBe(201);
    const notes = await call<{ data: Array<{ body: string }> }>(
      ws.auth,
      'GET',
      `/api/v1/contacts/${a.contactId}/notes`,
    );
    expect(notes.body.data.map((n) => n.body)).toEqual(['Prefers LINE in the evening']);

    const other = await seedWorkspace(t.ctx, 'Other');
    expect((await call(other.auth, 'PUT', `/api/v1/contacts/${a.contactId}/tags/x`)).status).toBe(404);
    expect((await call(other.auth, 'GET', `/api/v1/contacts/${a.contactId}/notes`)).status).toBe(404);
    expect(
      (await call(other.auth, 'POST', `/api/v1/conversations/${a.conversationId}/notes`, { body: 'x' }))
        .status,
    ).toBe(404);
    expect((await call<{ data: unknown[] }>(other.auth, 'GET', '/api/v1/tags')).body.data).toEqual([]);
    const analyst = await seedApiKey(t.ctx, ws.workspaceId, 'analyst');
    expect((await call(analyst, 'PUT', `/api/v1/contacts/${a.contactId}/tags/x`)).status).toBe(403);
    expect((await call(ws.auth, 'PUT', `/api/v1/contacts/${a.contactId}/tags/%01bad`)).status).toBe(400);
  });

  it('manages quick replies (admins write, agents read; shortcuts unique per workspace)', async () => {
    const { ws } = await setup();
    const created = await call<{ id: string }>(ws.auth, 'POST', '/api/v1/quick-replies', {
      shortcut: 'henpin',
      title: '返品について',
      body: '返品は到着後7日以内に承ります。',
    });
    expect(created.status).toBe(201);
    const dup = await call<{ error: { code: string } }>(ws.auth, 'POST', '/api/v1/quick-replies', {
      shortcut: 'HENPIN',
      title: 'x',
      body: 'y',
    });
    expect(dup.status).toBe(409);
    expect(
      (await call(ws.auth, 'POST', '/api/v1/quick-replies', { shortcut: 'a b', title: 'x', body: 'y' }))
        .status,
    ).toBe(400);
    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    expect((await call<{ data: unknown[] }>(agent, 'GET', '/api/v1/quick-replies')).body.data).toHaveLength(
      1,
    );
    expect(
      (await call(agent, 'PATCH', `/api/v1/quick-replies/${created.body.id}`, { title: 'z' })).status,
    ).toBe(403);
    const patched = await call<{ title: string }>(
      ws.auth,
      'PATCH',
      `/api/v1/quick-replies/${created.body.id}`,
      { title: '返品' },
    );
    expect(patched.body.title).toBe('返品');
    expect((await call(ws.auth, 'DELETE', `/api/v1/quick-replies/${created.body.id}`)).status).toBe(204);
    expect((await call(ws.auth, 'DELETE', `/api/v1/quick-replies/${created.body.id}`)).status).toBe(404);
  });
});
