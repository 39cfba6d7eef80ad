import type { FastifyInstance } from 'fastify';
import { loopbackWebhookUrl } from './control-access.ts';
import { controlRoutes } from './control.routes.ts';
import { graphRoutes } from './graph.routes.ts';
import { coreOf } from './simulator.ts';
import type { Simulator } from './simulator.ts';

/** Where the two APIs are mounted. */
export interface SimulatorRouteOptions {
  /** `''` standalone, `'/simulator/graph'` embedded in the Tsunagi server. */
  graphPrefix: string;
  /** `'/control'` standalone, `'/simulator/control'` embedded. */
  controlPrefix: string;
  /** The control API's token: every control call must present it (`Authorization: Bearer <token>`). */
  controlToken: string;
  /** Where `POST /control/webhook` may point webhooks (default: loopback hosts only). */
  webhookUrlAllowed?: (url: URL) => boolean;
}

/**
 * Fastify plugin registering the Graph API routes under `graphPrefix` ('' standalone, '/simulator/graph'
 * embedded) and the control API under `controlPrefix` ('/control' standalone, '/simulator/control' embedded),
 * which answers only to `controlToken`.
 * Each lives in its own encapsulated context, so the simulator's content-type parsers (multipart, raw JSON),
 * error handlers and hooks never leak into the host app.
 */
export async function registerSimulatorRoutes(
  app: FastifyInstance,
  sim: Simulator,
  opts: SimulatorRouteOptions,
): Promise<void> {
  const core = coreOf(sim);
  await app.register(async (graph) => graphRoutes(graph, core, opts.graphPrefix), {
    prefix: opts.graphPrefix,
  });
  const access = {
    token: opts.controlToken,
    webhookUrlAllowed: opts.webhookUrlAllowed ?? loopbackWebhookUrl,
  };
  await app.register(async (control) => controlRoutes(control, sim, core, access), {
    prefix: opts.controlPrefix,
  });
}
