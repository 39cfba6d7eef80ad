import { defineListener } from '../../domain-events/domain-events.service.ts';

/** Message types that can carry a consent keyword: text, and reply buttons (template quick replies, interactive). */
const MAY_CARRY_KEYWORD = new Set(['text', 'button', 'interactive']);

/**
 * The consent module listens to new customer messages of every workspace: a text or reply button becomes one
 * `consent.keyword` job (idempotent per message; most are not keywords and end after a settings read).
 */
export const consentKeywordListener = defineListener({
  name: 'consent',
  on: ['message.received'],
  job: 'consent.keyword',
  payload: (event) => (MAY_CARRY_KEYWORD.has(event.data.type) ? { messageId: event.data.messageId } : null),
  maxAttempts: 5,
});
