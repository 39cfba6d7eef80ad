import type { Db } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';

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
  if (msg?.direction === 'outbound') {
    const waMediaId = (msg.content[msg.type] as { id?: unknown } | undefined)?.id;
    if (typeof waMediaId !== 'string') throw notFound('Media');
    return storedMedia(db, workspaceId, { wa_media_id: waMediaId, message_id: null });
  }
  if (!msg || msg.media_status === null) throw notFound('Media');
  if (msg.media_status === 'pending')
    throw new AppError('conflict', 'The media is still being downloaded from WhatsApp; try again shortly');
  return storedMedia(db, workspaceId, { message_id: messageId });
}

/** A stored file of the workspace: an inbound message's (by message id) or an upload (by WhatsApp media id). */
async function storedMedia(
  db: Db,
  workspaceId: string,
  key: { message_id: string } | { wa_media_id: string; message_id: null },
): Promise<StoredMedia> {
  let q = db
    .selectFrom('media')
    .select(['data', 'mime_type', 'filename'])
    .where('workspace_id', '=', workspaceId);
  q =
    'wa_media_id' in key
      ? q.where('wa_media_id', '=', key.wa_media_id).where('message_id', 'is', null)
      : q.where('message_id', '=', key.message_id);
  const media = await q.executeTakeFirst();
  if (!media?.data) throw notFound('Media');
  return {
    data: Buffer.from(media.data),
    mimeType: media.mime_type ?? 'application/octet-stream',
    filename: media.filename,
  };
}
