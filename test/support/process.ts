import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { systemClock } from '../../src/lib/clock.ts';
import { openDatabase, type DatabaseHandle } from '../../src/server/db/connect.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { createPostgresDatabase, pgliteTemplate } from './db.ts';

/**
 * Helpers for cross-process tests: real `tsunagi` processes (spawned from `bin/tsunagi.js`, the same entry
 * point users run) that a test can SIGKILL and restart on the same database, their databases (a PGlite data
 * directory in a temporary folder, or a PostgreSQL database cloned from the migrated template), and bounded
 * polling instead of sleeps.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO, 'bin', 'tsunagi.js');
/** What `tsunagi start` prints once it serves (see `printBanner`). */
const BANNER = 'Tsunagi つなぎ is running';
const OUTPUT_KEEP = 64 * 1024;

/** Every child this test process spawned and has not seen exit; killed by `killAllProcesses` and on exit. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (listen on 0, read the port, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` every `intervalMs` until it returns a truthy value (which is returned) or `timeoutMs` passes
 * (then throws, naming `what` and the last probe error). Never a fixed sleep: the wait ends as soon as the
 * condition holds.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `: ${lastError instanceof Error ? lastError.message : String(lastError)}` : '';
      throw new Error(`timed out after ${opts.timeoutMs ?? 30_000} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}

/** The environment of a child: only what Node needs plus `env` — nothing leaks in from the test runner. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

export interface TsunagiProcessOptions {
  /** Environment (DATABASE_URL or TSUNAGI_DATA_DIR, secrets, …). PORT is set from `port`. */
  env: Record<string, string>;
  /** CLI arguments after `bin/tsunagi.js`; default `['start']`. */
  args?: string[];
  /** Port of the api role; a free one when omitted. Kept across restarts so webhook senders need no update. */
  port?: number;
  /** Label in error messages. */
  name?: string;
  /** How long to wait for the banner (and /healthz when the process serves HTTP). */
  readyTimeoutMs?: number;
  /** What the process prints once it serves (default: `tsunagi start`'s banner). */
  banner?: string;
  /** Path that must answer 200 before the process counts as ready; default `/healthz` for the api role. */
  readyPath?: string;
  /** Headers of the readiness request (the simulator's control API needs its token). */
  readyHeaders?: Record<string, string>;
}

/**
 * A `tsunagi start` child process. `start()` resolves once the banner is printed and, for processes with the
 * api role, `/healthz` answers 200. `kill()` is SIGKILL — no shutdown hook runs — and `restart()` starts the
 * same command again on the same port and database.
 */
