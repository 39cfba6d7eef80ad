/**
 * The background roles' own thread (a `worker_threads` worker): `tsunagi start` with every role runs the `api`
 * role and the dispatcher on the main thread, and the rest of `worker` (ingest, jobs) and `scheduler` here
 * (`roles-remote.ts` starts it). Ingest's JavaScript (parsing, Japanese readings) and listener jobs then never
 * hold the event loop that answers webhooks and the console: the same separation as running `--role api` and
 * `--role worker,scheduler` as two processes, with one data directory and one command.
 *
 * The dispatcher stays with `api` because its sends are paced by timers on a loop that must stay light: on
 * 2 cores, with the dispatcher here beside ingest, 1,000 mps of sends reached 73 % of the rate against 85–87 %
 * on the main thread (README, Benchmarks). It also reads the webhook spool's backlog, which lives there.
 *
 * The thread has its own database handle (PostgreSQL: its own pool; PGlite: a port to the database thread, whose
 * connection lock it shares) and its own metrics registry (the main thread's `/metrics` merges it in).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Config } from './config.ts';
import { attachPglite, openDatabase } from './db/connect.ts';
import { createMetrics } from './lib/metrics.ts';
import { startTsunagi } from './main.ts';

/** What the main thread starts the roles thread with. */
export interface RolesThreadData {
  /** The configuration, with the roles this thread runs. */
  config: Config;
  /** PGlite: a port to the database thread (from `DatabaseHandle.share`). Absent on PostgreSQL. */
  pglitePort: MessagePort | undefined;
}

/** What the main thread asks for; `id` pairs a request with its answer. */
export type RolesRequest = { id: number; op: 'metrics' } | { id: number; op: 'close' };

/** What this thread posts back. */
export type RolesMessage =
  | { kind: 'ready' }
  | { kind: 'start_failed'; message: string; stack: string | undefined }
  | { kind: 'ok'; id: number; value: unknown };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('roles-thread.ts runs as a worker thread');
  const post = (m: RolesMessage) => port.postMessage(m);
  const { config, pglitePort } = workerData as RolesThreadData;
  const metrics = createMetrics();
  let stop: () => Promise<void>;
  try {
    const database = pglitePort
      ? attachPglite(pglitePort)
      : await openDatabase({ databaseUrl: config.databaseUrl, dataDir: null, poolSize: config.dbPoolSize });
    const tsunagi = await startTsunagi(config, {
      database,
      metrics,
      dispatch: false,
    });
    stop = async () => {
      await tsunagi.close();
      await database.close();
    };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ kind: 'start_failed', message: e.message, stack: e.stack });
    return;
  }
  port.on('message', (req: RolesRequest) => {
    void (async () => {
      if (req.op === 'metrics')
        post({ kind: 'ok', id: req.id, value: await metrics.registry.getMetricsAsJSON() });
      else {
        try {
          await stop();
        } finally {
          post({ kind: 'ok', id: req.id, value: null });
          port.close();
        }
      }
    })();
  });
  post({ kind: 'ready' });
}

void main();
