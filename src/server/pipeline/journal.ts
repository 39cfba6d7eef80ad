import { sql } from 'kysely';
import type { Clock } from '../../lib/clock.ts';
import type { Db } from '../db/types.ts';

/** NOTIFY channel that wakes ingest workers when new webhook rows are journaled. */
export const WEBHOOKS_CHANNEL = 'tsunagi_webhooks';

interface Pending {
  body: Buffer;
  signatureValid: boolean;
  resolve: (id: number) => void;
  reject: (err: unknown) => void;
}

/**
 * Durably journals raw webhook bodies before the receiver answers 200 (DESIGN.md §5).
 *
 * Requests that arrive together are written by one multi-row INSERT (group commit): each request still waits
 * for its own row to be committed, but a burst of 1,000 POSTs costs a handful of transactions rather than
 * 1,000 fsyncs. At most `maxInFlight` INSERTs run at once; what arrives meanwhile forms the next batch.
 */
export class WebhookJournal {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly opts: { maxBatch?: number; maxInFlight?: number } = {},
  ) {}

  /** Resolves with the journal row id once the body is committed. */
  append(body: Buffer, signatureValid: boolean): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ body, signatureValid, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const maxInFlight = this.opts.maxInFlight ?? 4;
    const maxBatch = this.opts.maxBatch ?? 500;
    while (this.queue.length > 0 && this.inFlight < maxInFlight) {
      const batch = this.queue.splice(0, maxBatch);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const now = this.clock.now();
      const rows = await this.db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('webhook_events')
          .values(batch.map((p) => ({ received_at: now, body: p.body, signature_valid: p.signatureValid })))
          .returning('id')
          .execute();
        await sql`select pg_notify(${WEBHOOKS_CHANNEL}, '')`.execute(tx);
        return inserted;
      });
      // INSERT … RETURNING yields rows in VALUES order.
      batch.forEach((p, i) => p.resolve(rows[i]?.id ?? -1));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
