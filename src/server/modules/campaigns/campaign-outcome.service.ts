/**
 * Outcomes, driven by domain events (as idempotent jobs): a campaign message's status moves its ledger row
 * (campaign-outcome.rules.ts decides; the messages row is read as the truth, so late, repeated or reordered
 * webhooks converge), and a customer's message is attributed as the reply to the campaign message it quotes (a
 * quick-reply tap does), else the latest campaign message sent to them, within 72 h.
 */
import type { DbOrTx, MessageRow } from '../../db/types.ts';
import { markContactUnreachable } from '../contacts/contacts.repository.ts';
import { findIdByWamid, findMessage, findMessageOutcomes } from '../messages/messages.repository.ts';
import {
  advanceLedgerRows,
  findLatestReplyable,
  findLedgerMessageIds,
  findLedgerRowsByMessages,
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
 * The `campaign.message_status` job: the statuses of one publish or more (jobs of one workspace run together). One
 * transaction: the ledger rows owning these messages are locked, each row's change is decided from its message
 * (the truth, so late, repeated or reordered webhooks converge), the forward moves are written in one statement, and
 * the rare failures and 131049 retries row by row. Rerunning it changes nothing more (every step is idempotent).
 * Returns, per message id given, what happened.
 */
export async function applyMessageStatuses(
  deps: CampaignsDeps,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<StatusOutcome[]> {
  const owned = await findLedgerMessageIds(deps.db, workspaceId, messageIds);
  const outcomeOf = new Map<string, StatusOutcome>();
  const ownedIds = [...owned];
  for (let i = 0; i < ownedIds.length; i += STATUS_CHUNK) {
    const chunk = ownedIds.slice(i, i + STATUS_CHUNK);
    await deps.db.transaction().execute(async (tx) => {
      const rows = await findLedgerRowsByMessages(tx, workspaceId, chunk);
      const messages = await findMessageOutcomes(tx, workspaceId, chunk);
      const now = deps.clock.now();
      const advances: Parameters<typeof advanceLedgerRows>[3][number][] = [];
      for (const row of rows) {
        const messageId = row.message_id as string;
        const m = messages.get(messageId);
        if (!m) {
          outcomeOf.set(messageId, 'unchanged');
          continue;
        }
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
        switch (change.kind) {
          case 'none':
            outcomeOf.set(messageId, 'unchanged');
            break;
          case 'advance':
            advances.push({ ...key, messageId, status: change.status, at: change.at });
            outcomeOf.set(messageId, 'advanced');
            break;
          case 'fail':
            await updateLedgerRow(
              tx,
              key,
              { status: 'failed', error_code: change.errorCode, failed_at: change.at, updated_at: now },
              { messageId },
            );
            if (change.markUnreachable) await markContactUnreachable(tx, workspaceId, row.contact_id, now);
            outcomeOf.set(messageId, 'failed');
            break;
          case 'retry':
            await planRetry(tx, deps, key, {
              messageId,
              attempt: row.attempt + 1,
              errorCode: change.errorCode,
              dueAt: change.dueAt,
              timeZone: row.time_zone,
            });
            outcomeOf.set(messageId, 'retry_planned');
            break;
        }
      }
      await advanceLedgerRows(tx, workspaceId, now, advances);
    });
  }
  return messageIds.map((id) => outcomeOf.get(id) ?? 'not_campaign');
}

/** Ledger rows locked and written per transaction of `applyMessageStatuses`. */
const STATUS_CHUNK = 500;

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
  return id ? (await findLedgerRowsByMessages(tx, m.workspace_id, [id]))[0] : undefined;
}
