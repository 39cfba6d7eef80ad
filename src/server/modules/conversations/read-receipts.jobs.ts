import type { Clock } from '../../../lib/clock.ts';
import type { ConversationRow, Db, DbOrTx } from '../../db/types.ts';
import { enqueueJob, type JobDefinition } from '../../jobs/queue.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { GraphClient } from '../../whatsapp/graph-client.ts';

const JOB = 'whatsapp.read' as const;
/** A typing indicator shows for up to 25 s on the phone; one per inbound message per window of this length. */
const TYPING_BUCKET_MS = 20_000;

/**
 * Queues, in the caller's transaction, "read" (blue ticks) for the customer's latest message of a
 * conversation, optionally with the typing indicator (the agent is writing a reply). Nothing to do when the
 * customer has not written (or only with messages we never received a wamid for). Deduplicated per message,
 * and per 20 s for typing, so an agent opening a conversation ten times sends one receipt.
 */
export async function enqueueReadReceipt(
  tx: DbOrTx,
  clock: Clock,
  conversation: Pick<ConversationRow, 'id' | 'workspace_id'>,
  opts: { typing: boolean },
): Promise<boolean> {
  const latest = await tx
    .selectFrom('messages')
    .select('id')
    .where('workspace_id', '=', conversation.workspace_id)
    .where('conversation_id', '=', conversation.id)
    .where('direction', '=', 'inbound')
    .where('wamid', 'is not', null)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return false;
  const dedupeKey = opts.typing
    ? `typing:${latest.id}:${Math.floor(clock.now().getTime() / TYPING_BUCKET_MS)}`
    : `read:${latest.id}`;
  await enqueueJob(
    tx,
    clock,
    JOB,
    { messageId: latest.id, typing: opts.typing },
    {
      workspaceId: conversation.workspace_id,
      dedupeKey,
      maxAttempts: 5,
    },
  );
  return true;
}

/**
 * Sends a queued read receipt / typing indicator to the Cloud API. Best effort: a receipt that keeps failing
 * is dropped after 5 attempts (recorded on the job), since the customer's message was answered anyway.
 */
export function readReceiptJob(deps: {
  db: Db;
  graph: GraphClient;
  secrets: SecretBox;
}): JobDefinition<typeof JOB> {
  return {
    name: JOB,
    maxAttempts: 5,
    async handle({ messageId, typing }) {
      const msg = await deps.db
        .selectFrom('messages')
        .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
        .select(['messages.wamid', 'phone_numbers.phone_number_id', 'phone_numbers.access_token_enc'])
        .where('messages.id', '=', messageId)
        .executeTakeFirst();
      if (!msg?.wamid) return;
      await deps.graph.markRead(
        { phoneNumberId: msg.phone_number_id, accessToken: deps.secrets.open(msg.access_token_enc) },
        msg.wamid,
        { typing },
      );
    },
  };
}
