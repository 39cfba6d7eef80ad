import type { JobDefinition } from '../../jobs/queue.ts';
import { UNREAD_TIMEOUT_JOB, handleUnreadTimeout } from './assignment.service.ts';
import { getAutomation } from './automation-config.service.ts';
import { sendAutomationReply } from './automation-reply.service.ts';
import { REPLY_JOB, runAutomationForMessage, type AutomationDeps } from './automation-runtime.service.ts';

/** The automation engine's jobs: decide on a customer message, send a delayed reply, check an unread timeout. */
export function automationJobs(
  deps: AutomationDeps,
): [
  JobDefinition<'automation.inbound'>,
  JobDefinition<typeof REPLY_JOB>,
  JobDefinition<typeof UNREAD_TIMEOUT_JOB>,
] {
  return [
    {
      name: 'automation.inbound',
      maxAttempts: 5,
      handle: ({ messageId }) => runAutomationForMessage(deps, messageId),
    },
    {
      name: REPLY_JOB,
      maxAttempts: 5,
      handle: ({ replyId }) => sendAutomationReply(deps, replyId),
    },
    {
      name: UNREAD_TIMEOUT_JOB,
      maxAttempts: 5,
      async handle(payload, { workspaceId }) {
        const state = await getAutomation(deps, workspaceId ?? '');
        await handleUnreadTimeout(deps, {
          ...payload,
          strategy: state.config.assignment.strategy,
          minutes: state.config.assignment.unreadTimeoutMinutes,
        });
      },
    },
  ];
}
