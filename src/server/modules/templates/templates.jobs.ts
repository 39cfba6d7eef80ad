import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import {
  requestAllTemplateSyncs,
  syncWabaTemplates,
  type TemplatesSyncDeps,
} from './templates-sync.service.ts';

/**
 * Every hour at :41 UTC the cached template lists are refreshed (webhooks keep them current between runs; the
 * refresh catches templates created or deleted at Meta without one).
 */
export const templatesRefreshSchedule: ScheduleDefinition<'templates.refresh'> = {
  name: 'templates.refresh',
  cron: '41 * * * *',
  timeZone: 'UTC',
  job: 'templates.refresh',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/** The template cache's jobs: sync one WABA of a workspace, and the scheduled fan-out to every WABA. */
export function templatesJobs(
  deps: TemplatesSyncDeps,
): [JobDefinition<'templates.sync'>, JobDefinition<'templates.refresh'>] {
  return [
    {
      name: 'templates.sync',
      maxAttempts: 5,
      async handle({ wabaId }, { workspaceId }) {
        if (workspaceId) await syncWabaTemplates(deps, workspaceId, wabaId);
      },
    },
    {
      name: 'templates.refresh',
      maxAttempts: 3,
      handle: async ({ scheduledFor }) =>
        void (await requestAllTemplateSyncs(deps.db, deps.clock, scheduledFor)),
    },
  ];
}
