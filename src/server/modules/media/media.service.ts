import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { Db } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import type { GraphClient } from '../../whatsapp/graph-client.ts';
import { numberWithCredentials } from '../phone-numbers/phone-numbers-graph.service.ts';

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

/** How long a Graph media id uploaded for a number is reused (WhatsApp keeps uploads 30 days). */
export const MEDIA_ID_REUSE_DAYS = 25;

/**
 * A file uploaded through Tsunagi (`POST /api/v1/media`), by the WhatsApp media id that upload answered: its
 * type, or `404 not_found` when the workspace has no such upload (or its bytes are gone).
 */
export async function findUploadedMedia(
  db: Db,
  workspaceId: string,
  waMediaId: string,
): Promise<{ id: string; mimeType: string }> {
  const row = await db
    .selectFrom('media')
    .select(['id', 'mime_type'])
    .where('workspace_id', '=', workspaceId)
    .where('wa_media_id', '=', waMediaId)
    .where('message_id', 'is', null)
    .where('data', 'is not', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!row) throw notFound('Media');
  return { id: row.id, mimeType: row.mime_type ?? 'application/octet-stream' };
}

/** What uploading a stored file for a number needs. */
export interface MediaUploadDeps {
  db: Db;
  clock: Clock;
  graph: () => GraphClient;
  secrets: SecretBox;
}

/**
 * The Graph media id of an uploaded file (`waMediaId`, as `POST /api/v1/media` answered) for sending from one of
 * the workspace's numbers: the id uploaded for that number in the last {@link MEDIA_ID_REUSE_DAYS} days, else the
 * stored bytes uploaded to the number's `/media` now and remembered. Media ids are per number and live 30 days.
 */
export async function mediaIdForNumber(
  deps: MediaUploadDeps,
  workspaceId: string,
  waMediaId: string,
  phoneNumberId: string,
): Promise<string> {
  const media = await findUploadedMedia(deps.db, workspaceId, waMediaId);
  const since = new Date(deps.clock.nowMs() - MEDIA_ID_REUSE_DAYS * 86_400_000);
  const fresh = await deps.db
    .selectFrom('media_number_uploads')
    .select('wa_media_id')
    .where('media_id', '=', media.id)
    .where('phone_number_id', '=', phoneNumberId)
    .where('uploaded_at', '>', since)
    .executeTakeFirst();
  if (fresh) return fresh.wa_media_id;
  const file = await storedMedia(deps.db, workspaceId, { wa_media_id: waMediaId, message_id: null });
  const { creds } = await numberWithCredentials(
    { db: deps.db, clock: deps.clock, graph: deps.graph(), secrets: deps.secrets },
    workspaceId,
    phoneNumberId,
  );
  const uploaded = await deps.graph().uploadMedia(creds, {
    bytes: file.data,
    mimeType: file.mimeType,
    filename: file.filename ?? `media-${newId()}`,
  });
  const now = deps.clock.now();
  await deps.db
    .insertInto('media_number_uploads')
    .values({
      media_id: media.id,
      phone_number_id: phoneNumberId,
      wa_media_id: uploaded.id,
      uploaded_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['media_id', 'phone_number_id']).doUpdateSet({ wa_media_id: uploaded.id, uploaded_at: now }),
    )
    .execute();
  return uploaded.id;
}
