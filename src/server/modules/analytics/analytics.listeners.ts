import { defineListener } from '../../domain-events/domain-events.service.ts';

/**
 * Analytics listens to the facts its rollups derive from: a new customer message, a status change of one of ours
 * (late, out of order or repeated — the refresh recomputes, so it does not matter), and a conversation status
 * change (a reopening). The events of one publish (an ingest batch) become one `analytics.touch` job per workspace
 * that marks the affected day buckets and conversations dirty; the `analytics.refresh` schedule recomputes them.
 */
export const analyticsListener = defineListener({
  name: 'analytics',
  on: ['message.received', 'message.status_changed', 'conversation.status_changed'],
  job: 'analytics.touch',
  payload: (event) =>
    'messageId' in event.data
      ? { messageId: event.data.messageId }
      : { conversationId: event.data.conversationId },
  batch: (payloads) => ({
    messageIds: payloads.flatMap((p) => (p.messageId ? [p.messageId] : [])),
    conversationIds: payloads.flatMap((p) => (p.conversationId ? [p.conversationId] : [])),
  }),
  maxAttempts: 5,
});
