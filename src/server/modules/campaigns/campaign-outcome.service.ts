/**
 * Outcomes, driven by domain events (as idempotent jobs): a campaign message's status moves its ledger row
 * (campaign-outcome.rules.ts decides; the messages row is read as the truth, so late, repeated or reordered
 * webhooks converge), and a customer's message is attributed as the reply to the campaign message it quotes (a
 * quick-reply tap does), else the latest campaign message sent to them, within 72 h.
 */
import type { DbOrTx, MessageRow } from '../../db/types.ts';
import { markContactUnreachable } from '../contacts/contacts.repository.ts';
import { findIdByWamid, findMessage } from '../messages/messages.repository.ts';
import {
  findLatestReplyable,
  findLedgerMessageIds,
  findLedgerRowByMessage,
  updateLedgerRow,
} from './campaign-ledger.repository.ts';
import { ledgerChange, REPLY_WINDOW_MS, REPLYABLE } from './campaign-outcome.rules.ts';
import { carryPastQuietHours } from './campaign-plan.rules.ts';
import { enqueueRelease } from './campaign-plan.service.ts';
import { findCampaignRow, updateCampaignRow } from './campaigns.repository.ts';
import { toCampaign, type CampaignsDeps } from './campaigns.service.ts';

/** What a status job did (for tests and logs). */
export type StatusOutcome = 'not_campaign' | 'unchanged' | 'advanced' | 'failed' | 'retry_planned';

/**
 * The `campaign.message_status` job: the statuses of one publish. One look finds which messages are a campaign's
 * (in a workspace with a campaign most status changes may still be an agent's); each of those is applied in its own
 * transaction, so a retried job redoes only idempotent steps.
 */
export async function applyMessageStatuses(
  deps: CampaignsDeps,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<StatusOutcome[]> {
  const owned = await findLedgerMessageIds(deps.db, workspaceId, messageIds);
  const outcomes: StatusOutcome[] = [];
  for (const id of messageIds)
    outcomes.push(owned.has(id) ? await applyMessageStatus(deps, workspaceId, id) : 'not_campaign');
  return outcomes;
}

/** One campaign message's status, applied to its ledger row. */
export async function applyMessageStatus(
  deps: CampaignsDeps,
  workspaceId: string,
  messageId: string,
): Promise<StatusOutcome> {
  return deps.db.transaction().execute(async (tx) => {
    const row = await findLedgerRowByMessage(tx, workspaceId, messageId);
    if (!row) return 'not_campaign';
    const m = await findMessage(tx, workspaceId, messageId);
    if (!m) return 'unchanged';
    const now = deps.clock.now();
    const change = ledgerChange(
      row.status,
      row.attempt,
      {
        status: m.status,
        errorCode: m.error_code,
        sentAt: m.sent_at,
        deliveredAt: m.delivered_at,
        readAt: m.read_at,
        failedAt: m.failed_at,
      },
      now,
    );
    const key = { workspaceId, campaignId: row.campaign_id, contactId: row.contact_id };
    const guard = { messageId };
    switch (change.kind) {
      case 'none':
        return 'unchanged';
      case 'advance':
        await updateLedgerRow(
          tx,
          key,
          { status: change.status, [`${change.status}_at`]: change.at, updated_at: now },
          guard,
        );
        return 'advanced';
      case 'fail':
        await updateLedgerRow(
          tx,
          key,
          { status: 'failed', error_code: change.errorCode, failed_at: change.at, updated_at: now },
          guard,
        );
        if (change.markUnreachable) await markContactUnreachable(tx, workspaceId, row.contact_id, now);
        return 'failed';
      case 'retry':
        await planRetry(
          tx,
          deps,
          { workspaceId, campaignId: row.campaign_id, contactId: row.contact_id },
          {
            messageId,
            attempt: row.attempt + 1,
            errorCode: change.errorCode,
            dueAt: change.dueAt,
            timeZone: row.time_zone,
          },
        );
        return 'retry_planned';
    }
  });
}

/**
 * A 131049 retry: the same ledger row planned again as the next attempt (the failed message stays linked as
 * `retry_of_message_id`), due 24 h later and outside quiet hours; a completed campaign runs again for it.
 */
async function planRetry(
  tx: DbOrTx,
  deps: CampaignsDeps,
  key: { workspaceId: string; campaignId: string; contactId: string },
  retry: { messageId: string; attempt: number; errorCode: number; dueAt: Date; timeZone: string | null },
): Promise<void> {
  const campaign = await findCampaignRow(tx, key.workspaceId, key.campaignId, 'update');
  if (!campaign) return;
  const c = toCampaign(campaign);
  const now = deps.clock.now();
  const due = carryPastQuietHours(retry.dueAt, retry.timeZone ?? 'UTC', c.quietHours);
  const changed = await updateLedgerRow(
    tx,
    key,
    {
      status: 'planned',
      attempt: retry.attempt,
      message_id: null,
      retry_of_message_id: retry.messageId,
      error_code: retry.errorCode,
      due_at: due,
      updated_at: now,
    },
    { messageId: retry.messageId },
  );
  if (changed === 0) return;
  if (campaign.status === 'completed')
    await updateCampaignRow(tx, key.workspaceId, key.campaignId, {
      status: 'running',
      completed_at: null,
      updated_at: now,
    });
  await enqueueRelease(tx, deps, key.workspaceId, key.campaignId, due);
}

/**
 * The `campaign.reply` job: attributes a customer message to the campaign message it answers — the one it quotes
 * (`context.id`: a quick-reply tap or a swiped reply names the message it answers) when that is a campaign message
 * of the last 72 h, else the latest campaign message of the last 72 h.
 */
export async function attributeReply(
  deps: CampaignsDeps,
  workspaceId: string,
  messageId: string,
): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const m = await findMessage(tx, workspaceId, messageId);
    if (!m || m.direction !== 'inbound') return false;
    const window = { from: new Date(m.occurred_at.getTime() - REPLY_WINDOW_MS), to: m.occurred_at };
    const quoted = await quotedLedgerRow(tx, m);
    const row =
      quoted && quoted.queued_at !== null && quoted.queued_at >= window.from
        ? quoted
        : await findLatestReplyable(tx, { workspaceId, contactId: m.contact_id, ...window });
    if (!row || !REPLYABLE.includes(row.status) || row.replied_at) return false;
    await updateLedgerRow(
      tx,
      { workspaceId, campaignId: row.campaign_id, contactId: row.contact_id },
      { status: 'replied', replied_at: m.occurred_at, updated_at: deps.clock.now() },
    );
    return true;
  });
}

/** The ledger row of the campaign message an inbound message quotes (`context.id`), locked; none without one. */
async function quotedLedgerRow(tx: DbOrTx, m: MessageRow) {
  const context = m.content.context as { id?: unknown } | undefined;
  if (typeof context?.id !== 'string') return undefined;
  const id = await findIdByWamid(tx, {
    workspaceId: m.workspace_id,
    phoneNumberId: m.phone_number_id,
    wamid: context.id,
  });
  return id ? findLedgerRowByMessage(tx, m.workspace_id, id) : undefined;
}
