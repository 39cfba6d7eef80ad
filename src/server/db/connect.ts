import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { MessagePort } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.ts';
import { PGlitePool } from './pglite-pool.ts';
import { SessionLock } from './session-lock.ts';
import { PgliteThread, type PgliteConnection } from './pglite-remote.ts';
import type { Database, Db } from './types.ts';

/** int8 (bigint) → number: counts and identity ids stay far below 2^53. */
const INT8_OID = 20;

/**
 * An open database: the typed query builder plus the two things Kysely does not cover, LISTEN/NOTIFY, and
 * closing the underlying driver. One code path for PostgreSQL and embedded PGlite.
 */
export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Subscribes to a NOTIFY channel. Returns an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * The database for latency-critical writes (the webhook journal): on PGlite the same connection, but ahead
   * of queued background work; on PostgreSQL the same pool.
   */
  urgentDb?: Db;
  /** PGlite only: the data directory as a tarball (tests clone a migrated template from it). */
  dump?: () => Promise<Blob>;
  /**
   * PGlite on its own thread only: a port through which another thread opens the same database
   * ({@link attachPglite}); the connection lock is shared, so transactions never interleave.
   */
  share?: () => Promise<MessagePort>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… → PostgreSQL; null → PGlite in `dataDir` (or in memory when dataDir is null). */
  databaseUrl: string | null;
  dataDir: string | null;
  poolSize?: number;
  /** A PGlite data directory tarball to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob;
}

/** Opens PostgreSQL or PGlite. For PGlite on disk, the data directory is locked against other processes. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir, opts.loadDataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID
        ? (v: string) => Number(v)
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  // JIT off: PostgreSQL compiles any query its planner costs high (the analytics reads over a million messages), and
  // the compilation took ~170 ms of a 330 ms query there — more than it ever saved at Tsunagi's sizes. Options in
  // DATABASE_URL (`?options=…`) are the operator's and are kept instead.
  const options = /[?&]options=/.test(url) ? {} : { options: '-c jit=off' };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, ...options });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Errors surface on the next query.
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.Client | null = null;
  let closed = false;

  const connectListener = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url, types });
    client.on('notification', (msg) => {
      for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    client.on('error', () => {
      // Reconnect and re-listen; notifications sent meanwhile are lost, so consumers also poll.
      listenClient = null;
      if (!closed) setTimeout(() => void ensureListener().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    for (const channel of listeners.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    return client;
  };
  const ensureListener = async (): Promise<pg.Client> => {
    listenClient ??= await connectListener();
    return listenClient;
  };

  return {
    db,
    kind: 'postgres',
    async listen(channel, onPayload) {
      let set = listeners.get(channel);
      const first = !set;
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(onPayload);
      const client = await ensureListener();
      if (first) await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        set.delete(onPayload);
      };
    },
    async close() {
      closed = true;
      await listenClient?.end().catch(() => undefined);
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<DatabaseHandle> {
  const unlock = dataDir ? lockDataDir(path.resolve(dataDir)) : () => undefined;
  let pglite: PgliteConnection;
  const dir = dataDir ? path.join(path.resolve(dataDir), 'pglite') : undefined;
  try {
    // Compiled, PGlite runs on its own thread so its synchronous statements never stall this event loop;
    // from TypeScript sources (tests, scripts) it runs in-process.
    pglite = PgliteThread.available()
      ? await PgliteThread.start({ dataDir: dir, loadDataDir })
      : inProcess(
          await PGlite.create({
            dataDir: dir,
            loadDataDir,
            parsers: { [INT8_OID]: (v: string) => Number(v) },
          }),
        );
  } catch (err) {
    unlock();
    throw err;
  }
  return pgliteHandle(pglite, unlock);
}

/**
 * The embedded database opened by another thread, reached over a port from its `share()`. Closing this handle
 * closes the port only; the thread that opened the database closes it (and releases the data directory).
 */
export function attachPglite(port: MessagePort): DatabaseHandle {
  return pgliteHandle(PgliteThread.connect(port), () => undefined);
}

function pgliteHandle(pglite: PgliteConnection, unlock: () => void): DatabaseHandle {
  const pool = new PGlitePool(pglite);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const urgentDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool.urgent() }) });
  return {
    db,
    urgentDb,
    kind: 'pglite',
    listen: (channel, onPayload) => pglite.listen(channel, onPayload),
    dump: () => pglite.dumpDataDir(),
    ...(pglite instanceof PgliteThread ? { share: () => pglite.attach() } : {}),
    async close() {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

/** An in-process PGlite instance behind the same interface as the thread: this thread is its one client. */
function inProcess(pg: PGlite): PgliteConnection {
  const lock = new SessionLock();
  const client = {};
  return {
    acquire: (urgent) => lock.acquire(client, urgent),
    release: () => lock.release(client),
    query: (sql, params) => pg.query(sql, params),
    exec: (sql) => pg.exec(sql),
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    dumpDataDir: () => pg.dumpDataDir('none'),
    close: () => pg.close(),
  };
}

function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Whether the database answers a trivial query (readiness probes); throws the driver's error if not. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
