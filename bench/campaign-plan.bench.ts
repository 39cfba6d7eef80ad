/**
 * Campaign planning benchmark: `npm run bench -- campaign-plan` (PostgreSQL at BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432; a fresh database `bench_campaign_<random>` is created and dropped after).
 *
 * Seeds, set-based in SQL: 100,000 contacts in one workspace (JP and US, so two time zones), marketing consent
 * (90 % opted in, 3 % opted out, the rest unknown), one conversation each on one of two numbers, an approved
 * marketing template in the cache, an audience segment (`contact.country = "JP" or contact.country = "US"`, all of
 * them), an exclusion segment (a tenth of them by attribute), one earlier message per conversation, and 20,000
 * earlier campaign messages for a frequency cap. Then times `planCampaign` — audience resolved, exclusions applied, ledger written — for a campaign scheduled
 * at 09:00 recipient-local time with quiet hours, a frequency cap and an A/B split; and one release tick at 09:00 in
 * Tokyo (how fast due rows become outbox messages).
 *
 * Writes bench/results/campaign-plan.json. A missed target is reported, never a failure.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { FakeClock } from '../src/lib/clock.ts';
import { openDatabase } from '../src/server/db/connect.ts';
import { migrate } from '../src/server/db/migrate.ts';
import type { Principal } from '../src/server/modules/auth/principal.rules.ts';
import { planCampaign } from '../src/server/modules/campaigns/campaign-plan.service.ts';
import { releaseCampaign } from '../src/server/modules/campaigns/campaign-release.service.ts';
import { createCampaign, launchCampaign } from '../src/server/modules/campaigns/campaigns.service.ts';
import { CampaignInputSchema } from '../src/contracts/campaign.schemas.ts';
import { createSegment } from '../src/server/modules/segments/segments.service.ts';
import { createWorkspace } from '../src/server/modules/workspaces/workspaces.service.ts';
import { machineInfo } from './lib/machine.ts';
import { atMost, round, type ScenarioResult } from './lib/results.ts';

const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const NOW = '2026-06-01T00:00:00.000Z';

/** Plans a campaign over `contacts` contacts on a fresh PostgreSQL database and reports the time. */
export async function runCampaignPlan(opts: {
  scenario: string;
  contacts: number;
  targetSeconds: number;
}): Promise<ScenarioResult> {
  const began = performance.now();
  const name = `bench_campaign_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const handle = await openDatabase({ databaseUrl: `${PG_BASE}/${name}`, dataDir: null, poolSize: 4 });
  try {
    const db = handle.db;
    await migrate(db);
    const clock = new FakeClock(NOW);
    const t0 = performance.now();
    const ws = await createWorkspace(db, clock, { name: 'Campaign bench' });
    const workspaceId = ws.workspaceId;
    const numbers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const row = await sql<{ id: string }>`INSERT INTO phone_numbers (id, workspace_id, phone_number_id,
          display_phone_number, waba_id, access_token_enc, messaging_tier, created_at, updated_at)
        VALUES (gen_random_uuid(), ${workspaceId}, ${`9${Date.now()}${i}`}, '+81 3-1234-5678', 'waba-bench', 'x',
          'TIER_UNLIMITED', ${NOW}, ${NOW}) RETURNING id`.execute(db);
      numbers.push(row.rows[0]!.id);
    }
    // Variant A names the customer ({{1}}); variant B is a template without variables.
    const bodies = [
      ['summer_sale', [{ type: 'BODY', text: '{{1}}様、夏のセール開催中！' }]],
      ['summer_sale_b', [{ type: 'BODY', text: '夏のセール開催中！' }]],
    ] as const;
    for (const [name, components] of bodies)
      await sql`INSERT INTO message_templates (workspace_id, waba_id, name, language, category, status, components,
          synced_at) VALUES (${workspaceId}, 'waba-bench', ${name}, 'ja', 'MARKETING', 'APPROVED',
          ${JSON.stringify(components)}, ${NOW})`.execute(db);
    await sql`INSERT INTO contacts (id, workspace_id, wa_id, phone_e164, name, country, timezone, attributes,
        created_at, updated_at)
      SELECT (lpad(to_hex(i), 12, '0') || substr(md5(${workspaceId} || i), 1, 20))::uuid, ${workspaceId},
        (CASE WHEN i % 4 = 0 THEN '1415' ELSE '8190' END) || lpad(i::text, 8, '0'),
        '+' || (CASE WHEN i % 4 = 0 THEN '1415' ELSE '8190' END) || lpad(i::text, 8, '0'), 'Customer ' || i,
        CASE WHEN i % 4 = 0 THEN 'US' ELSE 'JP' END,
        CASE WHEN i % 4 = 0 THEN 'America/New_York' ELSE 'Asia/Tokyo' END,
        jsonb_build_object('blocked', CASE WHEN i % 10 = 3 THEN 'yes' ELSE 'no' END),
        ${NOW}, ${NOW}
      FROM generate_series(1, ${opts.contacts}) AS s(i)`.execute(db);
    await sql`INSERT INTO contact_consents (workspace_id, contact_id, purpose, state, source, changed_at, last_event_id)
      SELECT workspace_id, id, 'marketing',
        CASE WHEN abs(hashtext(id::text)) % 100 < 90 THEN 'opted_in'
             WHEN abs(hashtext(id::text)) % 100 < 93 THEN 'opted_out' ELSE 'unknown' END,
        'import', ${NOW}, gen_random_uuid()
      FROM contacts WHERE workspace_id = ${workspaceId}`.execute(db);
    await sql`INSERT INTO conversations (id, workspace_id, contact_id, phone_number_id, last_message_at, created_at,
        updated_at)
      SELECT gen_random_uuid(), workspace_id, id,
        (ARRAY[${numbers[0]}::uuid, ${numbers[1]}::uuid])[1 + abs(hashtext(id::text)) % 2],
        ${NOW}::timestamptz - interval '3 days', ${NOW}, ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId}`.execute(db);
    // One earlier message per conversation, so the tables have the statistics of a workspace in use (an empty
    // `messages` analysed as empty makes PostgreSQL check the ledger's foreign key by scanning it).
    await sql`INSERT INTO messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type,
        content, status, origin, occurred_at, created_at)
      SELECT gen_random_uuid(), workspace_id, id, phone_number_id, contact_id, 'inbound', 'text',
        '{"type":"text","text":{"body":"hello"}}'::jsonb, 'received', 'customer',
        ${NOW}::timestamptz - interval '3 days', ${NOW}
      FROM conversations WHERE workspace_id = ${workspaceId}`.execute(db);
    // An earlier campaign that reached every fifth contact yesterday (for the frequency cap).
    const earlier = await sql<{
      id: string;
    }>`INSERT INTO campaigns (id, workspace_id, name, status, phone_number_ids,
        template, audience, exclusions, schedule, quiet_hours, limits, plan_state, created_at, updated_at)
      VALUES (gen_random_uuid(), ${workspaceId}, 'Earlier', 'completed', '[]', '{}', '{}', '{}', '{}', '{}', '{}',
        'done', ${NOW}, ${NOW}) RETURNING id`.execute(db);
    await sql`INSERT INTO campaign_recipients (workspace_id, campaign_id, contact_id, status, phone_number_id,
        queued_at, created_at, updated_at)
      SELECT workspace_id, ${earlier.rows[0]!.id}::uuid, id, 'delivered', ${numbers[0]}::uuid,
        ${NOW}::timestamptz - interval '1 day', ${NOW}, ${NOW}
      FROM contacts WHERE workspace_id = ${workspaceId} AND abs(hashtext(id::text)) % 5 = 0`.execute(db);
    await sql`VACUUM ANALYZE`.execute(db);
    const seedSeconds = (performance.now() - t0) / 1000;

    const deps = { db, clock };
    const owner: Principal = {
      workspaceId,
      role: 'owner',
      kind: 'api_key',
      userId: null,
      apiKeyId: null,
      csrfToken: null,
    };
    const everyone = await createSegment(deps, workspaceId, null, {
      name: 'Everyone',
      condition: 'contact.country = "JP" or contact.country = "US"',
    });
    const blocked = await createSegment(deps, workspaceId, null, {
      name: 'Blocked',
      condition: 'contact.attributes.blocked = "yes"',
    });
    const campaign = await createCampaign(
      deps,
      owner,
      CampaignInputSchema.parse({
        name: 'Summer sale',
        phoneNumberIds: numbers,
        template: {
          name: 'summer_sale',
          language: 'ja',
          variables: [{ source: { kind: 'field', field: 'name' }, fallback: 'お客様' }],
        },
        variantB: { template: { name: 'summer_sale_b', language: 'ja', variables: [] }, splitPercent: 50 },
        audience: { segmentId: everyone.id },
        exclusions: { segmentIds: [blocked.id], frequencyCap: { count: 1, days: 3 } },
        schedule: { kind: 'local', date: '2026-06-02', time: '09:00' },
      }),
    );
    await launchCampaign(deps, owner, campaign.id);

    const t1 = performance.now();
    await planCampaign(deps, workspaceId, campaign.id);
    const planSeconds = (performance.now() - t1) / 1000;

    // One release tick at 09:00 in Tokyo: up to mps × 60 s per number of the due rows become outbox messages.
    clock.set('2026-06-02T00:00:00.000Z');
    const t2 = performance.now();
    const release = await releaseCampaign(deps, workspaceId, campaign.id);
    const releaseSeconds = (performance.now() - t2) / 1000;

    const counts = await sql<{ status: string; skip_reason: string | null; n: number }>`
      SELECT status, skip_reason, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = ${campaign.id}
      GROUP BY 1, 2 ORDER BY 3 DESC`.execute(db);
    const ledgerRows = counts.rows.reduce((n, r) => n + r.n, 0);
    const measured = {
      seedSeconds: round(seedSeconds),
      planSeconds: round(planSeconds),
      ledgerRows,
      rowsPerSecond: round(ledgerRows / planSeconds, 0),
      byOutcome: Object.fromEntries(counts.rows.map((r) => [r.skip_reason ?? r.status, r.n])),
      releaseTick: {
        queued: release.queued,
        seconds: round(releaseSeconds),
        messagesPerSecond: round(release.queued / releaseSeconds, 0),
      },
    };
    console.log(`planned ${ledgerRows} ledger rows in ${round(planSeconds)} s`, measured.byOutcome);
    console.log(`one release tick queued ${release.queued} messages in ${round(releaseSeconds)} s`);
    return {
      scenario: opts.scenario,
      description: `A ${opts.contacts}-contact campaign planned: audience resolved, exclusions applied, ledger written`,
      date: new Date().toISOString(),
      durationSeconds: round((performance.now() - began) / 1000),
      machine: machineInfo('postgres'),
      parameters: {
        contacts: opts.contacts,
        batch: 5000,
        numbers: 2,
        schedule: '09:00 recipient-local, quiet hours 08:00–22:00',
        exclusions: 'opted out, no consent, unreachable, one exclusion segment, frequency cap 1 per 3 days',
      },
      measured,
      targets: [atMost('plan 100k recipients', planSeconds, opts.targetSeconds, 's')],
      notes: [
        'In-process planCampaign against PostgreSQL (no HTTP); seeded set-based in SQL.',
        'releaseTick: one campaign.release at 09:00 Tokyo (80 mps × 60 s per number, two numbers, no dispatcher running): each batch of due rows becomes messages set-based through queueToContactsInTransaction of the messages module.',
        `Ledger rows must equal the audience (${opts.contacts}): ${ledgerRows === opts.contacts ? 'yes' : 'NO'}.`,
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
