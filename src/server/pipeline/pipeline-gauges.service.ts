import type { Clock } from '../../lib/clock.ts';
import type { Db } from '../db/types.ts';
import { pendingJobCount } from '../jobs/queue.ts';
import type { Metrics } from '../lib/metrics.ts';
import { ingestBacklog, type WebhookSink } from './journal.ts';
import { queueDepthByNumber } from './outbox.repository.ts';

/**
 * Sets the gauges read from the database at scrape time: queue depth per number, ingest backlog (including bodies
 * still in the embedded spool) and lag, jobs.
 */
export async function refreshPipelineGauges(deps: {
  db: Db;
  clock: Clock;
  metrics: Metrics;
  journal: Pick<WebhookSink, 'backlog'>;
}): Promise<void> {
  const { metrics, db, clock } = deps;
  metrics.dispatchQueueDepth.reset();
  for (const row of await queueDepthByNumber(db))
    metrics.dispatchQueueDepth.set({ phone_number_id: row.phone_number_id }, row.depth);
  const b = await ingestBacklog(db);
  metrics.ingestBacklog.set(b.count + deps.journal.backlog);
  metrics.ingestLag.set(b.oldest ? Math.max(0, (clock.nowMs() - b.oldest.getTime()) / 1000) : 0);
  metrics.jobsPending.set(await pendingJobCount(db));
}
