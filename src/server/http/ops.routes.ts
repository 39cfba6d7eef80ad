import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry } from 'prom-client';
import { pingDatabase } from '../db/connect.ts';
import { refreshPipelineGauges } from '../pipeline/pipeline-gauges.service.ts';
import { safeEqual } from '../lib/crypto.ts';
import type { AppContext } from './context.ts';
import { AppError } from '../lib/app-error.ts';

/**
 * Liveness, readiness (start-up finished and the database answers) and Prometheus metrics. `/metrics` requires
 * `Authorization: Bearer <TSUNAGI_METRICS_TOKEN>` when that is set, and is open otherwise (then keep the port
 * private, see docs/security.md).
 */
export async function opsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    if (ctx.startup && !ctx.startup.ready) return reply.code(503).send({ status: 'starting' });
    try {
      await pingDatabase(ctx.db);
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
    await refreshPipelineGauges(ctx);
    const registry = ctx.peerMetrics
      ? AggregatorRegistry.aggregate([await ctx.metrics.registry.getMetricsAsJSON(), await ctx.peerMetrics()])
      : ctx.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
