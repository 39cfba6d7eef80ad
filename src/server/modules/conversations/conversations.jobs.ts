import type { RealtimeEvent } from '../../../contracts/realtime.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { publishEvents } from '../../events.ts';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { conversationChangeEvents, conversationEvent } from './conversation-events.rules.ts';
import { wakeDueSnoozed } from './conversations.repository.ts';

/** Snoozed conversations are woken every minute (snooze times are picked to the minute in the console). */
export const wakeSnoozedSchedule: ScheduleDefinition<'conversations.wake_snoozed'> = {
  name: 'conversations.wake_snoozed',
  cron: '* * * * *',
  timeZone: 'UTC',
  job: 'conversations.wake_snoozed',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/**
 * Reopens snoozed conversations whose time came, and tells the consoles. Idempotent: a woken conversation is no
 * longer snoozed, so a rerun finds nothing.
 */
export async function wakeSnoozed(deps: { db: Db; clock: Clock }): Promise<number> {
  const { db, clock } = deps;
  const now = clock.now();
  return db.transaction().execute(async (tx) => {
    const woken = await wakeDueSnoozed(tx, now);
    const events: RealtimeEvent[] = woken.map(conversationEvent);
    await publishEvents(tx, events);
    await domainEvents.publish(
      tx,
      clock,
      woken.flatMap((c) => conversationChangeEvents({ ...c, status: 'snoozed' }, c, now)),
    );
    return woken.length;
  });
}

/** The wake-up as a job (run by the scheduler through `wakeSnoozedSchedule`). */
export function wakeSnoozedJob(deps: { db: Db; clock: Clock }): JobDefinition<'conversations.wake_snoozed'> {
  return {
    name: 'conversations.wake_snoozed',
    maxAttempts: 3,
    handle: async () => void (await wakeSnoozed(deps)),
  };
}
