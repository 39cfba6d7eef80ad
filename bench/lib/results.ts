import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, type MachineInfo } from './machine.ts';

/** One target from the issue, compared with what was measured. `pass` is informational: benchmarks never fail. */
export interface TargetCheck {
  name: string;
  /** Human-readable target, e.g. "≥ 5000 msg/s". */
  target: string;
  actual: number;
  unit: string;
  pass: boolean;
}

/** What every `bench/results/<scenario>.json` holds. */
export interface ScenarioResult {
  scenario: string;
  description: string;
  date: string;
  durationSeconds: number;
  machine: MachineInfo;
  parameters: Record<string, unknown>;
  measured: Record<string, unknown>;
  targets: TargetCheck[];
  /** Things worth knowing when reading the numbers: server log errors, dead letters, violations, caveats. */
  notes: string[];
}

/** Builds a check for a "higher is better" target. */
export function atLeast(name: string, actual: number, min: number, unit: string): TargetCheck {
  return { name, target: `≥ ${min} ${unit}`, actual: round(actual), unit, pass: actual >= min };
}

/** Builds a check for a "lower is better" target. */
export function atMost(name: string, actual: number, max: number, unit: string): TargetCheck {
  return { name, target: `≤ ${max} ${unit}`, actual: round(actual), unit, pass: actual <= max };
}

/** Rounds to 3 significant decimals so result files stay readable. */
export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** `bench/results`, or `BENCH_RESULTS_DIR` (e.g. when measuring a candidate tree with BENCH_TSUNAGI_ROOT). */
export const RESULTS_DIR = path.resolve(
  process.env.BENCH_RESULTS_DIR ?? path.join(REPO_ROOT, 'bench', 'results'),
);

/** Writes `bench/results/<scenario>.json` and returns its path. */
export function writeResult(result: ScenarioResult): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.scenario}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}
