/**
 * Tag rules and activity tiers benchmark: `npm run bench -- tag-rules` (PostgreSQL at BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432; a fresh database `bench_tagrules_<random>` is created and dropped after).
 *
 * Seeds, set-based in SQL: 1,000,000 contacts in one workspace (and 10,000 in another), an `order_placed` event for
 * a fifth of them over the last 30 days, one conversation for 30 % of them with 1–4 inbound messages over the last
 * 120 days, and the rule's tag set by hand on 1 %. Then times, through the service functions:
 * - a rule `event.order_placed within 7d` → `recent-buyer`: its first run (adds), a run three days later (adds and
 *   removes), and a run that changes nothing;
 * - the activity tiers of every contact: the first computation (every row written) and one an hour later (only
 *   changed rows);
 * - the tag hygiene report (unused, over-tagged, one declared conflict pair) over the tags those runs left plus
 *   about 1.1 million more: a year-old tag on every contact (`legacy`, or `lapsed` on 1 in 10 — declared to
 *   conflict with `recent-buyer`) and `spring-2025` on 1 in 10.
 *
 * Writes bench/results/<scenario>.json. A missed target is reported, never a failure.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { FakeClock } from '../src/lib/clock.ts';
import { openDatabase, type DatabaseHandle } from '../src/server/db/connect.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { SYSTEM_ACTOR } from '../src/server/modules/audit/audit.service.ts';
import { refreshActivityTiers } from '../src/server/modules/contacts/contacts-activity.service.ts';
import { setTagConflicts, tagHygieneReport } from '../src/server/modules/tag-rules/tag-hygiene.service.ts';
import { createTagRule, runTagRule } from '../src/server/modules/tag-rules/tag-rules.service.ts';
import { createWorkspace } from '../src/server/modules/workspaces/workspaces.service.ts';
import { machineInfo } from './lib/machine.ts';
import { atMost, round, type ScenarioResult } from './lib/results.ts';

const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const NOW = '2026-06-01T00:00:00.000Z';
const DAY = 86_400_000;

async function seed(db: DatabaseHandle['db'], clock: FakeClock, contacts: number): Promise<string> {
  const ws = await createWorkspace(db, clock, { name: 'Tag rules bench' });
  const other = await createWorkspace(db, clock, { name: 'Other' });
  for (const [workspaceId, count] of [
    [ws.workspaceId, contacts],
    [other.workspaceId, 10_000],
  ] as const) {
    const numberId = (
      await sql<{
        id: string;
      }>`INSERT INTO phone_numbers (id, workspace_id, phone_number_id, display_phone_number,
          waba_id, access_token_enc, created_at, updated_at)
        VALUES (gen_random_uuid(), ${workspaceId}, ${String(Date.now()) + randomBytes(3).toString('hex')},
          '+81 3-1234-5678', '1', 'x', ${NOW}, ${NOW}) RETURNING id`.execute(db)
    ).rows[0]?.id;
    await sql`INSERT INTO contacts (id, workspace_id, wa_id, name, country, attributes, created_at, updated_at)
      SELECT (lpad(to_hex(i), 12, '0') || substr(md5(${workspaceId} || i), 1, 20))::uuid, ${workspaceId},
        '8190' || lpad(i::text, 8, '0'), 'Customer ' || i, 'JP', '{}'::jsonb,
        ${NOW}::timestamptz - (i % 365) * interval '1 day', ${NOW}
      FROM generate_series(1, ${count}) AS s(i)`.execute(db);
    await sql`INSERT INTO contact_events (id, workspace_id, contact_id, name, occurred_at, properties, created_at)
      SELECT gen_random_uuid(), workspace_id, id, 'order_placed',
        ${NOW}::timestamptz - (abs(hashtext(id::text)) % (30 * 24)) * interval '1 hour', '{}'::jsonb, ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId} AND abs(hashtext(id::text)) % 5 = 0`.execute(db);
    await sql`INSERT INTO conversations (id, workspace_id, contact_id, phone_number_id, created_at, updated_at)
      SELECT gen_random_uuid(), workspace_id, id, ${numberId}::uuid, ${NOW}, ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId} AND abs(hashtext(id::text || 'v')) % 10 < 3`.execute(
      db,
    );
    await sql`INSERT INTO messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type,
        content, status, origin, occurred_at, created_at)
      SELECT gen_random_uuid(), v.workspace_id, v.id, v.phone_number_id, v.contact_id, 'inbound', 'text',
        '{}'::jsonb, 'received', 'customer',
        ${NOW}::timestamptz - (abs(hashtext(v.id::text || k)) % (120 * 24)) * interval '1 hour', ${NOW}
      FROM conversations v CROSS JOIN generate_series(1, 4) AS g(k)
      WHERE v.workspace_id = ${workspaceId} AND k <= 1 + abs(hashtext(v.id::text)) % 4`.execute(db);
    await sql`INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at)
      SELECT workspace_id, id, 'recent-buyer', ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId} AND abs(hashtext(id::text || 't')) % 100 = 0`.execute(
      db,
    );
  }
  await sql`VACUUM ANALYZE`.execute(db);
  return ws.workspaceId;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const s = performance.now();
  const r = await f();
  return [r, (performance.now() - s) / 1000];
}

/** Re-evaluates one rule and the activity tiers over `contacts` contacts on a fresh PostgreSQL database. */
export async function runTagRulesBench(opts: {
  scenario: string;
  contacts: number;
  targetSeconds: number;
}): Promise<ScenarioResult> {
  const began = performance.now();
  const loadBefore = os.loadavg();
  const name = `bench_tagrules_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const handle = await openDatabase({ databaseUrl: `${PG_BASE}/${name}`, dataDir: null, poolSize: 4 });
  try {
    const db = handle.db;
    await migrate(db);
    const clock = new FakeClock(NOW);
    const deps = { db, clock };
    const [workspaceId, seedSeconds] = await timed(() => seed(db, clock, opts.contacts));
    console.log(`seeded ${opts.contacts} contacts in ${round(seedSeconds)} s`);

    const rule = await createTagRule(deps, workspaceId, null, {
      tag: 'recent-buyer',
      condition: 'event.order_placed within 7d',
      enabled: true,
    });
    const runs: Record<string, unknown> = {};
    const [first, firstSeconds] = await timed(() => runTagRule(deps, workspaceId, rule.id));
    runs.first = { ...first.lastRun, seconds: round(firstSeconds) };
    clock.advance(3 * DAY);
    const [later, laterSeconds] = await timed(() => runTagRule(deps, workspaceId, rule.id));
    runs.threeDaysLater = { ...later.lastRun, seconds: round(laterSeconds) };
    const [noop, noopSeconds] = await timed(() => runTagRule(deps, workspaceId, rule.id));
    runs.unchanged = { ...noop.lastRun, seconds: round(noopSeconds) };
    console.log('rule runs', runs);

    const [tiersWritten, tiersSeconds] = await timed(() => refreshActivityTiers(deps));
    clock.advance(3_600_000);
    const [tiersChanged, tiersHourSeconds] = await timed(() => refreshActivityTiers(deps));
    const byTier = await sql<{ tier: string | null; n: number }>`
      SELECT activity_tier AS tier, count(*)::int AS n FROM contacts GROUP BY 1 ORDER BY 1`.execute(db);
    const tiers = {
      first: { rowsWritten: tiersWritten, seconds: round(tiersSeconds) },
      anHourLater: { rowsWritten: tiersChanged, seconds: round(tiersHourSeconds) },
      distribution: Object.fromEntries(byTier.rows.map((r) => [r.tier ?? 'none', r.n])),
    };
    console.log('tiers', tiers);

    // Hygiene material: an old tag on every contact (unused: a year old, referenced by nothing) and a tag that
    // conflicts with the rule's on 1 in 10 — about 1.1 million more rows.
    await sql`INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at)
      SELECT workspace_id, id, CASE WHEN abs(hashtext(id::text || 'l')) % 10 = 0 THEN 'lapsed' ELSE 'legacy' END,
        ${NOW}::timestamptz - interval '1 year'
      FROM contacts WHERE workspace_id = ${workspaceId}`.execute(db);
    await sql`INSERT INTO contact_tags (workspace_id, contact_id, tag, created_at)
      SELECT workspace_id, id, 'spring-2025', ${NOW}::timestamptz - interval '1 year'
      FROM contacts WHERE workspace_id = ${workspaceId} AND abs(hashtext(id::text || 's')) % 10 = 0`.execute(
      db,
    );
    await sql`ANALYZE contact_tags`.execute(db);
    await setTagConflicts(deps, workspaceId, SYSTEM_ACTOR, [{ a: 'recent-buyer', b: 'lapsed', keep: 'a' }]);
    const [report, hygieneSeconds] = await timed(() => tagHygieneReport(deps, workspaceId));
    const tagRows = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM contact_tags WHERE workspace_id = ${workspaceId}`.execute(db);
    const hygiene = {
      seconds: round(hygieneSeconds),
      contactTags: tagRows.rows[0]?.n ?? 0,
      unused: report.unused.length,
      overTagged: report.overTagged.count,
      conflicts: report.conflicts.length,
    };
    console.log('hygiene', hygiene);
    const slowestRule = Math.max(firstSeconds, laterSeconds, noopSeconds);
    const slowestTiers = Math.max(tiersSeconds, tiersHourSeconds);
    return {
      scenario: opts.scenario,
      description: `One tag rule and the activity tiers re-evaluated over ${opts.contacts} contacts on PostgreSQL`,
      date: new Date().toISOString(),
      durationSeconds: round((performance.now() - began) / 1000),
      machine: machineInfo('postgres'),
      parameters: {
        contacts: opts.contacts,
        rule: 'event.order_placed within 7d → recent-buyer',
        events: 'order_placed for 1 in 5 contacts over 30 days',
        inbound: '1–4 inbound messages over 120 days for 3 in 10 contacts',
      },
      measured: {
        seedSeconds: round(seedSeconds),
        ruleRuns: runs,
        tiers,
        hygiene,
        loadAverage: {
          before: loadBefore.map((n) => round(n, 2)),
          after: os.loadavg().map((n) => round(n, 2)),
        },
      },
      targets: [
        atMost('slowest rule run', slowestRule, opts.targetSeconds, 's'),
        atMost('slowest tier recomputation', slowestTiers, opts.targetSeconds, 's'),
        atMost('tag hygiene report', hygieneSeconds, 10, 's'),
      ],
      notes: [
        'In-process runTagRule and refreshActivityTiers against PostgreSQL (no HTTP); seeded set-based in SQL.',
        'Each rule run is two statements in one transaction (DELETE of no-longer-matching rows, INSERT … SELECT).',
      ],
    };
  } finally {
    await handle.close();
    const c = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.end();
  }
}
