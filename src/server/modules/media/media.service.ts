import type { Db } from '../../db/types.ts';
import { AppError, notFound } from '../../http/errors.ts';

export interface StoredMedia {
  data: Buffer;
  mimeType: string;
  filename: string | null;
}

/** The stored bytes of a message's media, scoped to the workspace. Pending downloads are a `conflict`. */
export async function getMessageMedia(db: Db, workspaceId: string, messageId: string): Promise<StoredMedia> {
  const msg = await db
    .selectFrom('messages')
    .select(['id', 'media_status'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', messageId)
    .executeTakeFirst();
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
