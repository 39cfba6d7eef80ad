/**
 * Prints the Markdown table of README.md's "Benchmarks" section from `bench/results/*.json`:
 * `node bin/run-ts.js bench/summary.ts`. One row per target of every scenario result found.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR, type ScenarioResult } from './lib/results.ts';

const ORDER = ['inbound-pg', 'inbound-pglite', 'outbound-pg-1x1000', 'outbound-pg-10x80'];

function load(): ScenarioResult[] {
  const files = fs.existsSync(RESULTS_DIR)
    ? fs.readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'))
    : [];
  const results = files.map(
    (f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as ScenarioResult,
  );
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  return results.sort((a, b) => rank(a.scenario) - rank(b.scenario) || a.scenario.localeCompare(b.scenario));
}

const rows = ['| scenario | measure | target | result | |', '| --- | --- | --- | --- | --- |'];
for (const r of load()) {
  for (const t of r.targets) {
    rows.push(
      `| ${r.scenario} | ${t.name} | ${t.target} | ${t.actual.toLocaleString('en-US')} ${t.unit} | ${t.pass ? 'meets' : '**misses**'} |`,
    );
  }
}
process.stdout.write(rows.join('\n') + '\n');