export class TsunagiProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;
  private out = '';
  readonly port: number;
  readonly name: string;

  private constructor(
    private readonly opts: TsunagiProcessOptions,
    port: number,
  ) {
    this.port = port;
    this.name = opts.name ?? 'tsunagi';
  }

  /**
   * Spawns the process and waits until it serves. A port picked here (none given) can be taken between the probe
   * and the child's listen by another test's process that restarts on a port it had before (the chaos test keeps
   * its port across kills): the child then exits with EADDRINUSE, and it is started again on another free port.
   */
  static async start(opts: TsunagiProcessOptions): Promise<TsunagiProcess> {
    for (let attempt = 1; ; attempt++) {
      const proc = new TsunagiProcess(opts, opts.port ?? (await freePort()));
      try {
        await proc.spawn();
        return proc;
      } catch (error) {
        const taken = opts.port === undefined && proc.output().includes('EADDRINUSE');
        if (!taken || attempt >= 3) throw error;
      }
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last 64 KB of stdout and stderr, for failure messages. */
  output(): string {
    return this.out;
  }

  private get servesHttp(): boolean {
    const args = this.opts.args ?? ['start'];
    const roleAt = args.indexOf('--role');
    const roles = roleAt >= 0 ? (args[roleAt + 1] ?? '') : (this.opts.env.TSUNAGI_ROLES ?? 'api');
    return roles.split(',').includes('api');
  }

  private async spawn(): Promise<void> {
    this.out = '';
    const child = spawn(process.execPath, [BIN, ...(this.opts.args ?? ['start'])], {
      cwd: REPO,
      env: childEnv({ ...this.opts.env, PORT: String(this.port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    const append = (chunk: Buffer) => {
      this.out += chunk.toString('utf8');
      if (this.out.length > OUTPUT_KEEP) this.out = this.out.slice(-OUTPUT_KEEP);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        resolve({ code, signal });
      });
    });
    const readyPath = this.opts.readyPath ?? (this.servesHttp ? '/healthz' : null);
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 60_000);
    for (;;) {
      // An early exit (bad config, locked data dir) fails at once rather than at the deadline.
      if (!this.running) {
        throw new Error(
          `${this.name} exited before it was ready (${child.exitCode ?? child.signalCode}):\n${this.out}`,
        );
      }
      if (this.out.includes(this.opts.banner ?? BANNER)) {
        if (readyPath === null) return;
        const status = await fetch(`${this.url}${readyPath}`, { headers: this.opts.readyHeaders ?? {} }).then(
          (res) => res.status,
          () => 0,
        );
        if (status === 200) return;
      }
      if (Date.now() >= deadline) {
        child.kill('SIGKILL');
        throw new Error(`${this.name} (pid ${child.pid}) was not ready in time\n--- output ---\n${this.out}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** SIGKILL: the process dies at an arbitrary instruction, exactly like a power cut of that process. */
  async kill(): Promise<void> {
    if (!this.child || !this.exited) return;
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful shutdown); SIGKILL if it has not exited after `timeoutMs`. Returns the exit. */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.child || !this.exited) return { code: null, signal: null };
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts the same command again (same port, same database) after `kill()` or `stop()`. */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is still running`);
    await this.spawn();
  }
}

/**
 * The Cloud API simulator as its own process (`tsunagi simulator`), so that what it measures — acceptance
 * times, throughput windows — is not disturbed by the test's own event loop. Driven through its control API,
 * with `controlToken` as `Authorization: Bearer …`.
 */
export async function startSimulatorProcess(opts: {
  appSecret: string;
  webhookUrl: string;
  deliveredMs?: number;
  readMs?: number;
}): Promise<TsunagiProcess & { controlToken: string }> {
  const port = await freePort();
  const controlToken = `simctl_${randomBytes(16).toString('hex')}`;
  const proc = await TsunagiProcess.start({
    name: 'simulator',
    port,
    env: {},
    args: [
      'simulator',
      '--port',
      String(port),
      '--app-secret',
      opts.appSecret,
      '--webhook-url',
      opts.webhookUrl,
      '--delivered-ms',
      String(opts.deliveredMs ?? 1000),
      '--read-ms',
      String(opts.readMs ?? -1),
      '--control-token',
      controlToken,
    ],
    banner: 'Cloud API simulator listening on',
    readyPath: '/control/numbers',
    readyHeaders: { authorization: `Bearer ${controlToken}` },
  });
  return Object.assign(proc, { controlToken });
}

/**
 * A new embedded (PGlite) data directory, migrated, with one workspace — whatever TEST_DATABASE_URL says, for
 * tests of what only exists embedded. Starts from the migrated template tarball when there is one (skips initdb).
 * Returns the directory and the workspace API key's request headers; close nothing, remove the directory after.
 */
export async function embeddedDataDir(
  prefix: string,
  workspaceName: string,
): Promise<{ dataDir: string; auth: Record<string, string> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const target = inject('testDatabase');
  const loadDataDir = target.kind === 'pglite' ? new Blob([fs.readFileSync(target.templatePath)]) : undefined;
  const handle = await openDatabase({ databaseUrl: null, dataDir, loadDataDir });
  try {
    await migrate(handle.db);
    const ws = await createWorkspace(handle.db, systemClock, { name: workspaceName });
    return { dataDir, auth: { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'application/json' } };
  } finally {
    await handle.close();
  }
}

/** SIGKILLs every child still alive (afterAll safety net). */
export async function killAllProcesses(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Runs a one-shot CLI command (`migrate`, `workspace create`, …) to completion. */
export async function runTsunagi(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => child.once('exit', (c, s) => resolve({ code: c, signal: s })),
  );
  clearTimeout(timer);
  live.delete(child);
  return { code, signal, stdout, stderr };
}

/** A database for child processes: what to put in their environment, and a way to look inside it. */
export interface ChildDatabase {
  kind: 'pglite' | 'postgres';
  /** DATABASE_URL (PostgreSQL) or TSUNAGI_DATA_DIR (PGlite), plus the shared TSUNAGI_SECRET_KEY. */
  env: Record<string, string>;
  /** The PGlite data directory (null on PostgreSQL). */
  dataDir: string | null;
  /**
   * Opens the database in the test process. On PGlite this takes the data-directory lock, so only while no
   * server process holds it; close the handle before starting one.
   */
  open(): Promise<DatabaseHandle>;
  /** Opens, runs `fn`, closes. */
  use<T>(fn: (handle: DatabaseHandle) => Promise<T>): Promise<T>;
  /** Drops the database / removes the data directory. */
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database that child processes can share with the test: a PGlite data directory in a
 * temporary folder (written from the migrated template), or a PostgreSQL database created from the template
 * when TEST_DATABASE_URL is set. Either way the servers start on a migrated schema.
 */
export async function createChildDatabase(): Promise<ChildDatabase> {
  const target = inject('testDatabase');
  const secretKey = randomBytes(32).toString('base64');
  if (target.kind === 'postgres') {
    const created = await createPostgresDatabase();
    const url = created.url;
    const open = () => openDatabase({ databaseUrl: url, dataDir: null, poolSize: 4 });
    return {
      kind: 'postgres',
      env: { DATABASE_URL: url, TSUNAGI_SECRET_KEY: secretKey },
      dataDir: null,
      open,
      use: async (fn) => {
        const handle = await open();
        try {
          return await fn(handle);
        } finally {
          await handle.close();
        }
      },
      dispose: created.drop,
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-proc-'));
  const first = await openDatabase({ databaseUrl: null, dataDir, loadDataDir: pgliteTemplate() });
  await first.close();
  const open = () => openDatabase({ databaseUrl: null, dataDir });
  return {
    kind: 'pglite',
    env: { TSUNAGI_DATA_DIR: dataDir, TSUNAGI_SECRET_KEY: secretKey },
    dataDir,
    open,
    use: async (fn) => {
      const handle = await open();
      try {
        return await fn(handle);
      } finally {
        await handle.close();
      }
    },
    async dispose() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The value of a Prometheus sample (`name{labels} value`) in a /metrics text; 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[4]);
  }
  return total;
}
