import type { ActivityDto } from '../../../contracts/api.schemas.ts';
import type { ActivityRow } from '../../db/types.ts';
import { publishEvents } from '../../events.ts';
import { notFound } from '../../lib/app-error.ts';
import { activityEvent } from './conversation-events.rules.ts';
import { insertActivities, listActivities } from './activities.repository.ts';
import { findConversation } from './conversations.repository.ts';
import type { Actor, ConversationsDeps } from './conversations.service.ts';
import { TimeIdKeySchema, decodeCursor, toPage } from '../../lib/paging.rules.ts';

export function toActivityDto(r: ActivityRow): ActivityDto {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    kind: r.kind,
    authorUserId: r.author_user_id,
    body: r.body,
    data: r.data,
    createdAt: r.created_at.toISOString(),
  };
}

/** A page of a conversation's activity log (notes and changes), newest first. */
export async function listConversationActivities(
  deps: ConversationsDeps,
  workspaceId: string,
  conversationId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: ActivityDto[]; nextCursor: string | null }> {
  if (!(await findConversation(deps.db, workspaceId, conversationId))) throw notFound('Conversation');
  const before = page.cursor ? decodeCursor(page.cursor, TimeIdKeySchema) : undefined;
  const rows = await listActivities(deps.db, {
    workspaceId,
    conversationId,
    limit: page.limit + 1,
    ...(before ? { before } : {}),
  });
  return toPage(rows, page.limit, toActivityDto, (r) => [r.created_at.toISOString(), r.id]);
}

/** Adds an internal note to a conversation: visible to the team live, never sent to WhatsApp. */
export async function addConversationNote(
  deps: ConversationsDeps,
  actor: Actor,
  conversationId: string,
  body: string,
): Promise<ActivityDto> {
  const row = await deps.db.transaction().execute(async (tx) => {
    if (!(await findConversation(tx, actor.workspaceId, conversationId))) throw notFound('Conversation');
    const [note] = await insertActivities(tx, [
      {
        workspaceId: actor.workspaceId,
        conversationId,
        kind: 'note',
        authorUserId: actor.userId,
        body,
        at: deps.clock.now(),
      },
    ]);
    if (!note) throw new Error('note not inserted');
    await publishEvents(tx, [activityEvent(note)]);
    return note;
  });
  return toActivityDto(row);
}
