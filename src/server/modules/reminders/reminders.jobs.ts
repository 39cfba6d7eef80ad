import { enqueueJobs } from '../../jobs/queue.ts';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { listEnabledReminders } from './reminders.repository.ts';
import { runReminder, type RemindersDeps } from './reminders.service.ts';

/** Every 5 minutes, each enabled reminder of every workspace sends what fell due. */
export const remindersTickSchedule: ScheduleDefinition<'reminders.tick'> = {
  name: 'reminders.tick',
  cron: '*/5 * * * *',
  timeZone: 'UTC',
  job: 'reminders.tick',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/**
 * The reminder jobs: the tick fans out one `reminders.run` per enabled reminder (dedupe key: reminder and period,
 * so a retried tick enqueues nothing twice), and each run sends one reminder's due messages (idempotent: the
 * ledger's key makes a run done twice send nothing more).
 */
export function remindersJobs(
  deps: RemindersDeps,
): [JobDefinition<'reminders.tick'>, JobDefinition<'reminders.run'>] {
  return [
    {
      name: 'reminders.tick',
      maxAttempts: 3,
      async handle(payload) {
        const reminders = await listEnabledReminders(deps.db);
        await enqueueJobs(
          deps.db,
          deps.clock,
          'reminders.run',
          reminders.map((r) => ({
            workspaceId: r.workspaceId,
            payload: { reminderId: r.id },
            dedupeKey: `${r.id}@${payload.scheduledFor}`,
          })),
        );
      },
    },
    {
      name: 'reminders.run',
      maxAttempts: 5,
      async handle(payload, { workspaceId }) {
        if (workspaceId) await runReminder(deps, workspaceId, payload.reminderId);
      },
    },
  ];
}
