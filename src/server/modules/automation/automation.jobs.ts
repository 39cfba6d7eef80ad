import { z } from 'zod';
import type { JobDefinition } from '../../jobs/queue.ts';
import { UNREAD_TIMEOUT_JOB, handleUnreadTimeout } from './assignment.service.ts';
import { getAutomation } from './automation-config.service.ts';
import { sendAutomationReply } from './automation-reply.service.ts';
import { REPLY_JOB, runAutomationForMessage, type AutomationDeps } from './automation-runtime.service.ts';

const InboundPayload = z.object({ messageId: z.uuid() });
const ReplyPayload = z.object({ replyId: z.uuid() });
const UnreadPayload = z.object({ conversationId: z.uuid(), messageId: z.uuid(), assigneeId: z.uuid() });

/** The automation engine's jobs: decide on a customer message, send a delayed reply, check an unread timeout. */
export function automationJobs(
  deps: AutomationDeps,
): [
  JobDefinition<typeof InboundPayload>,
  JobDefinition<typeof ReplyPayload>,
  JobDefinition<typeof UnreadPayload>,
] {
  return [
    {
      name: 'automation.inbound',
      schema: InboundPayload,
      maxAttempts: 5,
      handle: ({ messageId }) => runAutomationForMessage(deps, messageId),
    },
    {
      name: REPLY_JOB,
      schema: ReplyPayload,
      maxAttempts: 5,
      handle: ({ replyId }) => sendAutomationReply(deps, replyId),
    },
    {
      name: UNREAD_TIMEOUT_JOB,
      schema: UnreadPayload,
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
