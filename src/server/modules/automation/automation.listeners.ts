import { defineListener } from '../../domain-events/domain-events.service.ts';
import { automationEnabledWorkspaces } from './automation-context.repository.ts';

/** Message types automation never answers: reactions, system notices, what WhatsApp could not deliver. */
const NOT_FOR_AUTOMATION = new Set(['reaction', 'system', 'unsupported', 'errors']);

/**
 * The automation engine listens to new customer messages of workspaces with automation on: each becomes one
 * `automation.inbound` job (the engine's decision is idempotent per message).
 */
export const automationInboundListener = defineListener({
  name: 'automation',
  on: ['message.received'],
  job: 'automation.inbound',
  payload: (event) => (NOT_FOR_AUTOMATION.has(event.data.type) ? null : { messageId: event.data.messageId }),
  workspaces: automationEnabledWorkspaces,
  maxAttempts: 5,
});
