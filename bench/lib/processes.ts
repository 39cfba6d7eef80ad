import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TSUNAGI_ROOT } from './machine.ts';
import { procCpuSeconds } from './cpu.ts';

/** A child process of the benchmark (Tsunagi server, simulator, bare HTTP server). */
export interface ChildHandle {
  name: string;
  pid: number;
  logFile: string;
  /** Peak resident set size (VmHWM) in MiB, while the process is alive; null when unreadable. */
  peakRssMiB(): number | null;
  /** Current resident set size (VmRSS) in MiB. */
  rssMiB(): number | null;
  /** User + system CPU seconds used so far. */
  cpuSeconds(): number | null;
  /** SIGTERM, then SIGKILL after `timeoutMs`. Resolves when the process is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Environment variables passed to children: only what they need, never the benchmark's own environment. */
function childEnv(vars: Record<string, string>): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...vars };
}

/**
 * Starts `node <args>` from the measured tree (TSUNAGI_ROOT) with stdout/stderr captured to `logFile`, and resolves once a
 * line matching `ready` has been printed. `node` is spawned directly (no npm or shell wrapper) so that `pid` is
 * the process whose memory is measured.
 */
export async function startNode(opts: {
  name: string;
  args: string[];
  env: Record<string, string>;
  ready: RegExp;
  logFile: string;
  nodeFlags?: string[];
  timeoutMs?: number;
}): Promise<ChildHandle> {
  const log = fs.openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), ...opts.args], {
    cwd: TSUNAGI_ROOT,
    env: childEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      // Said in the log: a child that dies mid-run (killed from outside, crashed) must not vanish silently.
      fs.writeSync(
        log,
        `\n[bench] ${opts.name} exited: code ${code} signal ${signal} at ${new Date().toISOString()}\n`,
      );
      resolve(code);
    }),
  );
  let seen = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${opts.name} not ready after ${opts.timeoutMs ?? 60_000} ms`)),
      opts.timeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      if (seen.length < 64 * 1024) {
        seen += chunk.toString('utf8');
        if (opts.ready.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited with ${code} before it was ready:\n${tail(seen)}`));
    });
  });
  // After `ready` resolved, the reject() of a later exit is a no-op, so stop() raises nothing.
  await ready;
  void exited.then(() => fs.closeSync(log));
  return handle(opts.name, child, exited, opts.logFile);
}

function handle(
  name: string,
  child: ChildProcess,
  exited: Promise<number | null>,
  logFile: string,
): ChildHandle {
  const pid = child.pid ?? -1;
  return {
    name,
    pid,
    logFile,
    peakRssMiB: () => procStatusMiB(pid, 'VmHWM'),
    rssMiB: () => procStatusMiB(pid, 'VmRSS'),
    cpuSeconds: () => procCpuSeconds(pid),
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function procStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb === undefined ? null : Math.round((Number(kb) / 1024) * 10) / 10;
  } catch {
    return null;
  }
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Runs a CLI command to completion and returns its stdout (throws with the output on a non-zero exit). */
export function runNode(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: TSUNAGI_ROOT, env: childEnv(env) });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} exited ${code}:\n${err}${out}`)),
    );
  });
}

/** Warnings and errors a child logged (pino JSON lines), for the result's notes. */
export interface LogSummary {
  warnings: number;
  errors: number;
  /** Distinct messages, most frequent first, with counts. */
  messages: Array<{ level: string; msg: string; count: number }>;
}

/** Reads a child's log file and counts pino lines by level (40 warn, 50 error, 60 fatal). */
export function summarizeLog(logFile: string): LogSummary {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  const counts = new Map<string, { level: string; msg: string; count: number }>();
  let warnings = 0;
  let errors = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const level = typeof entry.level === 'number' ? entry.level : 0;
    if (level < 40) continue;
    if (level >= 50) errors++;
    else warnings++;
    const detail = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
    const msg = `${String(entry.msg ?? '')}${detail}`.slice(0, 200);
    const key = `${level}|${msg}`;
    const cur = counts.get(key) ?? { level: level >= 50 ? 'error' : 'warn', msg, count: 0 };
    cur.count++;
    counts.set(key, cur);
  }
  const messages = [...counts.values()].sort((a, b) => b.count - a.count).slice(0, 10);
  return { warnings, errors, messages };
}

/** Path of a log file inside a scenario's scratch directory. */
export function logPath(dir: string, name: string): string {
  return path.join(dir, `${name}.log`);
}
