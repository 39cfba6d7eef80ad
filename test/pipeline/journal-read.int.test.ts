import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/lib/clock.ts';
import type { DatabaseHandle } from '../../src/server/db/connect.ts';
import type { DbOrTx } from '../../src/server/db/types.ts';
import { silentLogger } from '../../src/server/lib/logger.ts';
import { createMetrics } from '../../src/server/lib/metrics.ts';
import { InboundIngestor, pendingRows } from '../../src/server/pipeline/ingest.ts';
import { ingestBacklog } from '../../src/server/pipeline/journal.ts';
import { createTestDatabase } from '../support/db.ts';

/** A webhook body with nothing to apply: the ingestor marks it processed and writes nothing else. */
const EMPTY_BODY = '{"object":"whatsapp_business_account","entry":[]}';

/**
 * How ingest reads the journal (migration 20261216100000). Processed rows leave their entries in the pending
 * index; a scan in index order marks the entries it finds dead, so later scans skip them, but a bitmap scan never
 * marks any. The planner chose a bitmap scan whenever it had no statistics on the journal, and each read then went
 * through the entries of every row processed since the last vacuum (8,000–16,000 a read at 1,000 webhooks a second
 * in bench/inbound.ts). Whether a scan may mark an entry depends on every other transaction on the server, so the
 * test checks the kind of scan: rows fetched through the index by a plain index scan (a bitmap scan fetches none
 * that way).
 */
describe('ingest: reading the webhook journal', () => {
  let handle: DatabaseHandle;
  let ingestor: InboundIngestor;
  const clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));

  beforeAll(async () => {
    handle = await createTestDatabase();
    ingestor = new InboundIngestor({
      db: handle.db,
      clock,
      logger: silentLogger,
      metrics: createMetrics(),
      exclusive: handle.kind === 'pglite',
    });
  });
  afterAll(async () => handle?.close());

  const journal = (n: number) =>
    sql`insert into webhook_events (received_at, body, signature_valid)
      select ${clock.now()}, convert_to(${EMPTY_BODY}, 'UTF8'), true from generate_series(1, ${n})`.execute(
      handle.db,
    );

  /**
   * One read, and the rows it fetched through the pending index by a plain index scan: the session's counter (not
   * yet flushed to the statistics views) before and after, in the read's own transaction.
   */
  async function indexFetches(
    read: (tx: DbOrTx) => Promise<number>,
  ): Promise<{ rows: number; fetched: number }> {
    return handle.db.transaction().execute(async (tx) => {
      const counter = async () => {
        const res = await sql<{ n: string }>`
          select pg_stat_get_xact_tuples_fetched('webhook_events_pending_idx'::regclass) as n`.execute(tx);
        return Number(res.rows[0]!.n);
      };
      const before = await counter();
      const rows = await read(tx);
      return { rows, fetched: (await counter()) - before };
    });
  }

  it('reads unprocessed rows in the pending index order, whatever the statistics say', async () => {
    // No statistics on the journal (a new database; a server whose autovacuum is off): the planner guesses a few
    // dozen unprocessed rows among thousands, for which a bitmap scan and a sort look cheapest.
    await journal(6000);
    expect(await ingestor.drain()).toBe(6000);
    await journal(20);

    const claim = await indexFetches(async (tx) => (await pendingRows(tx, clock.now(), 500, true)).length);
    expect(claim).toEqual({ rows: 20, fetched: 20 });
    const unclaimed = await indexFetches(
      async (tx) => (await pendingRows(tx, clock.now(), 500, false)).length,
    );
    expect(unclaimed).toEqual({ rows: 20, fetched: 20 });
    // The backlog count /metrics reports.
    const backlog = await indexFetches(async (tx) => (await ingestBacklog(tx)).count);
    expect(backlog).toEqual({ rows: 20, fetched: 20 });

    expect(await ingestor.drain()).toBe(20);
  });
});
