import { sql } from 'kysely';
import type { Clock } from '../../lib/clock.ts';
import type { Db } from '../db/types.ts';
import type { JobName, JobPayload } from './job-catalog.schemas.ts';
import { enqueueJob } from './queue.ts';
import { assertValidTiming, planSchedule, type ScheduleTiming } from './schedule.rules.ts';

/** Arbitrary constant: the advisory lock whose holder is the scheduler leader for one tick. */
const SCHEDULER_LOCK_KEY = 7_206_114_590_316;

/**
 * A recurring job: when it is due (cron in a time zone), the scheduler enqueues job `job` with the payload made
 * for the period; workers run it like any other job (retries, leases). The period's instant is in the job's
 * dedupe key, so a period is enqueued at most once whatever races happen.
 */
export interface ScheduleDefinition<N extends JobName = JobName> extends ScheduleTiming {
  /** Stable name (the schedules table's key). */
  name: string;
  job: N;
  payload(scheduledFor: Date): JobPayload<N>;
}

/**
 * Runs recurring jobs from a registry. Each `tick()` is a short transaction: whoever takes the scheduler's
 * advisory lock (transaction-scoped, so a crashed leader holds nothing) is the leader for that tick and
 * enqueues what is due; other processes' ticks do nothing. Any number of processes may run the scheduler role.
 */
export class Scheduler {
  private readonly schedules: ScheduleDefinition[];

  constructor(
    private readonly deps: { db: Db; clock: Clock },
    schedules: ScheduleDefinition[],
  ) {
    const names = new Set<string>();
    for (const s of schedules) {
      assertValidTiming(s);
      if (names.has(s.name)) throw new Error(`schedule "${s.name}" is registered twice`);
      names.add(s.name);
    }
    this.schedules = schedules;
  }

  /** Enqueues the jobs due now, if this process is the leader for this tick. Returns how many were enqueued. */
  async tick(): Promise<number> {
    if (this.schedules.length === 0) return 0;
    const { db, clock } = this.deps;
    return db.transaction().execute(async (tx) => {
      const lock = await sql<{
        leader: boolean;
      }>`select pg_try_advisory_xact_lock(${SCHEDULER_LOCK_KEY}) as leader`.execute(tx);
      if (!lock.rows[0]?.leader) return 0;
      const now = clock.now();
      const rows = await tx
        .selectFrom('schedules')
        .selectAll()
        .where(
          'name',
          'in',
          this.schedules.map((s) => s.name),
        )
        .execute();
      const stored = new Map(rows.map((r) => [r.name, r]));
      let enqueued = 0;
      for (const schedule of this.schedules) {
        const row = stored.get(schedule.name);
        const state = row ? { cron: row.cron, timeZone: row.time_zone, nextRunAt: row.next_run_at } : null;
        const decision = planSchedule(schedule, state, now);
        if (decision.run) {
          await enqueueJob(tx, clock, schedule.job, schedule.payload(decision.run), {
            dedupeKey: `${schedule.name}@${decision.run.toISOString()}`,
          });
          enqueued++;
        }
        if (row && !decision.run && row.next_run_at.getTime() === decision.nextRunAt.getTime()) continue;
        await tx
          .insertInto('schedules')
          .values({
            name: schedule.name,
            cron: schedule.cron,
            time_zone: schedule.timeZone,
            next_run_at: decision.nextRunAt,
            last_run_at: decision.run,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.column('name').doUpdateSet((eb) => ({
              cron: eb.ref('excluded.cron'),
              time_zone: eb.ref('excluded.time_zone'),
              next_run_at: eb.ref('excluded.next_run_at'),
              last_run_at: decision.run ? eb.ref('excluded.last_run_at') : eb.ref('schedules.last_run_at'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      return enqueued;
    });
  }
}
