import { enqueueJobs } from '../../jobs/queue.ts';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { listEnabledTagRules } from './tag-rules.repository.ts';
import { runTagRuleJob, type TagRulesDeps } from './tag-rules.service.ts';

/** Every 15 minutes, each enabled rule of every workspace is re-evaluated (conditions such as `within 7d` age). */
export const tagRulesTickSchedule: ScheduleDefinition<'tag_rules.tick'> = {
  name: 'tag_rules.tick',
  cron: '*/15 * * * *',
  timeZone: 'UTC',
  job: 'tag_rules.tick',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/**
 * The tag rule jobs: the tick fans out one `tag_rules.run` per enabled rule (dedupe key: rule and period, so a
 * retried tick enqueues nothing twice), and each run re-evaluates one rule in its workspace.
 */
export function tagRulesJobs(
  deps: TagRulesDeps,
): [JobDefinition<'tag_rules.tick'>, JobDefinition<'tag_rules.run'>] {
  return [
    {
      name: 'tag_rules.tick',
      maxAttempts: 3,
      async handle(payload) {
        const rules = await listEnabledTagRules(deps.db);
        await enqueueJobs(
          deps.db,
          deps.clock,
          'tag_rules.run',
          rules.map((r) => ({
            workspaceId: r.workspaceId,
            payload: { ruleId: r.id },
            dedupeKey: `${r.id}@${payload.scheduledFor}`,
          })),
        );
      },
    },
    {
      name: 'tag_rules.run',
      maxAttempts: 5,
      async handle(payload, { workspaceId }) {
        if (workspaceId) await runTagRuleJob(deps, workspaceId, payload.ruleId);
      },
    },
  ];
}
