import { Worker } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/connect.ts';
import type { RolesMessage, RolesRequest, RolesThreadData } from './roles-thread.ts';

type Request = RolesRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A metrics registry's contents as plain data (prom-client's `getMetricsAsJSON`). */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/**
 * The background roles (`worker` but its dispatcher, `scheduler`) on their own thread (`roles-thread.ts`), seen
 * from the main thread, which keeps the `api` role and the dispatcher. See that file for why.
 */
export class RolesThread {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();
  private exited: Error | null = null;
  private closing = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: RolesMessage) => {
      if (m.kind !== 'ok') return;
      this.pending.get(m.id)?.resolve(m.value);
      this.pending.delete(m.id);
    });
    worker.on('exit', (code) => {
      this.exited = new Error(`the worker thread exited (code ${code})`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Whether this build can run the thread: only compiled JavaScript (a worker cannot load TypeScript). */
  static available(): boolean {
    return import.meta.url.endsWith('.js');
  }

  /**
   * Starts the thread with `config` (its roles) on the same database, and resolves once its loops run. `onExit`
   * hears of a thread that ends without being closed.
   */
  static async start(opts: {
    config: Config;
    database: DatabaseHandle;
    onExit: (err: Error) => void;
  }): Promise<RolesThread> {
    const pglitePort = opts.database.share ? await opts.database.share() : undefined;
    const workerData: RolesThreadData = { config: opts.config, pglitePort };
    const worker = new Worker(new URL('./roles-thread.js', import.meta.url), {
      workerData,
      transferList: pglitePort ? [pglitePort] : [],
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: RolesMessage) => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'start_failed')
          reject(
            Object.assign(new Error(`the worker thread did not start: ${m.message}`), { stack: m.stack }),
          );
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the worker thread exited while starting (code ${code})`)),
      );
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    worker.removeAllListeners('error');
    worker.removeAllListeners('exit');
    const thread = new RolesThread(worker);
    worker.on('error', (err) => {
      if (!thread.closing) opts.onExit(err);
    });
    worker.on('exit', (code) => {
      if (!thread.closing) opts.onExit(new Error(`the worker thread exited (code ${code})`));
    });
    return thread;
  }

  /** The thread's metrics (ingest's and the jobs' counters), to merge into `/metrics`. */
  async metrics(): Promise<MetricsJson> {
    return (await this.call({ op: 'metrics' })) as MetricsJson;
  }

  /** Stops the roles' loops (a running ingest batch or job finishes) and ends the thread. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // A thread that already ended has nothing left to stop.
    await this.call({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private call(req: Request): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }
}
