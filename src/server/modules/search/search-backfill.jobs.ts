/**
 * Backfill of search keys for rows written before they existed (migration 20261205120000 adds the columns as
 * NULL): contacts get their search key, country and time zone, messages their search text. New rows are written
 * with them, so once the backlog is gone each run is two index lookups on empty partial indexes.
 */
import type { Db } from '../../db/types.ts';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { backfillContactSearchKeys } from '../contacts/contacts-resolve.repository.ts';
import { backfillMessageSearchTexts } from '../messages/messages.repository.ts';

/** Rows per statement: one transaction each, short enough not to hold locks for long. */
export const BACKFILL_BATCH = 2000;
/** Batches per table and run: a large backlog is worked through over several runs (one a minute). */
export const BACKFILL_BATCHES_PER_RUN = 50;

/** The backfill runs every minute until nothing is left, then costs next to nothing. */
export const searchBackfillSchedule: ScheduleDefinition<'search.backfill'> = {
  name: 'search.backfill',
  cron: '* * * * *',
  timeZone: 'UTC',
  job: 'search.backfill',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** Fills up to `BACKFILL_BATCHES_PER_RUN` batches of each table; returns the rows filled. Idempotent. */
export async function backfillSearchKeys(deps: { db: Db }): Promise<{ contacts: number; messages: number }> {
  let contacts = 0;
  let messages = 0;
  for (let i = 0; i < BACKFILL_BATCHES_PER_RUN; i++) {
    const n = await backfillContactSearchKeys(deps.db, BACKFILL_BATCH);
    contacts += n;
    if (n < BACKFILL_BATCH) break;
  }
  for (let i = 0; i < BACKFILL_BATCHES_PER_RUN; i++) {
    const n = await backfillMessageSearchTexts(deps.db, BACKFILL_BATCH);
    messages += n;
    if (n < BACKFILL_BATCH) break;
  }
  return { contacts, messages };
}

/** The backfill as a job (run by the scheduler through `searchBackfillSchedule`). */
export function searchBackfillJob(deps: { db: Db }): JobDefinition<'search.backfill'> {
  return {
    name: 'search.backfill',
    maxAttempts: 3,
    handle: async () => void (await backfillSearchKeys(deps)),
  };
}
