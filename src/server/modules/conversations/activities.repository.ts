import type { ActivityKind, ActivityRow, DbOrTx } from '../../db/types.ts';
import { newId } from '../../../lib/ids.ts';

/** Appends entries to conversations' activity logs (notes, assignment/status/priority changes, automation). */
export async function insertActivities(
  db: DbOrTx,
  rows: Array<{
    workspaceId: string;
    conversationId: string;
    kind: ActivityKind;
    authorUserId: string | null;
    body?: string | null;
    data?: Record<string, unknown>;
    at: Date;
  }>,
): Promise<ActivityRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('conversation_activities')
    .values(
      rows.map((r) => ({
        id: newId(),
        workspace_id: r.workspaceId,
        conversation_id: r.conversationId,
        kind: r.kind,
        author_user_id: r.authorUserId,
        body: r.body ?? null,
        data: JSON.stringify(r.data ?? {}),
        created_at: r.at,
      })),
    )
    .returningAll()
    .execute();
}

/** A page of a conversation's activity, newest first, strictly before the keyset `before`. */
export function listActivities(
  db: DbOrTx,
  input: { workspaceId: string; conversationId: string; limit: number; before?: { at: Date; id: string } },
): Promise<ActivityRow[]> {
  let q = db
    .selectFrom('conversation_activities')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('conversation_id', '=', input.conversationId);
  const before = input.before;
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', before.at),
        eb.and([eb('created_at', '=', before.at), eb('id', '<', before.id)]),
      ]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(input.limit).execute();
}
