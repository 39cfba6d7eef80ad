/**
 * Lifecycle reminders end to end: contact events and campaign reads through the API and the simulator over real
 * HTTP, scheduled runs through the scheduler with a fake clock (starts Monday 2026-03-02 01:00Z, 10:00 in Tokyo),
 * jobs drained. One reminder per trigger whatever reruns happen, marketing never to opted-out contacts, nothing sent
 * outside sending hours in the contact's zone, nothing across workspaces, and the tag rules' role policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReminderDto } from '../../src/contracts/reminders.schemas.ts';
import { runReminder } from '../../src/server/modules/reminders/reminders.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { seedApiKey } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129342202';
const HOUR = 3_600_000;
const MINUTE = 60_000;
type Err = { error: { code: string } };

describe('lifecycle reminders', () => {
  let s: RunningTsunagi;
  let numberId: string;
  let cloudNumberId: string;
  let other: { workspaceId: string; auth: { authorization: string } };

  const sentTemplates = (waId: string, name: string) =>
    s.t
      .simulator!.sent({ to: waId })
      .filter((r) => r.phoneNumberId === cloudNumberId && r.type === 'template')
      .map((r) => r.body as { template: { name: string; components?: { parameters: { text: string }[] }[] } })
      .filter((b) => b.template.name === name);
  /** Reminder messages of a contact, as rows (when they were queued). */
  const reminderMessages = (contactId: string) =>
    s.t.ctx.db
      .selectFrom('messages')
      .select(['created_at', 'idempotency_key', 'lane'])
      .where('contact_id', '=', contactId)
      .where('idempotency_key', 'like', 'reminder:%')
      .execute();
  /** Moves the fake clock and lets everything due happen (scheduler tick, jobs, sends, webhooks). */
  const advance = async (ms: number) => {
    s.clock.advance(ms);
    await s.t.scheduler.tick();
    await s.t.drain();
    await s.t.simulator!.flush();
    await s.t.drain();
  };
  const contact = async (waId: string, body: Record<string, unknown> = {}, auth = s.auth) => {
    const res = await s.api<{ id: string }>('POST', '/api/v1/contacts', { phone: `+${waId}`, ...body }, auth);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  const event = async (id: string, name: string, auth = s.auth) => {
    const res = await s.api(
      'POST',
      `/api/v1/contacts/${id}/events`,
      { name, at: s.clock.now().toISOString() },
      auth,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const create = async (body: Record<string, unknown>) => {
    const res = await s.api<ReminderDto>('POST', '/api/v1/reminders', {
      phoneNumberId: numberId,
      template: {
        name: 'restock',
        language: 'ja',
        variables: [{ source: { kind: 'field', field: 'name' }, fallback: 'お客様' }],
      },
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const get = async (id: string) => (await s.api<ReminderDto>('GET', `/api/v1/reminders/${id}`)).body;

  beforeAll(async () => {
    s = await startTestTsunagi();
    s.t.simulator!.addTemplate(WABA, {
      name: 'restock',
      language: 'ja',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: '{{1}}様、そろそろ補充の時期です', example: { body_text: [['田中']] } },
      ],
    });
    for (const name of ['trial_tip', 'come_back', 'spring_sale'])
      s.t.simulator!.addTemplate(WABA, {
        name,
        language: 'ja',
        category: 'MARKETING',
        components: [{ type: 'BODY', text: 'お知らせです' }],
      });
    const number = await s.addNumber({ wabaId: WABA });
    numberId = number.id;
    cloudNumberId = number.phoneNumberId;
    const ws = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other shop' });
    other = { workspaceId: ws.workspaceId, auth: { authorization: `Bearer ${ws.apiKey}` } };
    await s.t.scheduler.tick(); // first sight: schedules wait for their next period
  });
  afterAll(async () => s?.close());

  it('sends one template exactly delayHours after the latest event, once per trigger, never to the opted-out', async () => {
    const r = await create({
      name: 'Restock',
      trigger: { kind: 'event', event: 'order_placed', delayHours: 24 },
    });
    expect(r).toMatchObject({ enabled: true, lastRun: null, totals: { sent: 0, skipped: {} } });
    const wa = { a: '819022220001', b: '819022220002', c: '819022220003', o: '819022220004' };
    const a = await contact(wa.a, { name: '田中' });
    const b = await contact(wa.b);
    const c = await contact(wa.c, { consentState: 'opted_out' });
    const o = await contact(wa.o, {}, other.auth); // same number in another workspace, same event
    const start = s.clock.now().getTime(); // 01:00Z = 10:00 in Tokyo
    for (const id of [a, b, c]) await event(id, 'order_placed');
    await event(o, 'order_placed', other.auth);

    // B orders again 11 hours later: its clock restarts from the newer order.
    await advance(11 * HOUR);
    await event(b, 'order_placed');

    // One minute before the 24 hours: nothing.
    await advance(13 * HOUR - MINUTE);
    expect(sentTemplates(wa.a, 'restock')).toHaveLength(0);
    // At 24 hours: A gets the template (queued at that instant, bulk lane), filled from the contact.
    await advance(MINUTE);
    expect(
      sentTemplates(wa.a, 'restock').map((x) => x.template.components?.[0]?.parameters[0]?.text),
    ).toEqual(['田中']);
    const [msg] = await reminderMessages(a);
    expect(msg?.created_at.toISOString()).toBe(new Date(start + 24 * HOUR).toISOString());
    expect(msg?.lane).toBe('bulk');
    // The opted-out contact gets no marketing template; B's newer order is not due yet; the other workspace's
    // contact is not this workspace's reminder's.
    expect(sentTemplates(wa.c, 'restock')).toHaveLength(0);
    expect(sentTemplates(wa.b, 'restock')).toHaveLength(0);
    expect(sentTemplates(wa.o, 'restock')).toHaveLength(0);
    expect((await get(r.id)).lastRun).toMatchObject({ sent: 1, skipped: { opted_out: 1 }, deferred: 0 });

    // The run done again (twice, and a duplicate job): still one message per trigger.
    await runReminder({ db: s.t.ctx.db, clock: s.clock }, s.workspaceId, r.id);
    await runReminder({ db: s.t.ctx.db, clock: s.clock }, s.workspaceId, r.id);
    await advance(5 * MINUTE);
    expect(sentTemplates(wa.a, 'restock')).toHaveLength(1);
    expect(await reminderMessages(a)).toHaveLength(1);

    // 24 hours after B's newer order, B gets exactly one.
    await advance(11 * HOUR - 10 * MINUTE);
    expect(sentTemplates(wa.b, 'restock')).toHaveLength(0);
    await advance(5 * MINUTE);
    expect(sentTemplates(wa.b, 'restock')).toHaveLength(1);
    const ledger = await s.t.ctx.db
      .selectFrom('reminder_sends')
      .select(['contact_id', 'status', 'skip_reason'])
      .where('reminder_id', '=', r.id)
      .execute();
    expect(ledger).toHaveLength(3);
    expect(ledger.find((x) => x.contact_id === c)).toMatchObject({
      status: 'skipped',
      skip_reason: 'opted_out',
    });
    expect((await get(r.id)).totals).toEqual({ sent: 2, skipped: { opted_out: 1 } });
    await s.api('PATCH', `/api/v1/reminders/${r.id}`, { enabled: false });
  });

  it('waits for the morning when a reminder falls due at 23:00 in the contact’s zone', async () => {
    // Move to the next 01:00Z (10:00 in Tokyo), then a trial starts; 13 hours on is 23:00 in Tokyo.
    const now = s.clock.now();
    const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 1);
    await advance(next - now.getTime());
    const r = await create({
      name: 'Trial tip',
      trigger: { kind: 'event', event: 'trial_started', delayHours: 13 },
      template: { name: 'trial_tip', language: 'ja', variables: [] },
    });
    const waId = '819033330001';
    const id = await contact(waId);
    await event(id, 'trial_started');
    await advance(13 * HOUR);
    expect(sentTemplates(waId, 'trial_tip')).toHaveLength(0);
    expect((await get(r.id)).lastRun).toMatchObject({ sent: 0, deferred: 1 });
    await advance(9 * HOUR - 5 * MINUTE); // 07:55 in Tokyo
    expect(sentTemplates(waId, 'trial_tip')).toHaveLength(0);
    await advance(5 * MINUTE); // 08:00 in Tokyo
    expect(sentTemplates(waId, 'trial_tip')).toHaveLength(1);
    const [msg] = await reminderMessages(id);
    expect(msg?.created_at.toISOString()).toBe(new Date(next + 22 * HOUR).toISOString());
    await s.api('PATCH', `/api/v1/reminders/${r.id}`, { enabled: false });
  });

  it('follows up a campaign message read without a reply, not one answered', async () => {
    const wa = { quiet: '819044440001', answered: '819044440002' };
    const quiet = await contact(wa.quiet, { consentState: 'opted_in' });
    const answered = await contact(wa.answered, { consentState: 'opted_in' });
    const campaign = await s.api<{ id: string }>('POST', '/api/v1/campaigns', {
      name: 'Spring',
      phoneNumberIds: [numberId],
      template: { name: 'spring_sale', language: 'ja', variables: [] },
      audience: { contactIds: [quiet, answered] },
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    const launched = await s.api('POST', `/api/v1/campaigns/${campaign.body.id}/launch`);
    expect(launched.status, JSON.stringify(launched.body)).toBe(200);
    await advance(0);
    await advance(5_000); // delivered and read
    const r = await create({
      name: 'Come back',
      trigger: { kind: 'campaign_read_no_reply', delayHours: 48 },
      template: { name: 'come_back', language: 'ja', variables: [] },
    });
    s.t.simulator!.inbound({
      phoneNumberId: cloudNumberId,
      from: wa.answered,
      message: { type: 'text', text: { body: '興味あります' } },
    });
    await advance(0);
    await advance(47 * HOUR);
    expect(sentTemplates(wa.quiet, 'come_back')).toHaveLength(0);
    await advance(HOUR);
    expect(sentTemplates(wa.quiet, 'come_back')).toHaveLength(1);
    expect(sentTemplates(wa.answered, 'come_back')).toHaveLength(0);
    expect((await get(r.id)).totals).toEqual({ sent: 1, skipped: {} });
  });

  it('fills a text header variable and a quick-reply payload through the campaigns’ renderer', async () => {
    s.t.simulator!.addTemplate(WABA, {
      name: 'refill_header',
      language: 'ja',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: '{{1}}様へ' },
        { type: 'BODY', text: '補充の時期です' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: '注文する' }] },
      ],
    });
    const template = {
      name: 'refill_header',
      language: 'ja',
      header: { type: 'text', variable: { source: { kind: 'field', field: 'name' }, fallback: 'お客様' } },
      buttons: [
        { index: 0, payload: { source: { kind: 'literal', value: 'REORDER' }, fallback: 'REORDER' } },
      ],
    };
    const refused = await s.api<{ error: { code: string } }>('POST', '/api/v1/reminders', {
      name: 'Uploaded header',
      phoneNumberId: numberId,
      trigger: { kind: 'event', event: 'refill_due', delayHours: 1 },
      template: { ...template, header: { type: 'image', mediaId: 'up-1' } },
    });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'validation_failed']);
    const r = await create({
      name: 'Refill',
      trigger: { kind: 'event', event: 'refill_due', delayHours: 1 },
      template,
      quietHours: { start: '00:00', end: '23:59' },
    });
    const waId = '819066660001';
    await event(await contact(waId, { name: '佐藤' }), 'refill_due');
    await advance(HOUR + 5 * MINUTE);
    expect(sentTemplates(waId, 'refill_header').map((x) => x.template.components)).toEqual([
      [
        { type: 'header', parameters: [{ type: 'text', text: '佐藤' }] },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'REORDER' }],
        },
      ],
    ]);
    await s.api('PATCH', `/api/v1/reminders/${r.id}`, { enabled: false });
  });

  it('keeps reminders to their workspace, lets every role read and only owners and admins write', async () => {
    const r = await create({ name: 'Roles', trigger: { kind: 'event', event: 'x', delayHours: 1 } });
    const agent = await seedApiKey(s.t.ctx, s.workspaceId, 'agent');
    const analyst = await seedApiKey(s.t.ctx, s.workspaceId, 'analyst');
    const admin = await seedApiKey(s.t.ctx, s.workspaceId, 'admin');
    for (const auth of [agent, analyst]) {
      expect((await s.api('GET', `/api/v1/reminders/${r.id}`, undefined, auth)).status).toBe(200);
      expect((await s.api('PATCH', `/api/v1/reminders/${r.id}`, { name: 'x' }, auth)).status).toBe(403);
      expect((await s.api('DELETE', `/api/v1/reminders/${r.id}`, undefined, auth)).status).toBe(403);
      const body = {
        name: 'Mine',
        trigger: { kind: 'event', event: 'x', delayHours: 1 },
        phoneNumberId: numberId,
        template: { name: 'restock', language: 'ja' },
      };
      expect((await s.api('POST', '/api/v1/reminders', body, auth)).status).toBe(403);
    }
    const renamed = await s.api<ReminderDto>(
      'PATCH',
      `/api/v1/reminders/${r.id}`,
      { name: 'Renamed' },
      admin,
    );
    expect(renamed.body.name).toBe('Renamed');

    // Another workspace sees none of it and cannot send from this workspace's number.
    expect(
      (await s.api<{ data: unknown[] }>('GET', '/api/v1/reminders', undefined, other.auth)).body.data,
    ).toEqual([]);
    for (const method of ['GET', 'DELETE'])
      expect((await s.api<Err>(method, `/api/v1/reminders/${r.id}`, undefined, other.auth)).status).toBe(404);
    expect((await s.api('PATCH', `/api/v1/reminders/${r.id}`, { name: 'x' }, other.auth)).status).toBe(404);
    const foreign = await s.api<Err>(
      'POST',
      '/api/v1/reminders',
      {
        name: 'Theirs',
        trigger: { kind: 'event', event: 'x', delayHours: 1 },
        phoneNumberId: numberId,
        template: { name: 'restock', language: 'ja' },
      },
      other.auth,
    );
    expect(foreign.status).toBe(404);
    const bad = await s.api<Err>('POST', '/api/v1/reminders', {
      name: 'Bad',
      trigger: { kind: 'event', event: 'x', delayHours: 1 },
      condition: 'tag:(',
      phoneNumberId: numberId,
      template: { name: 'restock', language: 'ja' },
    });
    expect(bad.body.error.code).toBe('invalid_condition');
    expect((await s.api('DELETE', `/api/v1/reminders/${r.id}`)).status).toBe(204);
    expect((await s.api('GET', `/api/v1/reminders/${r.id}`)).status).toBe(404);
  });
  it('archives contacts inactive for the workspace’s N months (off by default) and brings them back when active', async () => {
    const DAY = 24 * HOUR;
    expect((await s.api('GET', '/api/v1/workspace/settings')).body).toEqual({
      archiveInactiveAfterMonths: null,
    });
    const agent = await seedApiKey(s.t.ctx, s.workspaceId, 'agent');
    const setting = { archiveInactiveAfterMonths: 6 };
    expect((await s.api('PATCH', '/api/v1/workspace/settings', setting, agent)).status).toBe(403);
    expect((await s.api('PATCH', '/api/v1/workspace/settings', setting)).body).toEqual(setting);
    const wa = { idle: '819055550001', talker: '819055550002', buyer: '819055550003', back: '819055550004' };
    const idle = await contact(wa.idle, { attributes: { cohort: 'arch' } });
    const talker = await contact(wa.talker, { attributes: { cohort: 'arch' } });
    const buyer = await contact(wa.buyer, { attributes: { cohort: 'arch' } });
    const back = await contact(wa.back, { attributes: { cohort: 'arch' } });
    const theirs = await contact(wa.idle, {}, other.auth); // archiving is off there

    // Activity within the 6 months: a message from one, an event of another.
    await advance(90 * DAY);
    s.t.simulator!.inbound({
      phoneNumberId: cloudNumberId,
      from: wa.talker,
      message: { type: 'text', text: { body: 'はい' } },
    });
    await advance(30 * DAY);
    await event(buyer, 'order_placed');
    await advance(70 * DAY); // 190 days after creation: the daily job has run
    const page = async (query: string, auth = s.auth) =>
      (
        await s.api<{ data: { id: string; archivedAt?: string }[] }>(
          'GET',
          `/api/v1/contacts?limit=100${query}`,
          undefined,
          auth,
        )
      ).body.data.map((c) => c.id);
    expect(await page('')).toEqual(expect.arrayContaining([talker, buyer]));
    expect(await page('')).not.toContain(idle);
    expect(await page('&archived=true')).toEqual(expect.arrayContaining([idle, back]));
    expect(await page('&archived=true')).not.toContain(talker);
    expect(await page('', other.auth)).toContain(theirs);
    // Hidden from segments (and so from campaign audiences, which read the same contacts).
    const preview = await s.api<{ count: number }>('POST', '/api/v1/segments/preview', {
      condition: 'contact.attributes.cohort = "arch"',
    });
    expect(preview.body.count).toBe(2);

    // Written through the API, or writing again: back in the list.
    const patched = await s.api<{ archivedAt?: string }>('PATCH', `/api/v1/contacts/${idle}`, {
      name: '戻り',
    });
    expect(patched.body.archivedAt).toBeUndefined();
    s.t.simulator!.inbound({
      phoneNumberId: cloudNumberId,
      from: wa.back,
      message: { type: 'text', text: { body: 'また' } },
    });
    await advance(0);
    expect(await page('')).toEqual(expect.arrayContaining([idle, back]));
    expect(await page('&archived=true')).not.toContain(back);
    await s.api('PATCH', '/api/v1/workspace/settings', { archiveInactiveAfterMonths: null });
  });
});
