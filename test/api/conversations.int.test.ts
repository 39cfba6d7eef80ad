import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RealtimeEvent } from '../../src/contracts/realtime.schemas.ts';
import {
  createTestApp,
  seedInboundConversation,
  seedMember,
  seedPhoneNumber,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

interface Conv {
  id: string;
  status: string;
  assigneeId: string | null;
  phoneNumberId: string;
  unreadCount: number;
  lastMessageAt: string | null;
  windowOpen: boolean;
  windowExpiresAt: string | null;
  snoozedUntil: string | null;
  priority: string;
  contact?: { id: string; name: string | null; profileName: string | null; waId: string };
}

describe('REST /api/v1/conversations', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let numberA: { id: string };
  let numberB: { id: string };
  let agentId: string;
  const convs: string[] = [];

  const patch = (id: string, body: Record<string, unknown>, auth = ws.auth) =>
    t.app.inject({ method: 'PATCH', url: `/api/v1/conversations/${id}`, headers: auth, payload: body });

  /** Every conversation matching `query`, fetched page by page with `limit`. */
  async function all(query: string, limit: number): Promise<{ items: Conv[]; pages: number }> {
    const items: Conv[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/conversations?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
        headers: ws.auth,
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { data: Conv[]; nextCursor: string | null };
      expect(page.data.length).toBeLessThanOrEqual(limit);
      items.push(...page.data);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  /** The expected order: last message time desc, then id desc. */
  const ordered = (items: Conv[]) =>
    [...items]
      .sort(
        (a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '') || b.id.localeCompare(a.id),
      )
      .map((c) => c.id);

  beforeAll(async () => {
    t = await createTestApp();
    ws = await seedWorkspace(t.ctx);
    numberA = await seedPhoneNumber(t.ctx, ws.workspaceId);
    numberB = await seedPhoneNumber(t.ctx, ws.workspaceId);
    agentId = await seedMember(t.ctx, ws.workspaceId, 'agent');
    const base = t.clock.nowMs() - 60 * 60_000;
    for (let i = 0; i < 25; i++) {
      // Pairs share a timestamp, so the id tie-breaker is exercised across page boundaries.
      const { conversationId } = await seedInboundConversation(t.ctx, {
        workspaceId: ws.workspaceId,
        phoneNumberId: i % 3 === 0 ? numberB.id : numberA.id,
        waId: `8190666600${String(i).padStart(2, '0')}`,
        name: `お客様 ${i}`,
        text: `メッセージ ${i}`,
        at: new Date(base + Math.floor(i / 2) * 60_000),
      });
      convs.push(conversationId);
    }
    for (let i = 0; i < 25; i++) {
      const id = convs[i] as string;
      if (i % 4 === 1) expect((await patch(id, { status: 'resolved' })).statusCode).toBe(200);
      if (i % 5 === 2) expect((await patch(id, { assigneeId: agentId })).statusCode).toBe(200);
      if (i % 6 === 3)
        expect(
          (await t.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/read`, headers: ws.auth }))
            .statusCode,
        ).toBe(200);
    }
  });
  afterAll(async () => t.close());

  it('pages through 25 conversations in last-activity order without skipping or repeating', async () => {
    const { items, pages } = await all('', 10);
    expect(pages).toBe(3);
    expect(items).toHaveLength(25);
    expect(new Set(items.map((c) => c.id)).size).toBe(25);
    expect(items.map((c) => c.id)).toEqual(ordered(items));
    expect(items[0]?.id).toBe(convs[24]);
    const seven = await all('', 7);
    expect(seven.items.map((c) => c.id)).toEqual(items.map((c) => c.id));
  });

  it('filters by status, assignee, phone number and unread, combined, across pages', async () => {
    const expectIds = (indexes: number[]) => new Set(indexes.map((i) => convs[i]));
    const idx = (pred: (i: number) => boolean) => [...Array(25).keys()].filter(pred);

    const resolved = await all('status=resolved', 2);
    expect(new Set(resolved.items.map((c) => c.id))).toEqual(expectIds(idx((i) => i % 4 === 1)));
    expect(resolved.items.map((c) => c.id)).toEqual(ordered(resolved.items));

    const mine = await all(`assigneeId=${agentId}`, 2);
    expect(new Set(mine.items.map((c) => c.id))).toEqual(expectIds(idx((i) => i % 5 === 2)));
    const unassigned = await all('assigneeId=none', 10);
    expect(new Set(unassigned.items.map((c) => c.id))).toEqual(expectIds(idx((i) => i % 5 !== 2)));

    const onB = await all(`phoneNumberId=${numberB.id}&status=open`, 3);
    expect(new Set(onB.items.map((c) => c.id))).toEqual(expectIds(idx((i) => i % 3 === 0 && i % 4 !== 1)));
    expect(onB.items.every((c) => c.phoneNumberId === numberB.id && c.status === 'open')).toBe(true);

    const unread = await all('unread=true', 4);
    expect(new Set(unread.items.map((c) => c.id))).toEqual(expectIds(idx((i) => i % 6 !== 3)));
    const read = await all('unread=false', 4);
    expect(new Set(read.items.map((c) => c.id))).toEqual(expectIds(idx((i) => i % 6 === 3)));
  });

  it('rejects bad filters and cursors with validation_failed naming the field', async () => {
    const get = (q: string) =>
      t.app
        .inject({ method: 'GET', url: `/api/v1/conversations?${q}`, headers: ws.auth })
        .then((r) => r.json().error);
    expect((await get('status=closed')).details.issues[0].path).toBe('/status');
    expect((await get('assigneeId=bob')).details.issues[0].path).toBe('/assigneeId');
    expect((await get('unread=yes')).details.issues[0].path).toBe('/unread');
    expect((await get('limit=101')).details.issues[0].path).toBe('/limit');
    expect(await get('cursor=W10')).toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ path: '/cursor' }] },
    });
  });

  it('includes the contact and the 24 h window computed at request time', async () => {
    const w = await seedWorkspace(t.ctx, 'Window');
    const n = await seedPhoneNumber(t.ctx, w.workspaceId);
    const at = new Date(t.clock.nowMs() - 60_000);
    const { conversationId, contactId } = await seedInboundConversation(t.ctx, {
      workspaceId: w.workspaceId,
      phoneNumberId: n.id,
      waId: '819077770001',
      name: '窓口 テスト',
      at,
    });
    const get = async () =>
      (
        await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${conversationId}`, headers: w.auth })
      ).json() as Conv;
    const conv = await get();
    expect(conv).toMatchObject({
      windowOpen: true,
      windowExpiresAt: new Date(at.getTime() + 24 * 3600_000).toISOString(),
      unreadCount: 1,
      status: 'open',
    });
    expect(conv.contact).toMatchObject({ id: contactId, profileName: '窓口 テスト', waId: '819077770001' });
    const listed = (
      await t.app.inject({ method: 'GET', url: '/api/v1/conversations', headers: w.auth })
    ).json().data[0] as Conv;
    expect(listed.contact?.id).toBe(contactId);
    t.clock.advance(24 * 3600_000);
    expect(await get()).toMatchObject({ windowOpen: false, windowExpiresAt: null });
  });

  describe('PATCH', () => {
    it('snoozes only with a future snoozedUntil, and any other status clears it', async () => {
      const id = convs[0] as string;
      const noTime = await patch(id, { status: 'snoozed' });
      expect(noTime.statusCode).toBe(400);
      expect(noTime.json().error).toMatchObject({
        code: 'validation_failed',
        details: { issues: [{ path: '/snoozedUntil' }] },
      });
      expect(
        (
          await patch(id, { status: 'snoozed', snoozedUntil: new Date(t.clock.nowMs() - 1000).toISOString() })
        ).json().error.details.issues[0].path,
      ).toBe('/snoozedUntil');
      expect(
        (await patch(id, { snoozedUntil: new Date(t.clock.nowMs() + 1000).toISOString() })).statusCode,
      ).toBe(400);
      expect((await patch(id, { snoozedUntil: 'tomorrow' })).json().error.details.issues[0].path).toBe(
        '/snoozedUntil',
      );
      const until = new Date(t.clock.nowMs() + 3600_000).toISOString();
      const ok = await patch(id, { status: 'snoozed', snoozedUntil: until, priority: 'high' });
      expect(ok.json()).toMatchObject({ status: 'snoozed', snoozedUntil: until, priority: 'high' });
      const later = new Date(t.clock.nowMs() + 7200_000).toISOString();
      expect((await patch(id, { snoozedUntil: later })).json()).toMatchObject({
        status: 'snoozed',
        snoozedUntil: later,
      });
      expect((await patch(id, { status: 'pending' })).json()).toMatchObject({
        status: 'pending',
        snoozedUntil: null,
        priority: 'high',
      });
    });

    it('assigns only active members who can reply; null unassigns', async () => {
      const id = convs[1] as string;
      const admin = await seedMember(t.ctx, ws.workspaceId, 'admin');
      expect((await patch(id, { assigneeId: admin })).json().assigneeId).toBe(admin);
      const analyst = await seedMember(t.ctx, ws.workspaceId, 'analyst');
      const gone = await seedMember(t.ctx, ws.workspaceId, 'agent', { deactivated: true });
      const other = await seedWorkspace(t.ctx, 'Other');
      const stranger = await seedMember(t.ctx, other.workspaceId, 'agent');
      for (const assigneeId of [analyst, gone, stranger, '0190b6a4-0000-7000-8000-000000000000']) {
        const res = await patch(id, { assigneeId });
        expect(res.statusCode).toBe(422);
        expect(res.json().error).toMatchObject({ code: 'invalid_assignee', details: { assigneeId } });
      }
      expect((await patch(id, { assigneeId: null })).json().assigneeId).toBeNull();
      expect((await patch(id, { assigneeId: 'bob' })).json().error.details.issues[0].path).toBe(
        '/assigneeId',
      );
    });

    it('publishes conversation.updated in the same transaction; POST /read zeroes the unread count', async () => {
      const id = convs[24] as string;
      const events: RealtimeEvent[] = [];
      const unsubscribe = t.ctx.realtime.subscribe(ws.workspaceId, (e) => events.push(e));
      try {
        await patch(id, { status: 'pending', assigneeId: agentId });
        await vi.waitFor(() =>
          expect(events).toContainEqual(
            expect.objectContaining({
              type: 'conversation.updated',
              data: expect.objectContaining({ id, status: 'pending', assigneeId: agentId }),
            }),
          ),
        );
        const read = await t.app.inject({
          method: 'POST',
          url: `/api/v1/conversations/${id}/read`,
          headers: ws.auth,
        });
        expect(read.json()).toMatchObject({ id, unreadCount: 0 });
        await vi.waitFor(() =>
          expect(events).toContainEqual(
            expect.objectContaining({
              type: 'conversation.updated',
              data: expect.objectContaining({ id, unreadCount: 0 }),
            }),
          ),
        );
        const failed = await patch(id, { status: 'snoozed' });
        expect(failed.statusCode).toBe(400);
        expect(
          (await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${id}`, headers: ws.auth })).json()
            .status,
        ).toBe('pending');
      } finally {
        unsubscribe();
      }
    });

    it('unknown conversations are not_found', async () => {
      const missing = '0190b6a4-0000-7000-8000-000000000000';
      expect((await patch(missing, { status: 'open' })).statusCode).toBe(404);
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: `/api/v1/conversations/${missing}/read`,
            headers: ws.auth,
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${missing}`, headers: ws.auth })
        ).json().error.code,
      ).toBe('not_found');
    });
  });
});
