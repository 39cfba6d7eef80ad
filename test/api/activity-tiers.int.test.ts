/**
 * Activity tiers on real SQL and a fake clock: the boundaries of each tier (exactly 3 inbound messages in 7 days,
 * 2 in 30, none in 90), recomputed by the hourly scheduled job through a drained queue, only changed rows written;
 * the tier in the contact DTO and in conditions (a tag rule on `contact.activity_tier = high`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/server/jobs/queue.ts';
import { Scheduler } from '../../src/server/jobs/scheduler.service.ts';
import { activityTierOf } from '../../src/server/modules/contacts/contacts-activity.rules.ts';
import {
  activityTiersJob,
  activityTiersSchedule,
} from '../../src/server/modules/contacts/contacts-activity.jobs.ts';
import { updateActivityTiers } from '../../src/server/modules/contacts/contacts-activity.repository.ts';
import { tagRulesJobs } from '../../src/server/modules/tag-rules/tag-rules.jobs.ts';
import {
  createTestApp,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;
/** The instant of the first scheduled recomputation (the schedule runs at :23 every hour). */
const T = new Date('2026-06-01T12:23:00.000Z');
const before = (ms: number) => new Date(T.getTime() - ms);

/** Inbound messages of each contact, as offsets before T, with the tier expected at T and one day later. */
const PEOPLE = {
  threeIn7: { waId: '819000000001', at: [7 * DAY, 3 * DAY, 1 * MINUTE], atT: 'high', dayLater: 'medium' },
  threeJustOver7: {
    waId: '819000000002',
    at: [7 * DAY + MINUTE, 2 * DAY, DAY],
    atT: 'medium',
    dayLater: 'medium',
  },
  twoIn30: { waId: '819000000003', at: [30 * DAY, 29 * DAY], atT: 'medium', dayLater: 'medium' },
  exactly90: { waId: '819000000004', at: [90 * DAY], atT: null, dayLater: 'low' },
  justOver90: { waId: '819000000005', at: [90 * DAY + MINUTE], atT: 'low', dayLater: 'low' },
  sixtyDays: { waId: '819000000006', at: [60 * DAY], atT: null, dayLater: null },
} as const;

describe('activity tiers', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let runner: JobRunner;
  let scheduler: Scheduler;
  const ids = new Map<string, string>();
  let neverWrote: string;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-06-01T12:00:00.000Z' });
    ws = await seedWorkspace(t.ctx);
    const number = await seedPhoneNumber(t.ctx, ws.workspaceId);
    for (const [name, p] of Object.entries(PEOPLE))
      for (const ms of p.at) {
        const { contactId } = await seedInboundConversation(t.ctx, {
          workspaceId: ws.workspaceId,
          phoneNumberId: number.id,
          waId: p.waId,
          at: before(ms),
        });
        ids.set(name, contactId);
      }
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: ws.auth,
      payload: { phone: '+81 90-9999-0000' },
    });
    neverWrote = res.json().id as string;
    runner = new JobRunner(t.ctx.db, t.clock, 'test-worker');
    runner.register(activityTiersJob({ db: t.ctx.db, clock: t.clock }));
    for (const job of tagRulesJobs({ db: t.ctx.db, clock: t.clock })) runner.register(job);
    scheduler = new Scheduler({ db: t.ctx.db, clock: t.clock }, [activityTiersSchedule]);
    await scheduler.tick(); // first sight: waits for :23
  });
  afterAll(async () => t?.close());

  const tierOf = async (id: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${id}`, headers: ws.auth })).json()
      .activityTier as string | null;

  it('is computed by the hourly scheduled job, at each boundary', async () => {
    expect(await tierOf(neverWrote)).toBeNull(); // not computed yet
    t.clock.advance(T.getTime() - t.clock.nowMs());
    expect(await scheduler.tick()).toBe(1);
    expect(await runner.drain()).toBe(1);
    for (const [name, p] of Object.entries(PEOPLE)) {
      expect(await tierOf(ids.get(name) as string), name).toBe(p.atT);
      // The pure definition agrees with the SQL.
      expect(
        activityTierOf(
          p.at.map((ms) => before(ms)),
          T,
        ),
        name,
      ).toBe(p.atT);
    }
    expect(await tierOf(neverWrote)).toBe('low');
  });

  it('a day later, only the contacts whose tier changed are written', async () => {
    t.clock.advance(DAY);
    const changed = Object.values(PEOPLE).filter((p) => p.atT !== p.dayLater).length;
    expect(await updateActivityTiers(t.ctx.db, t.clock.now())).toBe(changed);
    expect(await updateActivityTiers(t.ctx.db, t.clock.now())).toBe(0);
    for (const [name, p] of Object.entries(PEOPLE))
      expect(await tierOf(ids.get(name) as string), name).toBe(p.dayLater);
  });

  it('is a condition: a tag rule keeps a tag on the high tier', async () => {
    // Back to the first state: the 3-in-7 contact is high again after one more message.
    await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: (
        await t.ctx.db
          .selectFrom('phone_numbers')
          .select('id')
          .where('workspace_id', '=', ws.workspaceId)
          .executeTakeFirstOrThrow()
      ).id,
      waId: PEOPLE.threeIn7.waId,
    });
    await updateActivityTiers(t.ctx.db, t.clock.now());
    const high = ids.get('threeIn7') as string;
    expect(await tierOf(high)).toBe('high');
    const rule = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tag-rules',
      headers: ws.auth,
      payload: { tag: 'active', condition: 'contact.activity_tier = high' },
    });
    expect(rule.statusCode).toBe(201);
    await runner.drain();
    const tagged = await t.ctx.db
      .selectFrom('contact_tags')
      .select('contact_id')
      .where('workspace_id', '=', ws.workspaceId)
      .where('tag', '=', 'active')
      .execute();
    expect(tagged.map((r) => r.contact_id)).toEqual([high]);
  });
});
