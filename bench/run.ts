/**
 * `npm run bench` runs the default scenarios; `npm run bench -- inbound-pg outbound-pg-1x1000` runs the named
 * ones (extra scenarios run only when named).
 * Each scenario starts its own processes (Tsunagi server, simulator) on a fresh database, drives them over real
 * HTTP on 127.0.0.1, writes `bench/results/<scenario>.json`, and stops everything it started. Benchmarks are
 * measurements: a missed target is reported, never a failure; only a crashed scenario sets a non-zero exit code.
 */
import { runCampaignChaosBench } from './campaign-chaos.bench.ts';
import { runCampaignPlan } from './campaign-plan.bench.ts';
import { runColdStart } from './cold-start.ts';
import { runContactsImport } from './contacts-import.bench.ts';
import { runInbound, type InboundParams } from './inbound.ts';
import { runMessagesBatch } from './messages-batch.bench.ts';
import { runOutbound } from './outbound.ts';
import { runSearch } from './search.bench.ts';
import { runTagRulesBench } from './tag-rules.bench.ts';
import { writeResult, type ScenarioResult } from './lib/results.ts';

const INBOUND_PG: InboundParams = {
  scenario: 'inbound-pg',
  kind: 'postgres',
  throughputPosts: 60_000,
  concurrency: 64,
  latencyRate: 1000,
  latencySeconds: 15,
  customers: 5000,
  batched: { posts: 400, perPost: 50, concurrency: 8 },
  targetRate: 5000,
  targetAckP99Ms: 25,
  targetPeakRssMiB: 400,
};

/** The targets: what `npm run bench` runs (about 15 minutes on 2 cores). */
const DEFAULT: Record<string, () => Promise<ScenarioResult>> = {
  'inbound-pg': () => runInbound(INBOUND_PG),
  'inbound-pglite': () =>
    runInbound({
      scenario: 'inbound-pglite',
      kind: 'pglite',
      throughputPosts: 20_000,
      concurrency: 64,
      latencyRate: 1000,
      latencySeconds: 10,
      customers: 5000,
      targetRate: 2000,
      targetAckP99Ms: 25,
    }),
  'outbound-pg-1x1000': () =>
    runOutbound({
      scenario: 'outbound-pg-1x1000',
      numbers: 1,
      mps: 1000,
      messages: 100_000,
      recipients: 10_000,
    }),
  'outbound-pg-10x80': () =>
    runOutbound({
      scenario: 'outbound-pg-10x80',
      numbers: 10,
      mps: 80,
      messages: 100_000,
      recipients: 10_000,
    }),
  'cold-start': () => runColdStart(),
};

/** Investigations beyond the targets, run only when named. */
const EXTRA: Record<string, () => Promise<ScenarioResult>> = {
  // Meta answers a send in ~100–300 ms from Japan, not in 1 ms as the local simulator does.
  'outbound-pg-10x80-latency150': () =>
    runOutbound({
      scenario: 'outbound-pg-10x80-latency150',
      numbers: 10,
      mps: 80,
      messages: 20_000,
      recipients: 2000,
      graphLatencyMs: 150,
    }),
};
// The same load on two server processes sharing the database: `api` (acknowledge and journal) and
// `worker,scheduler` (ingest), the way a deployment uses more than one core.
EXTRA['inbound-pg-split'] = () =>
  runInbound({ ...INBOUND_PG, scenario: 'inbound-pg-split', splitWorker: true });
// Contact and inbox search on the large demo (100k contacts, 1M messages); the seed takes minutes.
EXTRA.search = () => runSearch({ scenario: 'search', kind: 'postgres', rounds: 20 });
EXTRA['search-pglite'] = () => runSearch({ scenario: 'search-pglite', kind: 'pglite', rounds: 10 });
EXTRA['contacts-import-pg'] = () =>
  runContactsImport({
    scenario: 'contacts-import-pg',
    rows: 1_000_000,
    targetRowsPerSecond: 20_000,
    targetPeakRssMiB: 300,
  });
EXTRA['contacts-import-pg-sjis'] = () =>
  runContactsImport({
    scenario: 'contacts-import-pg-sjis',
    rows: 1_000_000,
    encoding: 'shift_jis',
    targetRowsPerSecond: 20_000,
    targetPeakRssMiB: 300,
  });
EXTRA['contacts-import-pg-200k'] = () =>
  runContactsImport({
    scenario: 'contacts-import-pg-200k',
    rows: 200_000,
    targetRowsPerSecond: 20_000,
    targetPeakRssMiB: 300,
  });
// A 100,000-recipient campaign planned in process on PostgreSQL (issue target: ≤ 10 s).
EXTRA['campaign-plan'] = () =>
  runCampaignPlan({ scenario: 'campaign-plan', contacts: 100_000, targetSeconds: 10 });
// POST /api/v1/messages/batch on PostgreSQL while dispatching (issue target: ≥ 2,000 accepted messages/s).
EXTRA['messages-batch-pg'] = () =>
  runMessagesBatch({
    scenario: 'messages-batch-pg',
    batches: 60,
    batchSize: 1000,
    concurrency: 4,
    numbers: 2,
    mps: 500,
    recipients: 20_000,
    targetPerSecond: 2000,
  });
// The campaign chaos target at full size: 100,000 recipients, three kill -9s during the send, simulator faults on
// (minutes; extra, never run by default).
EXTRA['campaign-chaos'] = () =>
  runCampaignChaosBench({ scenario: 'campaign-chaos', recipients: 100_000, mps: 500 });
// One tag rule and every contact's activity tier re-evaluated over 1,000,000 contacts (target: ≤ 2 minutes each).
EXTRA['tag-rules'] = () =>
  runTagRulesBench({ scenario: 'tag-rules', contacts: 1_000_000, targetSeconds: 120 });
const SCENARIOS = { ...DEFAULT, ...EXTRA };

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
  const names = requested.length > 0 ? requested : Object.keys(DEFAULT);
  let crashed = 0;
  for (const name of names) {
    const run = SCENARIOS[name as keyof typeof SCENARIOS];
    if (!run) continue;
    console.log(`\n▶ ${name}`);
    try {
      const result = await run();
      const file = writeResult(result);
      for (const t of result.targets)
        console.log(
          `  ${t.pass ? 'meets' : 'MISSES'}  ${t.name}: ${t.actual} ${t.unit} (target ${t.target})`,
        );
      for (const n of result.notes) console.log(`  note: ${n}`);
      console.log(`  → ${file} (${result.durationSeconds} s)`);
    } catch (err) {
      crashed++;
      console.error(`  ${name} crashed:`, err);
    }
  }
  process.exit(crashed > 0 ? 1 : 0);
}

await main();
