import { defineListener } from '../../domain-events/domain-events.service.ts';

/**
 * Analytics listens to the facts its rollups derive from: a new customer message, a status change of one of ours
 * (late, out of order or repeated — the refresh recomputes, so it does not matter), and a conversation status
 * change (a reopening). Each becomes one `analytics.touch` job that marks the affected day bucket and
 * conversation dirty; the `analytics.refresh` schedule recomputes them.
 */
export const analyticsListener = defineListener({
  name: 'analytics',
  on: ['message.received', 'message.status_changed', 'conversation.status_changed'],
  job: 'analytics.touch',
  payload: (event) =>
    'messageId' in event.data
      ? { messageId: event.data.messageId }
      : { conversationId: event.data.conversationId },
  maxAttempts: 5,
});
