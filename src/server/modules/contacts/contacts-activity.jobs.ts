import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { refreshActivityTiers, type ContactsActivityDeps } from './contacts-activity.service.ts';

/** Activity tiers are recomputed hourly (at :23 UTC): a tier is at most an hour behind the messages. */
export const activityTiersSchedule: ScheduleDefinition<'contacts.activity_tiers'> = {
  name: 'contacts.activity_tiers',
  cron: '23 * * * *',
  timeZone: 'UTC',
  job: 'contacts.activity_tiers',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** The job that recomputes every contact's activity tier (idempotent: a second run changes nothing). */
export function activityTiersJob(deps: ContactsActivityDeps): JobDefinition<'contacts.activity_tiers'> {
  return {
    name: 'contacts.activity_tiers',
    maxAttempts: 3,
    handle: async () => void (await refreshActivityTiers(deps)),
  };
}
