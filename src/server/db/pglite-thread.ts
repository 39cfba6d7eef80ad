/**
 * The embedded database's own thread (a `worker_threads` worker): it owns the PGlite instance and answers the
 * requests of its clients (`pglite-remote.ts`): the main thread, and the roles thread (`roles-thread.ts`) over a
 * port it attaches. PGlite runs each statement synchronously inside WebAssembly; here that time is spent on this
 * thread, so a long ingest statement never stalls the event loop that acknowledges webhooks.
 *
 * PGlite is one session: its connection lock (`session-lock.ts`, taken with `acquire`/`release`) lives here, so a
 * transaction of one client is never interleaved with another client's statements.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { SessionLock } from './session-lock.ts';

/** What the main thread asks for. `id` pairs a request with its answer. */
export type ThreadRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'listen'; channel: string }
  | { id: number; op: 'unlisten'; channel: string }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' }
  /** Answers once this client holds the connection (until its `release`). */
  | { id: number; op: 'acquire'; urgent: boolean }
  | { id: number; op: 'release' }
  /** Serves another client over `port` (transferred with the message). */
  | { id: number; op: 'attach'; port: MessagePort };

/** What this thread posts back: an answer, a failure (with the driver error's fields), or a notification. */
export type ThreadMessage =
  | { kind: 'ready' }
  | { kind: 'init_failed'; error: SerializedError }
  | { kind: 'ok'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'notify'; channel: string; payload: string };

/** A database error as plain fields (SQLSTATE `code`, `detail`, `constraint`, …) so callers can classify it. */
export interface SerializedError {
  message: string;
  name: string;
  fields: Record<string, unknown>;
}

/** Options the main thread starts the worker with. */
export interface ThreadOptions {
  dataDir: string | undefined;
  /** A data directory tarball to start from (tests clone a migrated template). */
  loadDataDir: ArrayBuffer | undefined;
}

/** int8 (bigint) → number, as on the main thread and with PostgreSQL. */
const INT8_OID = 20;

function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { message: String(err), name: 'Error', fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err))
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return { message: err.message, name: err.name, fields };
}

/** Answers one client's requests on `port` until it closes. */
function serve(pg: PGlite, lock: SessionLock, port: MessagePort): void {
  const client = {};
  const post = (m: ThreadMessage) => port.postMessage(m);
  const unlisteners = new Map<string, () => Promise<void>>();
  port.on('close', () => {
    lock.forget(client);
    for (const unlisten of unlisteners.values()) void unlisten().catch(() => undefined);
    unlisteners.clear();
  });
  port.on('message', (req: ThreadRequest) => {
    void (async () => {
      try {
        let value: unknown;
        switch (req.op) {
          case 'query': {
            const r = await pg.query<Record<string, unknown>>(req.sql, req.params);
            value = { rows: r.rows, affectedRows: r.affectedRows };
            break;
          }
          case 'exec':
            value = (await pg.exec(req.sql)).map((r) => ({ rows: r.rows, affectedRows: r.affectedRows }));
            break;
          case 'acquire':
            await lock.acquire(client, req.urgent);
            break;
          case 'release':
            lock.release(client);
            break;
          case 'attach':
            serve(pg, lock, req.port);
            break;
          case 'listen':
            if (!unlisteners.has(req.channel))
              unlisteners.set(
                req.channel,
                await pg.listen(req.channel, (payload) =>
                  post({ kind: 'notify', channel: req.channel, payload }),
                ),
              );
            break;
          case 'unlisten':
            await unlisteners.get(req.channel)?.();
            unlisteners.delete(req.channel);
            break;
          case 'dump':
            value = await (await pg.dumpDataDir('none')).arrayBuffer();
            break;
          case 'close':
            await pg.close();
            break;
        }
        post({ kind: 'ok', id: req.id, value });
      } catch (err) {
        post({ kind: 'error', id: req.id, error: serializeError(err) });
      }
    })();
  });
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('pglite-thread.ts runs as a worker thread');
  const opts = workerData as ThreadOptions;
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      dataDir: opts.dataDir,
      loadDataDir: opts.loadDataDir ? new Blob([opts.loadDataDir]) : undefined,
      parsers: { [INT8_OID]: (v: string) => Number(v) },
    });
  } catch (err) {
    port.postMessage({ kind: 'init_failed', error: serializeError(err) } satisfies ThreadMessage);
    return;
  }
  serve(pg, new SessionLock(), port);
  port.postMessage({ kind: 'ready' } satisfies ThreadMessage);
}

void main();
