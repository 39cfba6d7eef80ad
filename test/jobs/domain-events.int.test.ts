import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.ts';
import { DomainEvents, defineListener } from '../../src/server/domain-events/domain-events.service.ts';
import type { DomainEvent } from '../../src/server/domain-events/domain-events.schemas.ts';
import { LISTENERS } from '../../src/server/domain-events/listeners.catalog.ts';
import { applyStatuses } from '../../src/server/modules/messages/message-status.service.ts';
import { applyInboundMessages } from '../../src/server/pipeline/inbound-apply.ts';
import {
  createTestApp,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type TestApp,
} from '../support/app.ts';

const jobsNamed = (t: TestApp, name: string) =>
  t.ctx.db
    .selectFrom('jobs')
    .select(['workspace_id', 'payload', 'dedupe_key'])
    .where('name', '=', name)
    .orderBy('created_at')
    .execute();

describe('domain events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-05T01:00:00.000Z' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a listener gets one job per event it wants, in the publishing transaction, filtered by workspace', async () => {
    const on = await seedWorkspace(t.ctx, 'listening');
    const off = await seedWorkspace(t.ctx, 'not listening');
    const seen: string[][] = [];
    const events = new DomainEvents([
      defineListener({
        name: 'test',
        on: ['contact.created'],
        job: 'maintenance.purge',
        payload: (e) => (e.data.contactId.endsWith('0') ? null : { scheduledFor: new Date(0).toISOString() }),
        async workspaces(_db, ids) {
          seen.push(ids);
          return new Set(ids.filter((id) => id === on.workspaceId));
        },
      }),
    ]);
    const created = (workspaceId: string, contactId: string): DomainEvent<'contact.created'> => ({
      type: 'contact.created',
      workspaceId,
      key: contactId,
      data: { contactId },
    });
    const a = newId().slice(0, -1) + '1';
    const b = newId().slice(0, -1) + '0';
    const c = newId().slice(0, -1) + '2';
    await t.ctx.db.transaction().execute(async (tx) => {
      await events.publish(tx, t.clock, [
        created(on.workspaceId, a),
        created(on.workspaceId, b),
        created(off.workspaceId, c),
      ]);
      // The same fact published again (a retried handler, a replay) is delivered once.
      await events.publish(tx, t.clock, [created(on.workspaceId, a)]);
    });
    // A publication in a rolled-back transaction delivers nothing.
    await t.ctx.db
      .transaction()
      .execute(async (tx) => {
        await events.publish(tx, t.clock, [created(on.workspaceId, c)]);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    const jobs = await jobsNamed(t, 'maintenance.purge');
    expect(jobs.map((j) => j.dedupe_key)).toEqual([`test:contact.created:${a}`]);
    expect(jobs[0]?.workspace_id).toBe(on.workspaceId);
    // The workspace filter ran once per publication, over the workspaces of the events the listener wanted.
    expect(seen[0]?.sort()).toEqual([on.workspaceId, off.workspaceId].sort());
  });

  it('a batched listener gets one job per workspace per publication, carrying every event it wants', async () => {
    const one = await seedWorkspace(t.ctx, 'batched one');
    const two = await seedWorkspace(t.ctx, 'batched two');
    const events = new DomainEvents([
      defineListener({
        name: 'batched',
        on: ['message.received'],
        job: 'consent.keyword',
        payload: (e) => (e.data.type === 'text' ? { messageId: e.data.messageId } : null),
        batch: (payloads) => ({ messageIds: payloads.flatMap((p) => (p.messageId ? [p.messageId] : [])) }),
      }),
    ]);
    const received = (workspaceId: string, type: string): DomainEvent<'message.received'> => {
      const messageId = newId();
      return {
        type: 'message.received',
        workspaceId,
        key: messageId,
        data: { messageId, conversationId: newId(), contactId: newId(), phoneNumberId: newId(), type },
      };
    };
    const batch = [
      received(one.workspaceId, 'text'),
      received(two.workspaceId, 'text'),
      received(one.workspaceId, 'image'),
      received(one.workspaceId, 'text'),
    ];
    await t.ctx.db.transaction().execute(async (tx) => {
      await events.publish(tx, t.clock, batch);
      // The same publication again (a retried ingest batch) is delivered once.
      await events.publish(tx, t.clock, batch);
    });
    const jobs = (await jobsNamed(t, 'consent.keyword')).filter((j) =>
      [one.workspaceId, two.workspaceId].includes(j.workspace_id as string),
    );
    expect(jobs).toHaveLength(2);
    const of = (ws: string) => jobs.find((j) => j.workspace_id === ws)?.payload;
    expect(of(one.workspaceId)).toEqual({ messageIds: [batch[0]?.data.messageId, batch[3]?.data.messageId] });
    expect(of(two.workspaceId)).toEqual({ messageIds: [batch[1]?.data.messageId] });
  });

  it('automation listens to message.received through the catalog: one job per new customer message, only where automation is on', async () => {
    expect(LISTENERS.map((l) => l.name)).toContain('automation');
    const ws = await seedWorkspace(t.ctx, 'automation on');
    const quiet = await seedWorkspace(t.ctx, 'automation off');
    await t.ctx.db
      .insertInto('automation_settings')
      .values({
        workspace_id: ws.workspaceId,
        enabled: true,
        active_version: 1,
        updated_at: t.clock.now(),
      })
      .execute();
    const n1 = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const n2 = await seedPhoneNumber(t.ctx, quiet.workspaceId);
    const m1 = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: n1.id,
      waId: '819011110001',
    });
    await seedInboundConversation(t.ctx, {
      workspaceId: quiet.workspaceId,
      phoneNumberId: n2.id,
      waId: '819011110002',
    });
    const jobs = await jobsNamed(t, 'automation.inbound');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.payload).toEqual({ messageId: m1.messageId });
    expect(jobs[0]?.dedupe_key).toBe(`automation:message.received:${m1.messageId}`);

    // A webhook delivered twice stores the message once, so the listener hears of it once.
    const number = await t.ctx.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('id', '=', n1.id)
      .executeTakeFirstOrThrow();
    const item = {
      number,
      wamid: 'wamid.DOMAIN-EVENTS-1',
      from: '819011110003',
      profileName: null,
      timestamp: Math.floor(t.clock.nowMs() / 1000),
      type: 'text',
      content: { type: 'text', text: { body: '返品したい' } },
    };
    for (let i = 0; i < 2; i++)
      await t.ctx.db.transaction().execute((tx) => applyInboundMessages(tx, t.clock, [item, item]));
    expect(await jobsNamed(t, 'automation.inbound')).toHaveLength(2);
    // Reactions are never for automation.
    await t.ctx.db.transaction().execute((tx) =>
      applyInboundMessages(tx, t.clock, [
        {
          ...item,
          wamid: 'wamid.DOMAIN-EVENTS-2',
          type: 'reaction',
          content: { type: 'reaction', reaction: { message_id: 'x', emoji: '👍' } },
        },
      ]),
    );
    expect(await jobsNamed(t, 'automation.inbound')).toHaveLength(2);
  });

  it('a status that moves a message publishes message.status_changed once (a duplicate webhook does not)', async () => {
    const ws = await seedWorkspace(t.ctx, 'statuses');
    const n = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const conv = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: n.id,
      waId: '819011110009',
    });
    const id = newId();
    await t.ctx.db
      .insertInto('messages')
      .values({
        id,
        workspace_id: ws.workspaceId,
        conversation_id: conv.conversationId,
        phone_number_id: n.id,
        contact_id: conv.contactId,
        direction: 'outbound',
        type: 'text',
        content: JSON.stringify({ type: 'text', text: { body: 'hi' } }),
        status: 'accepted',
        origin: 'agent',
        wamid: 'wamid.STATUS-1',
        occurred_at: t.clock.now(),
        created_at: t.clock.now(),
      })
      .execute();
    const probe = new DomainEvents([
      defineListener({
        name: 'probe',
        on: ['message.status_changed'],
        job: 'maintenance.purge',
        payload: () => ({ scheduledFor: new Date(0).toISOString() }),
      }),
    ]);
    const status = {
      phoneNumberId: n.phoneNumberId,
      wamid: 'wamid.STATUS-1',
      status: 'delivered',
      timestamp: Math.floor(t.clock.nowMs() / 1000),
      bizOpaqueCallbackData: null,
      errors: null,
      pricing: null,
    };
    const read = { ...status, status: 'read', timestamp: status.timestamp + 5 };
    // delivered twice (a duplicate webhook), then read, then a late duplicate of delivered.
    for (const s of [status, status, read, status])
      await t.ctx.db.transaction().execute((tx) => applyStatuses(tx, t.clock, [s], probe));
    const jobs = await jobsNamed(t, 'maintenance.purge');
    const keys = jobs.map((j) => j.dedupe_key).filter((k) => k?.startsWith('probe:'));
    expect(keys).toEqual([
      `probe:message.status_changed:${id}:delivered`,
      `probe:message.status_changed:${id}:read`,
    ]);
    const row = await t.ctx.db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('read');
  });
});
