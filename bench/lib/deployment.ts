import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './machine.ts';
import { JsonClient } from './http.ts';
import { logPath, runNode, startNode, type ChildHandle } from './processes.ts';

/** Base URL of the local PostgreSQL 15 (trust auth); a fresh database is created per scenario. */
const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export type DatabaseKind = 'postgres' | 'pglite';

/** A business number as registered in Tsunagi (and, for outbound, in the simulator). */
export interface NumberSpec {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  mps: number;
}

/**
 * One Tsunagi deployment for a scenario: a fresh database (a new PostgreSQL database, or a new PGlite data
 * directory), a workspace with an API key, and the server process. `close()` stops the server and drops the
 * database.
 */
export class Deployment {
  readonly appSecret = randomBytes(16).toString('hex');
  private readonly secretKey = randomBytes(32).toString('base64');
  private readonly dbName: string;
  server: ChildHandle | null = null;
  port = 0;
  /** A second process running the worker and scheduler roles, when the scenario splits them off. */
  worker: ChildHandle | null = null;
  workerPort = 0;
  workspaceId = '';
  apiKey = '';
  private apiClient: JsonClient | null = null;
  private monitor: pg.Client | null = null;
  private closed = false;

  constructor(
    readonly kind: DatabaseKind,
    readonly dir: string,
    label: string,
  ) {
    this.dbName = `tsunagi_bench_${label.replace(/\W/g, '_')}_${Date.now()}`;
  }

  /** postgres:// URL of this scenario's database (PostgreSQL only). */
  get databaseUrl(): string {
    return `${PG_BASE}/${this.dbName}`;
  }

  private get dbEnv(): Record<string, string> {
    return this.kind === 'postgres'
      ? { DATABASE_URL: this.databaseUrl, TSUNAGI_SECRET_KEY: this.secretKey }
      : { TSUNAGI_DATA_DIR: path.join(this.dir, 'data'), TSUNAGI_SECRET_KEY: this.secretKey };
  }

  /**
   * Creates the database and the workspace. The CLI opens the database itself, so with PGlite this must run
   * before the server holds the data directory.
   */
  async prepare(): Promise<void> {
    if (this.kind === 'postgres') await adminQuery(`create database ${this.dbName}`);
    const out = await runNode(
      ['bin/tsunagi.js', 'workspace', 'create', '--name', 'Bench', '--json'],
      this.dbEnv,
    );
    const created = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
      workspaceId: string;
      apiKey: string;
    };
    this.workspaceId = created.workspaceId;
    this.apiKey = created.apiKey;
  }

  /** Starts `node bin/tsunagi.js start` and waits for its banner. */
  async start(extraEnv: Record<string, string> = {}, nodeFlags: string[] = []): Promise<ChildHandle> {
    // A port reserved earlier (the simulator needs the webhook URL before the server starts) is kept.
    this.port ||= await freePort();
    this.server = await this.startProcess('tsunagi', this.port, extraEnv, nodeFlags);
    return this.server;
  }

  /**
   * Starts a second server process on the same database with the worker and scheduler roles (ingest, dispatch,
   * jobs), after `start()` was given `TSUNAGI_ROLES: 'api'`: the deployment DESIGN.md §1 describes for more than
   * one core. It keeps the api role on its own port only so that its `/metrics` (ingest counters) can be read,
   * and its roles on one thread (as two processes, not a process with a worker thread beside a second one).
   */
  async startWorker(extraEnv: Record<string, string> = {}, nodeFlags: string[] = []): Promise<ChildHandle> {
    this.workerPort = await freePort();
    this.worker = await this.startProcess(
      'tsunagi-worker',
      this.workerPort,
      { ...extraEnv, TSUNAGI_ROLES: 'api,worker,scheduler', TSUNAGI_WORKER_THREAD: 'off' },
      nodeFlags,
    );
    return this.worker;
  }

  private startProcess(
    name: string,
    port: number,
    extraEnv: Record<string, string>,
    nodeFlags: string[],
  ): Promise<ChildHandle> {
    return startNode({
      name,
      args: ['bin/tsunagi.js', 'start'],
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        WHATSAPP_APP_SECRET: this.appSecret,
        TSUNAGI_SIMULATOR: 'off',
        LOG_LEVEL: 'warn',
        ...this.dbEnv,
        ...extraEnv,
      },
      ready: /is running/,
      logFile: logPath(this.dir, name),
      nodeFlags,
    });
  }

  /** The REST API as the workspace owner. */
  get api(): JsonClient {
    this.apiClient ??= new JsonClient(this.port, { authorization: `Bearer ${this.apiKey}` });
    return this.apiClient;
  }

  /** Registers a number through `POST /api/v1/phone-numbers`; returns Tsunagi's id (uuid) for it. */
  async registerNumber(n: NumberSpec): Promise<string> {
    const created = await this.api.call<{ id: string }>('POST', '/api/v1/phone-numbers', n);
    return created.id;
  }

  /** A read-only SQL query against this scenario's PostgreSQL database (verification after a phase). */
  async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /**
   * Pids of the PostgreSQL processes working for this scenario: backends of its database and the shared
   * auxiliary processes (WAL writer, checkpointer…). Backends of other databases on a shared server are not ours.
   */
  async postgresPids(): Promise<number[]> {
    if (this.kind !== 'postgres') return [];
    if (!this.monitor) {
      this.monitor = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await this.monitor.connect();
    }
    const res = await this.monitor.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = $1 or backend_type <> 'client backend'`,
      [this.dbName],
    );
    return res.rows.map((r) => r.pid);
  }

  /** Stops the server and drops the database (the PGlite data directory stays in the scratch dir for inspection). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.apiClient?.close();
    await this.monitor?.end().catch(() => undefined);
    await this.server?.stop();
    await this.worker?.stop();
    if (this.kind === 'postgres') await adminQuery(`drop database if exists ${this.dbName} with (force)`);
  }
}

/** Runs one statement on the maintenance database (create/drop database, version). */
export async function adminQuery(text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** PostgreSQL's version string for the result files. */
export async function postgresVersion(): Promise<string | null> {
  try {
    const rows = await adminQuery('show server_version');
    return String(rows[0]?.server_version ?? '');
  } catch {
    return null;
  }
}
