import type { z } from 'zod';
import type {
  QuickReplyInputSchema,
  QuickReplySchema,
  QuickReplyUpdateSchema,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, QuickReplyRow } from '../../db/types.ts';
import { duplicateAsConflict, notFound } from '../../lib/app-error.ts';

/** What the quick reply functions use. */
export interface QuickRepliesDeps {
  db: Db;
  clock: Clock;
}

type QuickReplyDto = z.infer<typeof QuickReplySchema>;

const toDto = (r: QuickReplyRow): QuickReplyDto => ({
  id: r.id,
  shortcut: r.shortcut,
  title: r.title,
  body: r.body,
});

/** Canned responses of a workspace, by shortcut (the composer inserts them with `/shortcut`). */
export async function listQuickReplies(
  deps: QuickRepliesDeps,
  workspaceId: string,
): Promise<{ data: QuickReplyDto[] }> {
  const rows = await deps.db
    .selectFrom('quick_replies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('shortcut')
    .limit(1000)
    .execute();
  return { data: rows.map(toDto) };
}

export async function createQuickReply(
  deps: QuickRepliesDeps,
  workspaceId: string,
  input: z.infer<typeof QuickReplyInputSchema>,
): Promise<QuickReplyDto> {
  const now = deps.clock.now();
  const row = await duplicateAsConflict(
    deps.db
      .insertInto('quick_replies')
      .values({ id: newId(), workspace_id: workspaceId, ...input, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow(),
    `The shortcut /${input.shortcut ?? ''} is already used`,
  );
  return toDto(row);
}

export async function updateQuickReply(
  deps: QuickRepliesDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof QuickReplyUpdateSchema>,
): Promise<QuickReplyDto> {
  const row = await duplicateAsConflict(
    deps.db
      .updateTable('quick_replies')
      .set({ ...input, updated_at: deps.clock.now() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
    `The shortcut /${input.shortcut ?? ''} is already used`,
  );
  if (!row) throw notFound('Quick reply');
  return toDto(row);
}

export async function deleteQuickReply(
  deps: QuickRepliesDeps,
  workspaceId: string,
  id: string,
): Promise<void> {
  const res = await deps.db
    .deleteFrom('quick_replies')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound('Quick reply');
}
