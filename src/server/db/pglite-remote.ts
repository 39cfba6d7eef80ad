import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { SerializedError, ThreadMessage, ThreadOptions, ThreadRequest } from './pglite-thread.ts';

/** The part of PGlite Tsunagi uses; the in-process instance and the thread proxy both provide it. */
export interface PgliteConnection {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(sql: string): Promise<Array<{ rows: Array<Record<string, unknown>>; affectedRows?: number }>>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  dumpDataDir(): Promise<Blob>;
  close(): Promise<void>;
  /** Takes PGlite's one session for this caller until `release` (`session-lock.ts`; urgent callers first). */
  acquire(urgent: boolean): Promise<void>;
  release(): void;
}

type Request = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * PGlite on its own thread (`pglite-thread.ts`), seen from one client: the thread that started it, or another
 * thread over a port attached with {@link attach}. Every call is a message to the database thread and its
 * answer; results keep their types (Date, Uint8Array, JSON) through structured cloning, and a database error
 * comes back as an `Error` carrying the driver's fields (`code`, `detail`, `constraint`, …), so error
 * classification works as in-process. Worth its small cost per statement (a message each way) because the
 * statements themselves — synchronous WebAssembly — no longer run on the thread that answers HTTP.
 */
export class PgliteThread implements PgliteConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private exited: Error | null = null;

  /** `worker` when this client started the thread (and closes it); a port attached to it otherwise. */
  private constructor(private readonly endpoint: Worker | MessagePort) {
    endpoint.on('message', (m: ThreadMessage) => this.onMessage(m));
    if (endpoint instanceof Worker) {
      endpoint.on('error', (err) => this.fail(err));
      endpoint.on('exit', (code) => this.fail(new Error(`the database thread exited (code ${code})`)));
    } else {
      endpoint.on('close', () => this.fail(new Error('the database thread closed this connection')));
    }
  }

  /** A client over a port made by {@link attach} in another thread. Closing it closes the port, not PGlite. */
  static connect(port: MessagePort): PgliteThread {
    return new PgliteThread(port);
  }

  /** Starts the thread and opens PGlite in it; rejects with PGlite's error if it cannot open. */
  static async start(opts: { dataDir?: string; loadDataDir?: Blob }): Promise<PgliteThread> {
    const workerData: ThreadOptions = {
      dataDir: opts.dataDir,
      loadDataDir: opts.loadDataDir ? await opts.loadDataDir.arrayBuffer() : undefined,
    };
    const worker = new Worker(new URL('./pglite-thread.js', import.meta.url), { workerData });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: ThreadMessage) => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'init_failed') reject(toError(m.error));
        else return;
        worker.off('message', onMessage);
        worker.off('error', reject);
      };
      worker.on('message', onMessage);
      worker.on('error', reject);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return new PgliteThread(worker);
  }

  /** Whether this build can run the thread: only compiled JavaScript (a worker cannot load TypeScript). */
  static available(): boolean {
    return import.meta.url.endsWith('.js');
  }

  query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; affectedRows?: number }> {
    return this.call({ op: 'query', sql, params }) as Promise<{ rows: T[]; affectedRows?: number }>;
  }

  exec(sql: string): Promise<Array<{ rows: Array<Record<string, unknown>>; affectedRows?: number }>> {
    return this.call({ op: 'exec', sql }) as Promise<
      Array<{ rows: Array<Record<string, unknown>>; affectedRows?: number }>
    >;
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      await this.call({ op: 'listen', channel });
    }
    set.add(onPayload);
    return async () => {
      set.delete(onPayload);
      if (set.size === 0 && this.channels.get(channel) === set) {
        this.channels.delete(channel);
        await this.call({ op: 'unlisten', channel });
      }
    };
  }

  /** A port for another thread to reach the same database with {@link connect}. */
  async attach(): Promise<MessagePort> {
    const { port1, port2 } = new MessageChannel();
    await this.call({ op: 'attach', port: port2 }, [port2]);
    return port1;
  }

  async acquire(urgent: boolean): Promise<void> {
    await this.call({ op: 'acquire', urgent });
  }

  release(): void {
    // Answered like any call; nothing waits for it (the thread handles this client's messages in order).
    void this.call({ op: 'release' }).catch(() => undefined);
  }

  async dumpDataDir(): Promise<Blob> {
    return new Blob([(await this.call({ op: 'dump' })) as ArrayBuffer]);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const endpoint = this.endpoint;
    if (!(endpoint instanceof Worker)) {
      this.fail(new Error('this database connection is closed'));
      endpoint.close();
      return;
    }
    try {
      await this.call({ op: 'close' });
    } finally {
      await endpoint.terminate();
    }
  }

  private call(req: Request, transfer: MessagePort[] = []): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ ...req, id }, transfer);
    });
  }

  private onMessage(m: ThreadMessage): void {
    if (m.kind === 'notify') {
      for (const fn of this.channels.get(m.channel) ?? []) fn(m.payload);
      return;
    }
    if (m.kind !== 'ok' && m.kind !== 'error') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.kind === 'ok') p.resolve(m.value);
    else p.reject(toError(m.error));
  }

  /** The thread died: every waiting call fails, and so does every later one. */
  private fail(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

function toError(e: SerializedError): Error {
  const err = Object.assign(new Error(e.message), e.fields);
  err.name = e.name;
  return err;
}
