/**
 * Segment benchmark: `node bin/run-ts.js bench/segments.bench.ts [postgres-url]` (PGlite in memory without a URL;
 * with one, a fresh database `bench_segments_<random>` is created there and dropped after;
 * BENCH_SEGMENTS_KEEP=1 keeps it and prints its name, and BENCH_SEGMENTS_DB=<name> measures again on a kept one:
 * it is migrated, not seeded again, and kept; drop it by hand when done).
 *
 * Seeds, set-based in SQL (minutes, not the ingest path of `tsunagi demo --size large`, which has the same shape):
 * BENCH_SEGMENT_CONTACTS contacts (default 1,000,000, the size) in one workspace (5,000 in another), a
 * third tagged (vip, wine, newsletter) and two fifths 購入済み, attributes with a plan and a visit count, marketing
 * consent rows for 70 % (5 % of all opted out), one conversation each on one number with its last inbound over
 * 180 days, and 1,000,000 messages spread over them (half inbound, over 120 days).
 * Then, for a few typical conditions — first the issue's 「購入済み」 AND active in 7 days AND NOT opted out — times
 * the preview (count + newest 20, as `previewSegment` runs them), with the load average around the runs, and keeps
 * the plan of the count (EXPLAIN ANALYZE, BUFFERS).
 *
 * Writes bench/results/segments-<pglite|postgres>.json. A missed target is reported, never a failure.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { FakeClock } from '../src/lib/clock.ts';
import { openDatabase, type DatabaseHandle } from '../src/server/db/connect.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { parseCondition } from '../src/server/modules/conditions/condition-parse.rules.ts';
import { compileCondition } from '../src/server/modules/conditions/condition-sql.rules.ts';
import { CONTACT_ALIAS } from '../src/server/modules/segments/segments.repository.ts';
import { previewSegment } from '../src/server/modules/segments/segments.service.ts';
import { createWorkspace } from '../src/server/modules/workspaces/workspaces.service.ts';
import { machineInfo } from './lib/machine.ts';
import { atMost, round, writeResult } from './lib/results.ts';
import { summarizeLatencies } from './lib/stats.ts';

const CONTACTS = Number(process.env.BENCH_SEGMENT_CONTACTS ?? 1_000_000);
const MESSAGES_PER_CONTACT = Math.max(1, Math.round(1_000_000 / CONTACTS));
const RUNS = 5;
const NOW = '2026-06-01T00:00:00.000Z';

const CONDITIONS = [
  'tag:購入済み and last_inbound_at within 7d and consent.marketing != opted_out',
  'contact.tags has vip',
  'contact.country = "JP" and contact.attributes.visits >= 5',
  'inbound.count >= 3 within 30d',
  'last_inbound_at older_than 90d and not contact.tags has vip',
  'contact.name starts_with "customer 1" or contact.phone starts_with "+81 90 12"',
];

async function seed(handle: DatabaseHandle, clock: FakeClock): Promise<string> {
  const db = handle.db;
  const ws = await createWorkspace(db, clock, { name: 'Segments bench' });
  const other = await createWorkspace(db, clock, { name: 'Other' });
  for (const [workspaceId, count] of [
    [ws.workspaceId, CONTACTS],
    [other.workspaceId, 5000],
  ] as const) {
    const numberId = (
      await sql<{
        id: string;
      }>`INSERT INTO phone_numbers (id, workspace_id, phone_number_id, display_phone_number,
          waba_id, access_token_enc, created_at, updated_at)
        VALUES (gen_random_uuid(), ${workspaceId}, ${String(Date.now()) + randomBytes(3).toString('hex')},
          '+81 3-1234-5678', '1', 'x', ${NOW}, ${NOW}) RETURNING id`.execute(db)
    ).rows[0]?.id;
    // Ids follow creation time like UUIDv7 (md5 for the random part keeps them unique and ordered by i).
    await sql`INSERT INTO contacts (id, workspace_id, wa_id, name, country, attributes, created_at, updated_at)
      SELECT (lpad(to_hex(i), 12, '0') || substr(md5(${workspaceId} || i), 1, 20))::uuid, ${workspaceId},
        (CASE WHEN i % 4 = 0 THEN '1415' ELSE '8190' END) || lpad(i::text, 8, '0'), 'Customer ' || i,
        CASE WHEN i % 4 = 0 THEN 'US' ELSE 'JP' END,
        jsonb_build_object('plan', (ARRAY['free','silver','gold'])[1 + i % 3], 'visits', i % 11),
        ${NOW}::timestamptz - (i % 365) * interval '1 day', ${NOW}
      FROM generate_series(1, ${count}) AS s(i)`.execute(db);
    await sql`INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at)
      SELECT workspace_id, id, (ARRAY['vip','wine','newsletter'])[1 + (hashtext(id::text) & 1023) % 3], ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId} AND hashtext(id::text) % 3 = 0`.execute(db);
    await sql`INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at)
      SELECT workspace_id, id, '購入済み', ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId} AND abs(hashtext(id::text || 'p')) % 5 < 2`.execute(
      db,
    );
    await sql`INSERT INTO contact_consents (workspace_id, contact_id, purpose, state, source, changed_at,
        last_event_id)
      SELECT workspace_id, id, 'marketing', CASE WHEN h < 5 THEN 'opted_out' ELSE 'opted_in' END, 'import', ${NOW},
        gen_random_uuid()
      FROM (SELECT workspace_id, id, abs(hashtext(id::text || 'c')) % 100 AS h FROM contacts
        WHERE workspace_id = ${workspaceId}) x WHERE h < 70`.execute(db);
    await sql`INSERT INTO conversations (id, workspace_id, contact_id, phone_number_id, last_inbound_at,
        last_message_at, created_at, updated_at)
      SELECT gen_random_uuid(), workspace_id, id, ${numberId}::uuid,
        ${NOW}::timestamptz - (abs(hashtext(id::text)) % 180) * interval '1 day',
        ${NOW}::timestamptz - (abs(hashtext(id::text)) % 170) * interval '1 day', ${NOW}, ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId}`.execute(db);
    await sql`INSERT INTO messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type,
        content, status, origin, occurred_at, created_at)
      SELECT gen_random_uuid(), v.workspace_id, v.id, v.phone_number_id, v.contact_id,
        CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', '{}'::jsonb,
        CASE WHEN k % 2 = 0 THEN 'received' ELSE 'sent' END, CASE WHEN k % 2 = 0 THEN 'customer' ELSE 'agent' END,
        ${NOW}::timestamptz - ((abs(hashtext(v.id::text || k)) % 120) * interval '1 day'), ${NOW}
      FROM conversations v CROSS JOIN generate_series(1, ${MESSAGES_PER_CONTACT}) AS g(k)
      WHERE v.workspace_id = ${workspaceId}`.execute(db);
  }
  // VACUUM sets the visibility map (as autovacuum would), so index-only scans skip the heap.
  await sql`VACUUM ANALYZE`.execute(db);
  return ws.workspaceId;
}

async function main(): Promise<void> {
  const url = process.argv[2] ?? null;
  let dropDatabase: (() => Promise<void>) | null = null;
  let databaseUrl: string | null = null;
  const reuse = process.env.BENCH_SEGMENTS_DB ?? null;
  const keep = reuse !== null || process.env.BENCH_SEGMENTS_KEEP === '1';
  if (url) {
    const name = reuse ?? `bench_segments_${randomBytes(4).toString('hex')}`;
    if (!/^bench_segments_[a-z0-9]+$/.test(name))
      throw new Error('BENCH_SEGMENTS_DB must be a bench_segments_ name');
    if (reuse === null) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create database "${name}"`);
      await admin.end();
    }
    const u = new URL(url);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    if (keep) console.log(`database ${name} is kept: drop it when done`);
    else
      dropDatabase = async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop database if exists "${name}" with (force)`);
        await c.end();
      };
  }
  const kind = url ? 'postgres' : 'pglite';
  const started = performance.now();
  const handle = await openDatabase({ databaseUrl, dataDir: null, poolSize: 4 });
  try {
    await migrate(handle.db);
    const clock = new FakeClock(NOW);
    const t0 = performance.now();
    let workspaceId: string;
    if (reuse === null) {
      workspaceId = await seed(handle, clock);
      console.log(
        `seeded ${CONTACTS} contacts, ${CONTACTS * MESSAGES_PER_CONTACT} messages in ${round((performance.now() - t0) / 1000)} s`,
      );
    } else {
      // Kept from an earlier run: new migrations may have added indexes, so statistics are taken again.
      await sql`VACUUM ANALYZE`.execute(handle.db);
      workspaceId = (
        await sql<{ id: string }>`SELECT id FROM workspaces WHERE name = 'Segments bench'`.execute(handle.db)
      ).rows[0]!.id;
    }
    const seedSeconds = (performance.now() - t0) / 1000;

    const measured: Record<string, unknown> =
      reuse === null
        ? { seedSeconds: round(seedSeconds) }
        : { reusedDatabase: true, vacuumSeconds: round(seedSeconds) };
    // The machine is shared: the load around each condition's runs says what the times are worth.
    const load = () => os.loadavg().map((x) => round(x));
    const targets = [];
    for (const text of CONDITIONS) {
      const parsed = parseCondition(text);
      if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
      const deps = { db: handle.db, clock };
      const times: number[] = [];
      const loadBefore = load();
      let count = 0;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        count = (await previewSegment(deps, workspaceId, text)).count;
        times.push(performance.now() - s);
      }
      const where = compileCondition(parsed.ast, { now: clock.now(), contactAlias: CONTACT_ALIAS });
      const plan = await sql<Record<string, string>>`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
        SELECT count(*) FROM contacts c WHERE c.workspace_id = ${workspaceId} AND ${where}`.execute(
        handle.db,
      );
      const summary = summarizeLatencies(times);
      console.log(
        `${text}\n  count ${count}, preview p50 ${round(summary.p50)} ms, max ${round(summary.max)} ms, load ${load().join(' ')}`,
      );
      measured[text] = {
        count,
        previewMs: { p50: round(summary.p50), max: round(summary.max) },
        loadAverage: { before: loadBefore, after: load() },
        countPlan: plan.rows.map((r) => Object.values(r)[0]),
      };
      targets.push(atMost(`preview p50: ${text}`, summary.p50, 500, 'ms'));
    }
    const file = writeResult({
      scenario: `segments-${kind}`,
      description: `Segment preview (count + newest 20) over ${CONTACTS.toLocaleString('en')} contacts and 1M messages`,
      date: new Date().toISOString(),
      durationSeconds: round((performance.now() - started) / 1000),
      machine: machineInfo(url ? 'postgres' : null),
      parameters: { contacts: CONTACTS, messages: CONTACTS * MESSAGES_PER_CONTACT, runs: RUNS, kind },
      measured,
      targets,
      notes: ['Seeded set-based in SQL, not through ingest; the shape matches `tsunagi demo --size large`.'],
    });
    console.log(`→ ${file}`);
  } finally {
    await handle.close();
    await dropDatabase?.();
  }
}

await main();
