import { defineListener } from '../../domain-events/domain-events.service.ts';

/** Message types that can carry a consent keyword: text, and reply buttons (template quick replies, interactive). */
const MAY_CARRY_KEYWORD = new Set(['text', 'button', 'interactive']);

/**
 * The consent module listens to new customer messages of every workspace: the texts and reply buttons of one
 * ingest batch become one `consent.keyword` job per workspace (idempotent per message; most are not keywords and
 * end after one read of the messages and the settings).
 */
export const consentKeywordListener = defineListener({
  name: 'consent',
  on: ['message.received'],
  job: 'consent.keyword',
  payload: (event) => (MAY_CARRY_KEYWORD.has(event.data.type) ? { messageId: event.data.messageId } : null),
  batch: (payloads) => ({ messageIds: payloads.flatMap((p) => (p.messageId ? [p.messageId] : [])) }),
  maxAttempts: 5,
});
