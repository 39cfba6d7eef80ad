import type { JobDefinition } from '../../jobs/queue.ts';
import { handleConsentKeyword, type ConsentKeywordDeps } from './consent-keywords.service.ts';

/** The consent module's job: a customer message that may be a keyword (see consent-keywords.service.ts). */
export function consentKeywordJob(deps: ConsentKeywordDeps): JobDefinition<'consent.keyword'> {
  return {
    name: 'consent.keyword',
    maxAttempts: 5,
    handle: async ({ messageId }) => void (await handleConsentKeyword(deps, messageId)),
  };
}
