import { sql } from 'kysely';
import type { Clock } from '../../lib/clock.ts';
import type { Db } from '../db/types.ts';
import type { JobDefinition } from './queue.ts';
import type { ScheduleDefinition } from './scheduler.service.ts';

/** Statuses for wamids we never sent (another tool on the same number) are kept this long, then dropped. */
const PARKED_TTL_MS = 7 * 24 * 3600_000;
/** Processed webhook bodies are kept this long for replay and audits. */
export const JOURNAL_TTL_MS = 30 * 24 * 3600_000;

/** Purging runs hourly, at minute 17 (away from the top of the hour, when reports and people are busy). */
export const purgeSchedule: ScheduleDefinition<'maintenance.purge'> = {
  name: 'maintenance.purge',
  cron: '17 * * * *',
  timeZone: 'UTC',
  job: 'maintenance.purge',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** The purge as a job (run by the scheduler through `purgeSchedule`). */
export function purgeJob(deps: { db: Db; clock: Clock }): JobDefinition<'maintenance.purge'> {
  return { name: 'maintenance.purge', maxAttempts: 3, handle: async () => void (await purgeExpired(deps)) };
}

/**
 * Purges what has outlived its use: expired sessions, old login attempts, stale parked statuses, old processed
 * journal rows (never those a dead letter points to), finished jobs. Every step is idempotent and bounded by its
 * cutoff, so a rerun or an overlap does no harm.
 */
export async function purgeExpired(deps: { db: Db; clock: Clock }): Promise<Record<string, number>> {
  const { db, clock } = deps;
  const now = clock.now();
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const counts: Record<string, number> = {};

  const n = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  counts.sessions = n(await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst());
  counts.authThrottles = n(
    await db
      .deleteFrom('auth_throttles')
      .where('updated_at', '<', ago(24 * 3600_000))
      .where('next_allowed_at', '<', now)
      .executeTakeFirst(),
  );
  counts.passwordResets = n(
    await db
      .deleteFrom('password_resets')
      .where('expires_at', '<', ago(24 * 3600_000))
      .executeTakeFirst(),
  );
  counts.parkedStatuses = n(
    await db.deleteFrom('parked_statuses').where('received_at', '<', ago(PARKED_TTL_MS)).executeTakeFirst(),
  );
  counts.jobs = n(
    await db
      .deleteFrom('jobs')
      .where('status', 'in', ['done', 'failed'])
      .where('finished_at', '<', ago(7 * 24 * 3600_000))
      .executeTakeFirst(),
  );
  counts.webhookEvents = n(
    await db
      .deleteFrom('webhook_events')
      .where('processed_at', '<', ago(JOURNAL_TTL_MS))
      .where(
        'id',
        'not in',
        db
          .selectFrom('dead_letters')
          .select('webhook_event_id')
          .where('webhook_event_id', 'is not', null)
          .$narrowType<{ webhook_event_id: number }>(),
      )
      .executeTakeFirst(),
  );
  return counts;
}

/**
 * Planner statistics on embedded PGlite, which runs no autovacuum: without them PostgreSQL plans a growing table as
 * the empty one it was (the campaign ledger's claim went from milliseconds to seconds a batch). Hourly at minute
 * 37; only registered on PGlite (on PostgreSQL autovacuum does this).
 */
export const analyzeSchedule: ScheduleDefinition<'maintenance.analyze'> = {
  name: 'maintenance.analyze',
  cron: '37 * * * *',
  timeZone: 'UTC',
  job: 'maintenance.analyze',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** The statistics run as a job (run by the scheduler through `analyzeSchedule`). */
export function analyzeJob(deps: { db: Db }): JobDefinition<'maintenance.analyze'> {
  return {
    name: 'maintenance.analyze',
    maxAttempts: 3,
    handle: async () => void (await analyzeGrownTables(deps)),
  };
}

/**
 * Runs ANALYZE on each of Tsunagi's tables that was never analyzed or has grown by more than a fifth (in pages)
 * since it last was, as autovacuum's threshold would — one table per statement, so the embedded database is held
 * by one short statement at a time. Returns the tables analyzed.
 */
export async function analyzeGrownTables(deps: { db: Db }): Promise<string[]> {
  const grown = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r'
      and (c.reltuples < 0
        or pg_relation_size(c.oid) / current_setting('block_size')::int > c.relpages * 1.2 + 8)
    order by c.relname`.execute(deps.db);
  for (const t of grown.rows) await sql`analyze ${sql.id(t.name)}`.execute(deps.db);
  return grown.rows.map((t) => t.name);
}
