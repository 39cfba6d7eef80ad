import type { z } from 'zod';
import type { MessageDto, PageQuerySchema } from '../../../contracts/api.schemas.ts';
import type { Db } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import { findConversation } from '../conversations/conversations.repository.ts';
import { TimeIdKeySchema, decodeCursor, toPage } from '../../lib/paging.rules.ts';
import { findMessage, listConversationMessages } from './messages.repository.ts';
import { toMessageDto } from './messages.service.ts';

/**
 * Read side of messages for the REST API: a conversation's history page by page, and one message with its
 * delivery status.
 */

/**
 * A page of a conversation's messages, newest first; `nextCursor` pages back to older ones. A conversation
 * of another workspace is `not_found`, like a missing one.
 */
export async function listMessages(
  deps: { db: Db },
  workspaceId: string,
  conversationId: string,
  query: z.infer<typeof PageQuerySchema>,
): Promise<{ data: MessageDto[]; nextCursor: string | null }> {
  if (!(await findConversation(deps.db, workspaceId, conversationId))) throw notFound('Conversation');
  const before = query.cursor ? decodeCursor(query.cursor, TimeIdKeySchema) : null;
  const rows = await listConversationMessages(deps.db, {
    workspaceId,
    conversationId,
    limit: query.limit + 1,
    ...(before ? { before: { occurredAt: before.at, id: before.id } } : {}),
  });
  return toPage(rows, query.limit, toMessageDto, (r) => [r.occurred_at.toISOString(), r.id]);
}

/** One message (inbound or outbound) with its current status, error and per-status timestamps. */
export async function getMessage(deps: { db: Db }, workspaceId: string, id: string): Promise<MessageDto> {
  const row = await findMessage(deps.db, workspaceId, id);
  if (!row) throw notFound('Message');
  return toMessageDto(row);
}
