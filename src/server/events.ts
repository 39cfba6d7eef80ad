import { sql } from 'kysely';
import type { RealtimeEvent } from '../contracts/realtime.schemas.ts';
import type { DbOrTx } from './db/types.ts';

/** The NOTIFY channel that carries realtime events between processes. */
export const EVENTS_CHANNEL = 'tsunagi_events';

/**
 * Publishes events inside the caller's transaction: Postgres delivers NOTIFY only at commit, so listeners never
 * see an event for a change that rolled back, and never miss one for a change that committed (while connected).
 * Several events go out as one NOTIFY (a JSON array) to keep the per-message cost low during bursts.
 */
export async function publishEvents(db: DbOrTx, events: RealtimeEvent[]): Promise<void> {
  if (events.length === 0) return;
  // NOTIFY payloads are limited to 8000 bytes: split into chunks well under that.
  let chunk: RealtimeEvent[] = [];
  let size = 2;
  const flush = async () => {
    if (chunk.length === 0) return;
    await sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(chunk)})`.execute(db);
    chunk = [];
    size = 2;
  };
  for (const event of events) {
    const text = JSON.stringify(event);
    if (size + text.length > 7000) await flush();
    if (text.length > 7000) continue; // cannot happen with the bounded schemas; never block the transaction
    chunk.push(event);
    size += text.length + 1;
  }
  await flush();
}
