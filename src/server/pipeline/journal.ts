import { sql } from 'kysely';
import type { Clock } from '../../lib/clock.ts';
import type { Db, DbOrTx } from '../db/types.ts';

/** NOTIFY channel that wakes ingest workers when new webhook rows are journaled. */
export const WEBHOOKS_CHANNEL = 'tsunagi_webhooks';

/**
 * Where the webhook receiver makes a body durable before answering 200: `webhook_events` directly (PostgreSQL,
 * in-memory PGlite) or the embedded spool file (PGlite with a data directory, `journal-spool.ts`).
 */
export interface WebhookSink {
  /** Resolves once the body is durable. */
  append(body: Buffer, signatureValid: boolean): Promise<void>;
  /** Resolves once everything appended so far is in `webhook_events`. */
  flush(): Promise<void>;
  /** Bodies durable but not yet in `webhook_events`. */
  readonly backlog: number;
  /**
   * When the oldest body that is durable but not yet in `webhook_events` was received; null when there is none.
   * Reconciliation of unknown sends must not conclude "no status webhook arrived" while such a body waits.
   */
  readonly oldestBacklogAt: Date | null;
  close(): Promise<void>;
}

interface Pending {
  body: Buffer;
  signatureValid: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Durably journals raw webhook bodies before the receiver answers 200 (DESIGN.md §5).
 *
 * Requests that arrive together are written by one multi-row INSERT (group commit): each request still waits
 * for its own row to be committed, but a burst of 1,000 POSTs costs a handful of transactions rather than
 * 1,000 fsyncs. At most `maxInFlight` INSERTs run at once; what arrives meanwhile forms the next batch.
 */
export class WebhookJournal implements WebhookSink {
  /** Appends resolve only once their rows are committed: nothing is ever held back here. */
  readonly backlog = 0;
  readonly oldestBacklogAt = null;

  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly opts: { maxBatch?: number; maxInFlight?: number } = {},
  ) {}

  /** Resolves once the body is committed. */
  append(body: Buffer, signatureValid: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ body, signatureValid, resolve, reject });
      this.pump();
    });
  }

  async flush(): Promise<void> {
    // Each append resolves after its own commit; callers that awaited their appends have nothing to flush.
  }

  async close(): Promise<void> {}

  private pump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Wait for the rest of this turn of the event loop: every request whose body has arrived by then joins
    // the batch. Without it a fast database empties the queue one request at a time and nothing is grouped.
    setImmediate(() => {
      this.scheduled = false;
      const maxInFlight = this.opts.maxInFlight ?? 4;
      const maxBatch = this.opts.maxBatch ?? 500;
      while (this.queue.length > 0 && this.inFlight < maxInFlight) {
        const batch = this.queue.splice(0, maxBatch);
        this.inFlight++;
        void this.write(batch).finally(() => {
          this.inFlight--;
          if (this.queue.length > 0) this.pump();
        });
      }
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const now = this.clock.now();
      // One statement (one round trip, atomic on its own): insert the batch and wake the ingest workers.
      const values = sql.join(
        batch.map((p) => sql`(${now}::timestamptz, ${p.body}::bytea, ${p.signatureValid}::boolean)`),
      );
      await sql`
        with ins as (insert into webhook_events (received_at, body, signature_valid) values ${values} returning 1),
        wake as (select pg_notify(${WEBHOOKS_CHANNEL}, ''))
        select count(*) from ins cross join wake`.execute(this.db);
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

/**
 * Journal rows not yet ingested, and when the oldest of them arrived (for /metrics). A database function that reads
 * the pending index in order (migration 20261216100000), as ingest's own read does.
 */
export async function ingestBacklog(db: DbOrTx): Promise<{ count: number; oldest: Date | null }> {
  const res = await sql<{ n: number; oldest: Date | null }>`
    select pending::int as n, oldest from tsunagi_webhook_backlog()`.execute(db);
  const row = res.rows[0];
  return { count: row?.n ?? 0, oldest: row?.oldest ? new Date(row.oldest) : null };
}
