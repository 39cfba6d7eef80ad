import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/ is two levels down). Child processes run from here. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The Tsunagi tree whose `bin/tsunagi.js` the benchmarks run: this repository, or `BENCH_TSUNAGI_ROOT` (with its
 * own node_modules) to measure a candidate change against the same harness, e.g. an export of HEAD plus a patch.
 */
export const TSUNAGI_ROOT = path.resolve(process.env.BENCH_TSUNAGI_ROOT ?? REPO_ROOT);

/** What a result file says about where it was measured. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  kernel: string;
  node: string;
  postgres: string | null;
  /** The measured tree and its commit (`+dirty-src` when src/ has uncommitted changes). */
  tree: string;
  commit: string | null;
}

/** Describes this machine; the PostgreSQL version is passed in by callers that have a connection. */
export function machineInfo(postgres: string | null = null): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    postgres,
    tree: TSUNAGI_ROOT,
    commit: gitCommit(TSUNAGI_ROOT),
  };
}

function gitCommit(tree: string): string | null {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: tree, encoding: 'utf8', stdio: 'pipe' });
    const head = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--', 'src']);
    return head.trim() + (dirty.trim() ? '+dirty-src' : '');
  } catch {
    return null;
  }
}

/** A free TCP port on 127.0.0.1 (bind 0, read, close); the caller's process binds it right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh temporary directory for one scenario (embedded data dir, logs, CPU profiles). */
export function scratchDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tsunagi-bench-${label}-`));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Extra node flags for the Tsunagi server, for investigations: `BENCH_SERVER_NODE_FLAGS="--cpu-prof
 * --cpu-prof-dir={dir}"` profiles it (`{dir}` is the scenario's scratch directory). Empty by default.
 */
export function serverNodeFlags(dir: string): string[] {
  const flags = process.env.BENCH_SERVER_NODE_FLAGS ?? '';
  return flags
    .split(/\s+/)
    .filter(Boolean)
    .map((f) => f.replace('{dir}', dir));
}
