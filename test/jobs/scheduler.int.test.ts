import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/lib/clock.ts';
import { openDatabase, type DatabaseHandle } from '../../src/server/db/connect.ts';
import { JobRunner } from '../../src/server/jobs/queue.ts';
import { Scheduler, type ScheduleDefinition } from '../../src/server/jobs/scheduler.service.ts';
import {
  wakeSnoozedJob,
  wakeSnoozedSchedule,
} from '../../src/server/modules/conversations/conversations.jobs.ts';
import { createPostgresDatabase, createTestDatabase } from '../support/db.ts';
import {
  createTestApp,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type TestApp,
} from '../support/app.ts';

/** A recurring job registered only for this test: every 5 minutes, Tokyo time. */
const everyFiveMinutes: ScheduleDefinition<'maintenance.purge'> = {
  name: 'test.every-five-minutes',
  cron: '*/5 * * * *',
  timeZone: 'Asia/Tokyo',
  job: 'maintenance.purge',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** The scheduled runs enqueued so far, as the instants of their periods. */
async function enqueuedPeriods(db: DatabaseHandle['db']): Promise<string[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('payload')
    .where('name', '=', 'maintenance.purge')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => (r.payload as { scheduledFor: string }).scheduledFor).sort();
}

describe('scheduler: recurring jobs', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('runs a registered job once per period, catches missed periods up once, and survives a restart', async () => {
    const clock = new FakeClock('2026-12-04T01:01:00.000Z');
    const scheduler = new Scheduler({ db: database.db, clock }, [everyFiveMinutes]);
    // First sight of the schedule: nothing runs until its first occurrence.
    expect(await scheduler.tick()).toBe(0);
    clock.advance(3 * 60_000); // 01:04
    expect(await scheduler.tick()).toBe(0);
    clock.advance(60_000); // 01:05
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    // Down for 23 minutes (four periods missed): one catch-up run, then back on the 5-minute grid.
    clock.advance(23 * 60_000); // 01:28
    const restarted = new Scheduler({ db: database.db, clock }, [everyFiveMinutes]);
    expect(await restarted.tick()).toBe(1);
    clock.advance(2 * 60_000); // 01:30
    expect(await restarted.tick()).toBe(1);
    expect(await enqueuedPeriods(database.db)).toEqual([
      '2026-12-04T01:05:00.000Z',
      '2026-12-04T01:10:00.000Z',
      '2026-12-04T01:30:00.000Z',
    ]);
    // The runs are ordinary jobs: a worker runs them.
    const runner = new JobRunner(database.db, clock, 'test-worker');
    runner.register({ name: 'maintenance.purge', handle: async () => undefined });
    expect(await runner.drain()).toBe(3);
  });

  it('refuses an invalid cron expression or time zone at registration', () => {
    const clock = new FakeClock();
    expect(
      () => new Scheduler({ db: database.db, clock }, [{ ...everyFiveMinutes, cron: '*/5 * *' }]),
    ).toThrow(/invalid schedule/);
    expect(
      () => new Scheduler({ db: database.db, clock }, [{ ...everyFiveMinutes, timeZone: 'Nowhere/City' }]),
    ).toThrow(/invalid schedule/);
  });
});

describe.skipIf(inject('testDatabase').kind !== 'postgres')(
  'scheduler: two processes on one PostgreSQL',
  () => {
    it('two schedulers, each with its own connection pool, enqueue one run per period', async () => {
      const created = await createPostgresDatabase();
      const a = await openDatabase({ databaseUrl: created.url, dataDir: null, poolSize: 4 });
      const b = await openDatabase({ databaseUrl: created.url, dataDir: null, poolSize: 4 });
      try {
        const clock = new FakeClock('2026-12-04T00:00:30.000Z');
        const first = new Scheduler({ db: a.db, clock }, [everyFiveMinutes]);
        const second = new Scheduler({ db: b.db, clock }, [everyFiveMinutes]);
        let leaderTicks = 0;
        // Twelve periods of 5 minutes, ticked every 30 s by both at the same instant (and twice more each).
        for (let step = 0; step < 120; step++) {
          const ran = await Promise.all([first.tick(), second.tick(), first.tick(), second.tick()]);
          leaderTicks += ran.reduce((s, n) => s + n, 0);
          clock.advance(30_000);
        }
        const periods = await enqueuedPeriods(a.db);
        expect(periods).toHaveLength(12);
        expect(new Set(periods).size).toBe(12);
        expect(leaderTicks).toBe(12);
        expect(periods[0]).toBe('2026-12-04T00:05:00.000Z');
      } finally {
        await a.close();
        await b.close();
        await created.drop();
      }
    });
  },
);

describe('snooze wake-ups run on the scheduler', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-04T01:00:30.000Z' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a snoozed conversation reopens at the first scheduled run after its time', async () => {
    const ws = await seedWorkspace(t.ctx);
    const number = await seedPhoneNumber(t.ctx, ws.workspaceId);
    const { conversationId } = await seedInboundConversation(t.ctx, {
      workspaceId: ws.workspaceId,
      phoneNumberId: number.id,
      waId: '819011112222',
    });
    const until = new Date(t.clock.nowMs() + 2 * 60_000).toISOString();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/conversations/${conversationId}`,
      headers: ws.auth,
      payload: { status: 'snoozed', snoozedUntil: until },
    });
    expect(res.statusCode, res.body).toBe(200);

    const scheduler = new Scheduler({ db: t.ctx.db, clock: t.clock }, [wakeSnoozedSchedule]);
    const runner = new JobRunner(t.ctx.db, t.clock, 'test-worker');
    runner.register(wakeSnoozedJob({ db: t.ctx.db, clock: t.clock }));
    const status = async () =>
      (
        await t.ctx.db
          .selectFrom('conversations')
          .select(['status', 'snoozed_until'])
          .where('id', '=', conversationId)
          .executeTakeFirstOrThrow()
      ).status;

    await scheduler.tick(); // 01:00:30 registers the schedule: next run 01:01
    t.clock.advance(60_000); // 01:01:30: the 01:01 run finds nothing due yet
    expect(await scheduler.tick()).toBe(1);
    await runner.drain();
    expect(await status()).toBe('snoozed');
    t.clock.advance(60_000); // 01:02:30: the 01:02 run, executed now, wakes it
    await scheduler.tick();
    await runner.drain();
    expect(await status()).toBe('open');
  });
});
