import type { Db } from '../../db/types.ts';
import { AppError, notFound } from '../../http/errors.ts';

export interface StoredMedia {
  data: Buffer;
  mimeType: string;
  filename: string | null;
}

/**
 * The stored bytes of a message's media, scoped to the workspace: for an inbound message the file fetched
 * from WhatsApp (pending downloads are a `conflict`), for an outbound one the copy kept when it was uploaded
 * through Tsunagi (media sent by link or uploaded elsewhere is not stored: `not_found`).
 */
export async function getMessageMedia(db: Db, workspaceId: string, messageId: string): Promise<StoredMedia> {
  const msg = await db
    .selectFrom('messages')
    .select(['id', 'media_status', 'direction', 'type', 'content'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (msg?.direction === 'outbound') return uploadedMedia(db, workspaceId, msg.content[msg.type]);
  if (!msg || msg.media_status === null) throw notFound('Media');
  if (msg.media_status === 'pending')
    throw new AppError('conflict', 'The media is still being downloaded from WhatsApp; try again shortly');
  const media = await db
    .selectFrom('media')
    .select(['data', 'mime_type', 'filename'])
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  if (!media?.data) throw notFound('Media');
  return {
    data: Buffer.from(media.data),
    mimeType: media.mime_type ?? 'application/octet-stream',
    filename: media.filename,
  };
}

async function uploadedMedia(db: Db, workspaceId: string, body: unknown): Promise<StoredMedia> {
  const waMediaId = (body as { id?: unknown } | undefined)?.id;
  if (typeof waMediaId !== 'string') throw notFound('Media');
  const media = await db
    .selectFrom('media')
    .select(['data', 'mime_type', 'filename'])
    .where('workspace_id', '=', workspaceId)
    .where('wa_media_id', '=', waMediaId)
    .where('message_id', 'is', null)
    .executeTakeFirst();
  if (!media?.data) throw notFound('Media');
  return {
    data: Buffer.from(media.data),
    mimeType: media.mime_type ?? 'application/octet-stream',
    filename: media.filename,
  };
}
