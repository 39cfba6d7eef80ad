import type { DbOrTx, MessageRow } from '../../db/types.ts';

export function findMessage(db: DbOrTx, workspaceId: string, id: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findByIdempotencyKey(
  db: DbOrTx,
  workspaceId: string,
  key: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** A page of a conversation's messages, newest first, older than an optional cursor. */
export function listConversationMessages(
  db: DbOrTx,
  input: {
    workspaceId: string;
    conversationId: string;
    limit: number;
    before?: { occurredAt: Date; id: string };
  },
): Promise<MessageRow[]> {
  let q = db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('conversation_id', '=', input.conversationId);
  if (input.before) {
    const { occurredAt, id } = input.before;
    q = q.where((eb) =>
      eb.or([
        eb('occurred_at', '<', occurredAt),
        eb.and([eb('occurred_at', '=', occurredAt), eb('id', '<', id)]),
      ]),
    );
  }
  return q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(input.limit).execute();
}
