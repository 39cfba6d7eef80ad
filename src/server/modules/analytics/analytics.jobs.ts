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
      // The touches of many publishes (a broadcast's statuses) mark their days and conversations in a few passes.
      async handleMany(payloads, { workspaceId }) {
        if (!workspaceId) return;
        const messageIds = [
          ...new Set(
            payloads.flatMap((p) => [...(p.messageId ? [p.messageId] : []), ...(p.messageIds ?? [])]),
          ),
        ];
        const conversationIds = [
          ...new Set(
            payloads.flatMap((p) => [
              ...(p.conversationId ? [p.conversationId] : []),
              ...(p.conversationIds ?? []),
            ]),
          ),
        ];
        for (let i = 0; i < Math.max(messageIds.length, conversationIds.length); i += 1000)
          await touch(deps, workspaceId, {
            messageIds: messageIds.slice(i, i + 1000),
            conversationIds: conversationIds.slice(i, i + 1000),
          });
      },
    },
    {
      name: 'analytics.refresh',
      maxAttempts: 3,
      handle: async () => void (await refreshAll(deps)),
    },
  ];
}
