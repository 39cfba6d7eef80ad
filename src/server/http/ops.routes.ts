import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pendingJobCount } from '../jobs/queue.ts';
import { queueDepthByNumber } from '../pipeline/outbox.repository.ts';
import { safeEqual } from '../lib/crypto.ts';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';

/**
 * Liveness, readiness (the database answers) and Prometheus metrics. `/metrics` requires
 * `Authorization: Bearer <TSUNAGI_METRICS_TOKEN>` when that is set, and is open otherwise (then keep the port
 * private, see docs/security.md).
 */
export async function opsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      return { status: 'ready', database: ctx.database.kind };
    } catch (err) {
      return reply
        .code(503)
        .send({ status: 'unavailable', reason: err instanceof Error ? err.message : String(err) });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (ctx.config.metricsToken !== null) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!safeEqual(m?.[1], ctx.config.metricsToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send(
            new AppError('unauthenticated', 'Send Authorization: Bearer <TSUNAGI_METRICS_TOKEN>').toBody(),
          );
      }
    }
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
