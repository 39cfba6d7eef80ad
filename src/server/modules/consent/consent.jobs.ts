import type { JobDefinition } from '../../jobs/queue.ts';
import { handleConsentKeywords, type ConsentKeywordDeps } from './consent-keywords.service.ts';

/** The consent module's job: customer messages that may be keywords (see consent-keywords.service.ts). */
export function consentKeywordJob(deps: ConsentKeywordDeps): JobDefinition<'consent.keyword'> {
  return {
    name: 'consent.keyword',
    maxAttempts: 5,
    handle: async ({ messageId, messageIds }) =>
      void (await handleConsentKeywords(deps, [...(messageId ? [messageId] : []), ...(messageIds ?? [])])),
  };
}
