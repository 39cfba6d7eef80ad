/**
 * Cold start: `npm run bench -- cold-start` (about a minute). How long `tsunagi start` takes from spawn until
 * `/readyz` answers 200 (which it does only once the demo workspace exists and the banner is printed), and the
 * process's resident memory at that moment — for the compiled runtime (`bin/tsunagi.js`, JavaScript in dist/)
 * and, for comparison, the same sources through tsx's loader (how Tsunagi ran before it was compiled).
 * Each run is embedded (PGlite) on a new data directory: migrations, demo seed and all ("first start"), then a
 * second start on the same directory ("restart").
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TSUNAGI_ROOT, freePort, machineInfo, scratchDir, sleep } from './lib/machine.ts';
import { round, type ScenarioResult } from './lib/results.ts';
import { summarizeLatencies } from './lib/stats.ts';

const RUNS = 3;

type Runtime = 'compiled' | 'tsx';

/** The command line of each runtime, from the Tsunagi root. */
const COMMANDS: Record<Runtime, string[]> = {
  compiled: ['bin/tsunagi.js', 'start'],
  tsx: ['--import', 'tsx', 'src/cli/main.ts', 'start'],
};

/** Starts Tsunagi, polls /readyz every 5 ms, and returns the time to ready and the RSS then; stops it. */
async function startOnce(runtime: Runtime, dataDir: string): Promise<{ readyMs: number; rssMiB: number }> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, COMMANDS[runtime], {
    cwd: TSUNAGI_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      TSUNAGI_DATA_DIR: dataDir,
      TSUNAGI_SKIP_BUILD: '1',
      TSUNAGI_SKIP_CONSOLE_BUILD: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${runtime} start exited with ${child.exitCode}`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      if (performance.now() - began > 120_000) throw new Error(`${runtime} start not ready in 120 s`);
      await sleep(5);
    }
    const readyMs = performance.now() - began;
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return { readyMs, rssMiB: rssKiB / 1024 };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/** Runs the scenario: RUNS first starts and restarts per runtime, alternating runtimes. */
export async function runColdStart(): Promise<ScenarioResult> {
  const began = Date.now();
  if (!fs.existsSync(path.join(TSUNAGI_ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ is not built: run npm install (or node bin/build-server.js) first');
  const samples: Record<Runtime, { first: number[]; restart: number[]; rss: number[] }> = {
    compiled: { first: [], restart: [], rss: [] },
    tsx: { first: [], restart: [], rss: [] },
  };
  for (let i = 0; i < RUNS; i++) {
    for (const runtime of ['compiled', 'tsx'] as const) {
      const dir = scratchDir(`cold-start-${runtime}-${i}`);
      const first = await startOnce(runtime, dir);
      const again = await startOnce(runtime, dir);
      samples[runtime].first.push(first.readyMs);
      samples[runtime].restart.push(again.readyMs);
      samples[runtime].rss.push(first.rssMiB, again.rssMiB);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const describe = (s: { first: number[]; restart: number[]; rss: number[] }) => ({
    firstStartMs: summarizeLatencies(s.first),
    restartMs: summarizeLatencies(s.restart),
    rssAtReadyMiB: round(s.rss.reduce((a, b) => a + b, 0) / s.rss.length, 1),
  });
  return {
    scenario: 'cold-start',
    description:
      'tsunagi start (embedded PGlite, demo workspace) from spawn to /readyz 200, and RSS at ready: compiled runtime vs the same sources through tsx',
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - began) / 1000),
    machine: machineInfo(null),
    parameters: { runs: RUNS, commands: COMMANDS },
    measured: { compiled: describe(samples.compiled), tsx: describe(samples.tsx) },
    targets: [],
    notes: ['No target in the issue: reported before (tsx) and after (compiled).'],
  };
}
