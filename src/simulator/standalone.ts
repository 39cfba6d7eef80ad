import Fastify from 'fastify';
import { systemClock } from '../lib/clock.ts';
import type { Clock } from '../lib/clock.ts';
import { newControlToken } from './control-access.ts';
import type { SimulatorOptions } from './core.ts';
import { GraphError } from './errors.ts';
import { sendGraphError } from './graph.routes.ts';
import { registerSimulatorRoutes } from './routes.ts';
import { Simulator } from './simulator.ts';
import type { NumberRegistration } from './state.ts';

/** Options of {@link startStandaloneSimulator}; anything beyond these can go in `simulator`. */
export interface StandaloneOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  webhookUrl?: string;
  appSecret: string;
  /** Default: the system clock. */
  clock?: Clock;
  statusDelaysMs?: SimulatorOptions['statusDelaysMs'];
  /** The control API's token (default: a random one, see {@link StandaloneSimulator.controlToken}). */
  controlToken?: string;
  /** Business numbers registered at start. */
  numbers?: NumberRegistration[];
  /** Further simulator options (fetch, logger, limits, faults …). */
  simulator?: Omit<
    SimulatorOptions,
    'clock' | 'appSecret' | 'webhookUrl' | 'statusDelaysMs' | 'publicBaseUrl'
  >;
}

/** A running standalone simulator. */
export interface StandaloneSimulator {
  /** Base URL, e.g. `http://127.0.0.1:4010`; the Graph API is at its root, the control API under `/control`. */
  url: string;
  sim: Simulator;
  /** What control calls must send as `Authorization: Bearer <token>`. */
  controlToken: string;
  close(): Promise<void>;
}

/**
 * Runs the simulator as its own HTTP server (for `tsunagi simulator --port P --webhook-url URL --app-secret S`
 * and for tests over real HTTP). Port 0 picks a free port.
 */
export async function startStandaloneSimulator(opts: StandaloneOptions): Promise<StandaloneSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const app = Fastify({ logger: false });
  const sim = new Simulator({
    ...opts.simulator,
    clock: opts.clock ?? systemClock,
    appSecret: opts.appSecret,
    ...(opts.webhookUrl === undefined ? {} : { webhookUrl: opts.webhookUrl }),
    ...(opts.statusDelaysMs === undefined ? {} : { statusDelaysMs: opts.statusDelaysMs }),
  });
  for (const n of opts.numbers ?? []) sim.registerNumber(n);
  const controlToken = opts.controlToken ?? newControlToken();
  await registerSimulatorRoutes(app, sim, { graphPrefix: '', controlPrefix: '/control', controlToken });
  app.setNotFoundHandler((req, reply) =>
    sendGraphError(new GraphError(100, `Unknown path components: ${req.url}`), reply),
  );
  await app.listen({ port: opts.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  sim.setPublicBaseUrl(url);
  return {
    url,
    sim,
    controlToken,
    async close() {
      await sim.close();
      await app.close();
    },
  };
}
