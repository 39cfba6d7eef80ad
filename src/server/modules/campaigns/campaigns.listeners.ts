import { defineListener } from '../../domain-events/domain-events.service.ts';
import { workspacesWithCampaigns } from './campaigns.repository.ts';

/**
 * Campaign outcomes listen to status changes of outbound messages (ledger status, retries, list hygiene) in
 * workspaces that have launched a campaign; the job finds out whether the message is a campaign's.
 */
export const campaignStatusListener = defineListener({
  name: 'campaigns',
  on: ['message.status_changed'],
  job: 'campaign.message_status',
  payload: (event) => ({ messageId: event.data.messageId }),
  workspaces: workspacesWithCampaigns,
  maxAttempts: 5,
});

/** Campaign reply attribution listens to new customer messages in workspaces that have launched a campaign. */
export const campaignReplyListener = defineListener({
  name: 'campaign_replies',
  on: ['message.received'],
  job: 'campaign.reply',
  payload: (event) => ({ messageId: event.data.messageId }),
  workspaces: workspacesWithCampaigns,
  maxAttempts: 5,
});
