import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pendingJobCount } from '../jobs/queue.ts';
import { queueDepthByNumber } from '../pipeline/outbox.repository.ts';
import type { AppContext } from './context.ts';

/** Liveness, readiness (start-up finished and the database answers) and Prometheus metrics. */
export async function opsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    if (ctx.startup && !ctx.startup.ready) return reply.code(503).send({ status: 'starting' });
    try {
      await sql`select 1`.execute(ctx.db);
      return { status: 'ready', database: ctx.database.kind };
    } catch (err) {
      return reply
        .code(503)
        .send({ status: 'unavailable', reason: err instanceof Error ? err.message : String(err) });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    await refreshDatabaseGauges(ctx);
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}

/** Gauges read from the database at scrape time: queue depth per number, ingest backlog and lag, jobs. */
async function refreshDatabaseGauges(ctx: AppContext): Promise<void> {
  const { metrics, db, clock } = ctx;
  metrics.dispatchQueueDepth.reset();
  for (const row of await queueDepthByNumber(db))
    metrics.dispatchQueueDepth.set({ phone_number_id: row.phone_number_id }, row.depth);
  const backlog = await sql<{ n: number; oldest: Date | null }>`
    select count(*)::int as n, min(received_at) as oldest from webhook_events where processed_at is null`.execute(
    db,
  );
  const b = backlog.rows[0];
  metrics.ingestBacklog.set(b?.n ?? 0);
  metrics.ingestLag.set(b?.oldest ? Math.max(0, (clock.nowMs() - new Date(b.oldest).getTime()) / 1000) : 0);
  metrics.jobsPending.set(await pendingJobCount(db));
}
