/**
 * Search: `npm run bench -- search` (PostgreSQL) and `npm run bench -- search-pglite`. Seeds the large demo
 * (`tsunagi demo --size large`: 100,000 contacts, 1,000,000 messages, plus the small demo's Japanese customers)
 * on a fresh database, then asks the contact list (`GET /api/v1/contacts?q=`) and the inbox
 * (`GET /api/v1/conversations?q=`) a mix of queries over real HTTP — kanji, kana, half-width kana and romaji
 * names, phone numbers in three formats, message words by script and by reading, a word in 100,000 messages,
 * a word in all of them, and nothing — and reports the latency of each. Target: p95 ≤ 200 ms on PostgreSQL.
 */
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { FakeClock } from '../src/lib/clock.ts';
import { loadConfig } from '../src/server/config.ts';
import { openDatabase, type DatabaseHandle } from '../src/server/db/connect.ts';
import { silentLogger } from '../src/server/lib/logger.ts';
import { startTsunagi } from '../src/server/main.ts';
import { seedDemo } from '../src/server/modules/workspaces/demo.service.ts';
import { applyInboundMessages } from '../src/server/pipeline/inbound-apply.ts';
import { adminQuery, postgresVersion, type DatabaseKind } from './lib/deployment.ts';
import { machineInfo, scratchDir } from './lib/machine.ts';
import { atMost, round, type ScenarioResult } from './lib/results.ts';
import { summarizeLatencies } from './lib/stats.ts';

const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** The queries asked, by endpoint. Synthetic contact n is "Customer n", +81 90 0000 0000 + n. */
const QUERIES: Array<{ endpoint: 'contacts' | 'conversations'; q: string; what: string }> = [
  { endpoint: 'contacts', q: '佐藤', what: 'kanji name (2 characters)' },
  { endpoint: 'contacts', q: 'さとう', what: 'hiragana reading' },
  { endpoint: 'contacts', q: 'ｽｽﾞｷ', what: 'half-width katakana reading' },
  { endpoint: 'contacts', q: 'takahashi', what: 'romaji reading' },
  { endpoint: 'contacts', q: 'customer 4242', what: 'Latin name, 11 matches' },
  { endpoint: 'contacts', q: 'customer', what: 'Latin word in every synthetic contact' },
  { endpoint: 'contacts', q: '090-0000-4242', what: 'national phone format' },
  { endpoint: 'contacts', q: '+81 90 0000 4242', what: 'international phone format' },
  { endpoint: 'contacts', q: '819000054321', what: 'wa_id digits' },
  { endpoint: 'contacts', q: 'nobody-here', what: 'no match' },
  { endpoint: 'conversations', q: 'へんぴん', what: 'message reading (返品)' },
  { endpoint: 'conversations', q: '返品', what: 'message kanji (2 characters)' },
  { endpoint: 'conversations', q: 'いとう', what: 'contact reading' },
  { endpoint: 'conversations', q: 'message 7', what: 'words in 100,000 messages' },
  { endpoint: 'conversations', q: 'message', what: 'word in all 1,000,000 messages' },
  { endpoint: 'conversations', q: 'customer 4242', what: 'contact name' },
  { endpoint: 'conversations', q: 'nobody-here', what: 'no match' },
];

/** Runs the scenario on a fresh database of the given kind. */
export async function runSearch(opts: {
  scenario: string;
  kind: DatabaseKind;
  rounds: number;
}): Promise<ScenarioResult> {
  const started = performance.now();
  const notes: string[] = [];
  const dbName = `tsunagi_bench_search_${Date.now()}`;
  let database: DatabaseHandle;
  if (opts.kind === 'postgres') {
    await adminQuery(`create database ${dbName}`);
    database = await openDatabase({ databaseUrl: `${PG_BASE}/${dbName}`, dataDir: null, poolSize: 10 });
  } else {
    database = await openDatabase({
      databaseUrl: null,
      dataDir: path.join(scratchDir('search'), 'data'),
    });
  }
  const clock = new FakeClock('2026-12-01T03:00:00.000Z');
  const t = await startTsunagi(
    loadConfig({
      PORT: '0',
      TSUNAGI_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      TSUNAGI_DATA_DIR: '/nonexistent-bench-dir',
    }),
    { clock, logger: silentLogger, database, manual: true },
  );
  try {
    const seedStarted = performance.now();
    const demo = await seedDemo(
      { db: t.ctx.db, clock, secrets: t.ctx.secrets, applyInbound: applyInboundMessages },
      { size: 'large' },
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const analyzeStarted = performance.now();
    await sql`analyze`.execute(database.db);
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    const auth = { authorization: `Bearer ${demo.apiKey}` };

    const ask = async (endpoint: string, q: string) => {
      const began = performance.now();
      const query = q ? `&q=${encodeURIComponent(q)}` : '';
      const res = await fetch(`${t.url}/api/v1/${endpoint}?limit=25${query}`, {
        headers: auth,
      });
      const body = (await res.json()) as { data?: unknown[] };
      const ms = performance.now() - began;
      if (res.status !== 200) throw new Error(`${endpoint}?q=${q}: ${res.status} ${JSON.stringify(body)}`);
      return { ms, count: body.data?.length ?? 0 };
    };
    // The same lists without a search, for comparison (not part of the target): what any list request costs here.
    const baseline: Record<string, number> = {};
    for (const endpoint of ['contacts', 'conversations']) {
      const times: number[] = [];
      for (let i = 0; i <= opts.rounds; i++) times.push((await ask(endpoint, '')).ms);
      baseline[`${endpoint}P50Ms`] = summarizeLatencies(times.slice(1)).p50;
    }
    // One warm-up round (plans cached, pages in memory), then the measured rounds.
    for (const query of QUERIES) await ask(query.endpoint, query.q);
    const all: number[] = [];
    const perQuery: Array<Record<string, unknown>> = [];
    for (const query of QUERIES) {
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < opts.rounds; i++) {
        const r = await ask(query.endpoint, query.q);
        times.push(r.ms);
        count = r.count;
      }
      all.push(...times);
      const s = summarizeLatencies(times);
      perQuery.push({ ...query, results: count, p50Ms: s.p50, p95Ms: round(p95(times)), maxMs: s.max });
    }
    const overallP95 = p95(all);
    notes.push(
      'in-process server (startTsunagi, manual roles) over real HTTP on 127.0.0.1, one request at a time',
      'ANALYZE run after seeding (as autovacuum would); 1 warm-up round, then the measured rounds',
    );
    return {
      scenario: opts.scenario,
      description:
        'Contact list and inbox search (Japanese-aware keys on bigram GIN indexes) on the large demo: 100k contacts, 1M messages',
      date: new Date().toISOString(),
      durationSeconds: round((performance.now() - started) / 1000, 1),
      machine: machineInfo(opts.kind === 'postgres' ? await postgresVersion() : null),
      parameters: { kind: opts.kind, rounds: opts.rounds, limit: 25, queries: QUERIES.length },
      measured: {
        seedSeconds: round(seedSeconds, 1),
        analyzeSeconds: round(analyzeSeconds, 1),
        overall: { ...summarizeLatencies(all), p95: round(overallP95) },
        baselineWithoutSearch: baseline,
        loadAverage1m: round(os.loadavg()[0] ?? NaN, 2),
        cpus: os.cpus().length,
        perQuery,
      },
      targets: [atMost('search p95', overallP95, 200, 'ms')],
      notes,
    };
  } finally {
    await t.close();
    await database.close();
    if (opts.kind === 'postgres') await adminQuery(`drop database if exists ${dbName} with (force)`);
  }
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? NaN;
}
