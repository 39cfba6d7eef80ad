import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db } from '../../db/types.ts';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { GraphClient } from '../../whatsapp/graph-client.ts';
import { setMediaStatus } from '../messages/messages.repository.ts';

const MAX_ATTEMPTS = 8;

/**
 * Downloads an inbound message's media (Graph `GET /{media-id}` → short-lived URL → bytes with the bearer
 * token) and stores it, as its own retryable step: a slow or failing download never holds up ingest.
 * Idempotent: a message whose media is stored is skipped.
 */
export function mediaFetchJob(deps: {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  secrets: SecretBox;
}): JobDefinition<'media.fetch'> {
  return {
    name: 'media.fetch',
    maxAttempts: MAX_ATTEMPTS,
    async handle({ messageId, mediaId }, { attempt }) {
      const { db, clock, graph, secrets } = deps;
      const msg = await db
        .selectFrom('messages')
        .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
        .select([
          'messages.id',
          'messages.workspace_id',
          'messages.media_status',
          'messages.type',
          'messages.content',
          'phone_numbers.phone_number_id',
          'phone_numbers.access_token_enc',
        ])
        .where('messages.id', '=', messageId)
        .executeTakeFirst();
      if (!msg || msg.media_status === 'stored') return;
      try {
        const token = secrets.open(msg.access_token_enc);
        const info = await graph.getMedia(mediaId, token, { phoneNumberId: msg.phone_number_id });
        const file = await graph.downloadMedia(info.url, token);
        const filename = (msg.content[msg.type] as { filename?: unknown } | undefined)?.filename;
        await db.transaction().execute(async (tx) => {
          await tx
            .insertInto('media')
            .values({
              id: newId(),
              workspace_id: msg.workspace_id,
              message_id: msg.id,
              wa_media_id: mediaId,
              mime_type: file.mimeType || info.mimeType,
              sha256: info.sha256,
              filename: typeof filename === 'string' ? filename : null,
              size_bytes: file.bytes.length,
              data: file.bytes,
              created_at: clock.now(),
            })
            .execute();
          await setMediaStatus(tx, msg.id, 'stored');
        });
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) await setMediaStatus(db, msg.id, 'failed');
        throw err;
      }
    },
  };
}
