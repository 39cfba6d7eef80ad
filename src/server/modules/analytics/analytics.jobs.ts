import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { refreshAll, touch, type AnalyticsDeps } from './analytics-refresh.service.ts';

/** The rollups are refreshed every minute (figures are at most about a minute behind the facts). */
export const analyticsRefreshSchedule: ScheduleDefinition<'analytics.refresh'> = {
  name: 'analytics.refresh',
  cron: '* * * * *',
  timeZone: 'UTC',
  job: 'analytics.refresh',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** The analytics jobs: mark what a domain event touches; refresh the dirty rollups of every workspace. */
export function analyticsJobs(
  deps: AnalyticsDeps,
): [JobDefinition<'analytics.touch'>, JobDefinition<'analytics.refresh'>] {
  return [
    {
      name: 'analytics.touch',
      maxAttempts: 5,
      async handle(payload, { workspaceId }) {
        if (workspaceId) await touch(deps, workspaceId, payload);
      },
    },
    {
      name: 'analytics.refresh',
      maxAttempts: 3,
      handle: async () => void (await refreshAll(deps)),
    },
  ];
}
