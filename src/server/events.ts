import { sql } from 'kysely';
import type { RealtimeEvent } from '../contracts/realtime.schemas.ts';
import type { DbOrTx } from './db/types.ts';

/** The NOTIFY channel that carries realtime events between processes. */
export const EVENTS_CHANNEL = 'tsunagi_events';

/** Postgres refuses NOTIFY payloads of 8000 bytes or more; keep a margin. */
const MAX_PAYLOAD_BYTES = 7800;

/**
 * Publishes events inside the caller's transaction: Postgres delivers NOTIFY only at commit, so listeners never
 * see an event for a change that rolled back, and never miss one for a change that committed (while connected).
 * Several events go out as one NOTIFY (a JSON array) to keep the per-message cost low during bursts.
 */
export async function publishEvents(db: DbOrTx, events: RealtimeEvent[]): Promise<void> {
  if (events.length === 0) return;
  // NOTIFY payloads are limited to 8000 bytes (bytes, not characters: Japanese text is 3 bytes a character):
  // pack events into chunks under that, then send every chunk in one statement (one round trip).
  const chunks: string[] = [];
  let chunk: string[] = [];
  let size = 2;
  for (const event of events) {
    const text = JSON.stringify(event);
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_PAYLOAD_BYTES) continue; // cannot happen with the bounded schemas; never fail the transaction
    if (size + bytes + 1 > MAX_PAYLOAD_BYTES) {
      chunks.push(`[${chunk.join(',')}]`);
      chunk = [];
      size = 2;
    }
    chunk.push(text);
    size += bytes + 1;
  }
  if (chunk.length > 0) chunks.push(`[${chunk.join(',')}]`);
  // The chunks travel as one JSON array: as a text[] parameter, node-postgres would escape every quote of the JSON
  // inside them again, in JavaScript, on the thread that answers webhooks.
  const payloads = JSON.stringify(chunks);
  await sql`select pg_notify(${EVENTS_CHANNEL}, c) from json_array_elements_text(${payloads}::json) as c`.execute(
    db,
  );
}
