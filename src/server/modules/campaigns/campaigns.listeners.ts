import { defineListener } from '../../domain-events/domain-events.service.ts';
import { workspacesWithCampaigns } from './campaigns.repository.ts';

/**
 * Campaign outcomes listen to status changes of outbound messages (ledger status, retries, list hygiene) in
 * workspaces that have launched a campaign; the job finds out which messages are a campaign's. The events of one
 * publish (an ingest batch) become one job per workspace: a broadcast's status webhooks (three per message) would
 * otherwise fill the job queue ahead of the campaign's own release jobs.
 */
export const campaignStatusListener = defineListener({
  name: 'campaigns',
  on: ['message.status_changed'],
  job: 'campaign.message_status',
  payload: (event) => ({ messageId: event.data.messageId }),
  batch: (payloads) => ({ messageIds: messageIdsOf(payloads) }),
  workspaces: workspacesWithCampaigns,
  maxAttempts: 5,
});

/**
 * Campaign reply attribution listens to new customer messages in workspaces that have launched a campaign; one job
 * per workspace and publish.
 */
export const campaignReplyListener = defineListener({
  name: 'campaign_replies',
  on: ['message.received'],
  job: 'campaign.reply',
  payload: (event) => ({ messageId: event.data.messageId }),
  batch: (payloads) => ({ messageIds: messageIdsOf(payloads) }),
  workspaces: workspacesWithCampaigns,
  maxAttempts: 5,
});

/** The distinct message ids of a batch, in event order (a message's statuses in one batch need one look). */
function messageIdsOf(payloads: ReadonlyArray<{ messageId?: string }>): string[] {
  return [...new Set(payloads.flatMap((p) => (p.messageId ? [p.messageId] : [])))];
}
