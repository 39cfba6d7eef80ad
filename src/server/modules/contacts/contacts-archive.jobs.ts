import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { archiveInactiveBatch } from './contacts-archive.repository.ts';

/** Contacts per archiving transaction: short transactions, so ingest writing contacts is never held up long. */
const ARCHIVE_BATCH = 5000;

/** Inactive contacts are archived daily (at 03:47 UTC), in workspaces that turned archiving on. */
export const archiveInactiveSchedule: ScheduleDefinition<'contacts.archive_inactive'> = {
  name: 'contacts.archive_inactive',
  cron: '47 3 * * *',
  timeZone: 'UTC',
  job: 'contacts.archive_inactive',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** The archiving job: batches until none is left (idempotent: a second run archives nothing more). */
export function archiveInactiveJob(deps: {
  db: Db;
  clock: Clock;
}): JobDefinition<'contacts.archive_inactive'> {
  return {
    name: 'contacts.archive_inactive',
    maxAttempts: 3,
    async handle() {
      const now = deps.clock.now();
      while ((await archiveInactiveBatch(deps.db, now, ARCHIVE_BATCH)) === ARCHIVE_BATCH);
    },
  };
}
