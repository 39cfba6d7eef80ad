import { sql } from 'kysely';
import { systemClock } from '../../src/lib/clock.ts';
import { CampaignInputSchema } from '../../src/contracts/campaign.schemas.ts';
import type { DatabaseHandle } from '../../src/server/db/connect.ts';
import { SecretBox } from '../../src/server/lib/crypto.ts';
import type { Principal } from '../../src/server/modules/auth/principal.rules.ts';
import { createCampaign, launchCampaign } from '../../src/server/modules/campaigns/campaigns.service.ts';
import { registerPhoneNumber } from '../../src/server/modules/phone-numbers/phone-numbers.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import type { FaultsInput } from '../../src/simulator/faults.ts';
import { TsunagiProcess, freePort, metricValue, startSimulatorProcess, waitUntil } from './process.ts';

/**
 * The campaign chaos scenario (issue 11): a campaign to `recipients` contacts — a tenth opted out of marketing, a
 * twenty-fifth in a time zone where it is the middle of the night — sent by a real `tsunagi start` process to the
 * Cloud API simulator in its own process with faults on (5xx and 130429 answers, duplicated and reordered status
 * webhooks), while the server is SIGKILLed `kills` times and restarted. Shared by the CI test
 * (`test/faults/campaign-chaos.int.test.ts`, 5,000 recipients) and the benchmark (`bench/campaign-chaos.bench.ts`,
 * 100,000). It returns what happened; the caller asserts or reports.
 */

const SECRET = 'campaign-chaos-app-secret';
const PNID = '106540353333333';
const WABA = '102290129343333';
const TOKEN = 'token-campaign-chaos';
const TEMPLATE = { name: 'chaos_sale', language: 'ja', text: '本日限りのセール！' };
const QUIET = { start: '08:00', end: '22:00' };

/** A database the scenario's processes share (a ChildDatabase in tests, a fresh PostgreSQL database in benches). */
export interface ChaosDatabase {
  kind: 'pglite' | 'postgres';
  /** DATABASE_URL or TSUNAGI_DATA_DIR, and TSUNAGI_SECRET_KEY (base64). */
  env: Record<string, string>;
  /** Opens the database in this process (PGlite: only while no server holds it). */
  open(): Promise<DatabaseHandle>;
}

export interface ChaosOptions {
  db: ChaosDatabase;
  recipients: number;
  mps: number;
  /** SIGKILLs of the server, spread over the send (at these fractions of the eligible recipients reached). */
  killAt: number[];
  reconcileTimeoutSeconds: number;
  /**
   * The server's Graph request timeout and number lease (TSUNAGI_GRAPH_TIMEOUT_SECONDS, TSUNAGI_DISPATCH_LEASE_SECONDS):
   * on PostgreSQL a restarted server waits for the dead one's number lease, and its sends on the wire wait for
   * their wire lease (5 s + request timeout + 5 s) before reconciliation begins. Defaults: the server's.
   */
  graphTimeoutSeconds?: number;
  dispatchLeaseSeconds?: number;
  faults: FaultsInput;
  /** How long to wait for every eligible recipient to be reached after the launch. */
  timeoutMs: number;
  /** Look into the database after each kill (before the restart): how many claimed sends wait, and why. */
  inspectAfterKill: boolean;
  log?: (line: string) => void;
}

/** What one kill left behind. */
export interface KillRecord {
  /** Eligible recipients the simulator had accepted a send for when the kill was decided. */
  reachedAtKill: number;
  /** Claimed (`sending`) rows at the kill: never put on the wire (requeued at once) / on the wire (reconciled). */
  claimedNotOnWire: number | null;
  onWire: number | null;
  /** Of the rows on the wire, how many the simulator had accepted (the rest never left the process). */
  onWireAccepted: number | null;
  downSeconds: number;
}

export interface ChaosReport {
  kind: 'pglite' | 'postgres';
  recipients: number;
  eligible: number;
  optedOut: number;
  quiet: number;
  /** Accepted sends in the simulator's log (all of them). */
  accepted: number;
  /** Eligible recipients with no accepted send. */
  missing: string[];
  /** Recipients (wa_id) with more than one accepted send, and how many. */
  duplicateRecipients: Array<{ to: string; sends: number; callbacks: string[] }>;
  /** Accepted sends to opted-out or quiet-hours recipients, and sends at a local time outside the allowed hours. */
  toOptedOut: number;
  toQuiet: number;
  outsideAllowedHours: number;
  violations: Array<{ kind: string; details: string }>;
  /** Campaign messages (rows) per ledger row: more than one would be the release creating a second message. */
  ledgerRowsWithSeveralMessages: number;
  campaignMessages: number;
  ledger: Record<string, number>;
  /** Eligible ledger rows whose message is not accepted/sent/delivered/read, or whose row is not queued or later. */
  inconsistentLedgerRows: number;
  messageStatuses: Record<string, number>;
  possibleDuplicatesMetric: number;
  /**
   * Where the duplicates came from: the same message row sent twice with a kill between the two sends, or within one
   * process lifetime; a second message row for the recipient; and how many duplicated rows reconciliation had
   * requeued ("resent after unknown outcome").
   */
  duplicateCauses: {
    acrossKill: number;
    withinLifetime: number;
    secondMessage: number;
    resentAfterUnknown: number;
  };
  /** Highest ingest lag and backlog seen on /metrics while sending (sampled every 500 ms). */
  maxIngestLagSeconds: number;
  maxIngestBacklog: number;
  kills: KillRecord[];
  webhookStats: Record<string, number>;
  seconds: { seed: number; send: number; total: number };
}

/** `Etc/GMT…` zone whose local hour is `hour` right now (fixed offsets, no DST: deterministic for the run). */
export function zoneWithLocalHour(hour: number, now = new Date()): string {
  const offset = ((((hour - now.getUTCHours()) % 24) + 36) % 24) - 12; // in [-12, 11]
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/** The local hour (0–23) of `at` in a fixed-offset `Etc/GMT…` zone. */
function localHour(at: Date, zone: string): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(at),
  );
}

/** Recipient `i`'s wa_id (a valid Japanese mobile number, distinct for each i below 10^7). */
export function chaosWaId(i: number): string {
  return `81902${String(i).padStart(7, '0')}`;
}
const isOptedOut = (i: number) => i % 10 === 7;
const isQuiet = (i: number) => !isOptedOut(i) && i % 25 === 3;

/** Runs the scenario; every process it started is stopped before it returns (or throws). */
export async function runCampaignChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => undefined);
  const began = Date.now();
  const dayZone = zoneWithLocalHour(12);
  const nightZone = zoneWithLocalHour(2);
  const eligible = new Set<string>();
  const optedOut = new Set<string>();
  const quiet = new Set<string>();
  for (let i = 0; i < o.recipients; i++) {
    const w = chaosWaId(i);
    if (isOptedOut(i)) optedOut.add(w);
    else if (isQuiet(i)) quiet.add(w);
    else eligible.add(w);
  }

  // Seed in this process before any server holds the database: workspace, number, template, contacts, consents,
  // and the launched campaign (its plan job waits in the queue for the server's worker).
  const seeded = await seed(o, dayZone, nightZone);
  const seedSeconds = (Date.now() - began) / 1000;
  log(
    `seeded ${o.recipients} contacts in ${seedSeconds.toFixed(1)} s (day zone ${dayZone}, night ${nightZone})`,
  );

  const port = await freePort();
  const sim = await startSimulatorProcess({
    appSecret: SECRET,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    deliveredMs: 1000,
  });
  const simUrl = `http://127.0.0.1:${sim.port}`;
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${simUrl}/control${path}`, {
      method,
      headers: { authorization: `Bearer ${sim.controlToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  let server: TsunagiProcess | null = null;
  let sampler: NodeJS.Timeout | undefined;
  try {
    await control('POST', '/numbers', {
      phoneNumberId: PNID,
      displayPhoneNumber: '+81 3-3333-3333',
      wabaId: WABA,
      accessToken: TOKEN,
      mps: o.mps,
    });
    await control('POST', '/templates', {
      wabaId: WABA,
      name: TEMPLATE.name,
      language: TEMPLATE.language,
      category: 'MARKETING',
      components: [{ type: 'BODY', text: TEMPLATE.text }],
    });
    // The simulator's own record of who stopped marketing: a send to one of them is a violation there too.
    const stops = [...optedOut];
    for (let i = 0; i < stops.length; i += 32)
      await Promise.all(
        stops.slice(i, i + 32).map((waId) => control('POST', '/opt-out', { phoneNumberId: PNID, waId })),
      );
    await control('POST', '/faults', o.faults);

    const sent = async () =>
      (
        await control<{
          sent: Array<{ to: string; wamid: string; acceptedAt: string; body: Record<string, unknown> }>;
        }>('GET', `/sent?phoneNumberId=${PNID}&limit=1000000`)
      ).sent;
    const sentCount = async () =>
      (await control<{ count: number }>('GET', `/sent?phoneNumberId=${PNID}&limit=1`)).count;

    server = await TsunagiProcess.start({
      name: 'server',
      port,
      env: {
        ...o.db.env,
        TSUNAGI_SIMULATOR: 'off',
        WHATSAPP_APP_SECRET: SECRET,
        GRAPH_API_URL: simUrl,
        TSUNAGI_RECONCILE_TIMEOUT_SECONDS: String(o.reconcileTimeoutSeconds),
        ...(o.graphTimeoutSeconds ? { TSUNAGI_GRAPH_TIMEOUT_SECONDS: String(o.graphTimeoutSeconds) } : {}),
        ...(o.dispatchLeaseSeconds ? { TSUNAGI_DISPATCH_LEASE_SECONDS: String(o.dispatchLeaseSeconds) } : {}),
      },
    });
    const sendStarted = Date.now();
    const kills: KillRecord[] = [];
    const killTimes: number[] = [];
    const restartTimes: number[] = [];
    let maxIngestLagSeconds = 0;
    let maxIngestBacklog = 0;
    let samples = 0;
    sampler = setInterval(() => {
      if (!server?.running) return;
      const progress = ++samples % 10 === 0;
      Promise.all([fetch(`${server.url}/metrics`).then((res) => res.text()), progress ? sentCount() : 0])
        .then(([text, n]) => {
          const lag = metricValue(text, 'tsunagi_ingest_lag_seconds');
          const backlog = metricValue(text, 'tsunagi_ingest_backlog');
          maxIngestLagSeconds = Math.max(maxIngestLagSeconds, lag);
          maxIngestBacklog = Math.max(maxIngestBacklog, backlog);
          if (progress)
            log(
              `${Math.round((Date.now() - sendStarted) / 1000)} s: accepted ${n}, outbox ${metricValue(text, 'tsunagi_dispatch_queue_depth')}, ` +
                `ingest backlog ${backlog} (lag ${lag} s), jobs ${metricValue(text, 'tsunagi_jobs_pending')}`,
            );
        })
        .catch(() => undefined);
    }, 500);
    for (const fraction of o.killAt) {
      const target = Math.ceil(eligible.size * fraction);
      const reached = await waitUntil(
        `${target} sends before kill ${kills.length + 1}`,
        async () => {
          const n = await sentCount();
          return n >= target ? n : 0;
        },
        { timeoutMs: o.timeoutMs, intervalMs: 10 },
      );
      await server.kill();
      const killedAt = Date.now();
      log(`server log before kill ${kills.length + 1}: ${summarizeLog(server.output())}`);
      killTimes.push(killedAt);
      const record: KillRecord = {
        reachedAtKill: reached,
        claimedNotOnWire: null,
        onWire: null,
        onWireAccepted: null,
        downSeconds: 0,
      };
      if (o.inspectAfterKill) Object.assign(record, await inspectClaims(o.db, await sent()));
      await server.restart();
      restartTimes.push(Date.now());
      record.downSeconds = Math.round((Date.now() - killedAt) / 100) / 10;
      kills.push(record);
      log(`kill ${kills.length}: ${JSON.stringify(record)}`);
    }

    const metrics = async () => (await fetch(`${server!.url}/metrics`)).text();
    await waitUntil(
      'every eligible recipient to be reached and the outbox to empty',
      async () => {
        const reached = new Set((await sent()).map((r) => r.to));
        for (const w of eligible) if (!reached.has(w)) return false;
        return metricValue(await metrics(), 'tsunagi_dispatch_queue_depth') === 0;
      },
      { timeoutMs: o.timeoutMs, intervalMs: 250 },
    );
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    clearInterval(sampler);
    // The last status webhooks (duplicates, reordered) land and are applied before the books are read.
    await waitUntil(
      'the status webhooks to be applied',
      async () => {
        await control('POST', '/flush');
        return metricValue(await metrics(), 'tsunagi_ingest_backlog') === 0;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const possibleDuplicatesMetric = metricValue(
      await metrics(),
      'tsunagi_outbound_possible_duplicates_total',
    );
    await server.stop();
    log(`server log after the last restart: ${summarizeLog(server.output())}`);

    const records = await sent();
    const violations = (
      await control<{ violations: Array<{ kind: string; details: string }> }>('GET', '/violations')
    ).violations;
    const webhookStats = (await control<{ stats: Record<string, number> }>('GET', '/webhooks?limit=1')).stats;
    const byTo = new Map<string, string[]>();
    const sendTimes = new Map<string, number[]>();
    let outsideAllowedHours = 0;
    for (const r of records) {
      const cb = String(r.body.biz_opaque_callback_data ?? '');
      byTo.set(r.to, [...(byTo.get(r.to) ?? []), cb]);
      sendTimes.set(cb, [...(sendTimes.get(cb) ?? []), Date.parse(r.acceptedAt)]);
      const zone = quiet.has(r.to) ? nightZone : dayZone;
      const h = localHour(new Date(r.acceptedAt), zone);
      if (h < 8 || h >= 22) outsideAllowedHours++;
    }
    const twice = [...sendTimes].filter(([, times]) => times.length > 1);
    const acrossKill = twice.filter(([, times]) =>
      killTimes.some((k) => k > Math.min(...times) && k < Math.max(...times)),
    ).length;
    const duplicateRows = twice
      .map(([cb]) => cb.replace(/^tsg:/, ''))
      .filter((id) => /^[0-9a-f-]{36}$/.test(id));
    const books = await readBooks(o.db, seeded, duplicateRows);
    const rel = (t: number) => Math.round((t - sendStarted) / 100) / 10;
    log(
      `kills at ${JSON.stringify(killTimes.map(rel))}, restarts at ${JSON.stringify(restartTimes.map(rel))}`,
    );
    for (const [cb] of twice.slice(0, 20))
      log(
        `twice ${cb}: sent ${JSON.stringify(
          records
            .filter((r) => r.body.biz_opaque_callback_data === cb)
            .map((r) => `${rel(Date.parse(r.acceptedAt))} ${r.wamid.slice(-8)}`),
        )}; ` +
          JSON.stringify(
            (books.details.get(cb.replace(/^tsg:/, '')) ?? []).map((d) => ({ ...d, at: rel(d.at) })),
          ),
      );
    const duplicateCauses = {
      acrossKill,
      withinLifetime: twice.length - acrossKill,
      secondMessage: [...byTo.values()].filter((cbs) => new Set(cbs).size > 1).length,
      resentAfterUnknown: books.resentAfterUnknown,
    };
    return {
      kind: o.db.kind,
      recipients: o.recipients,
      eligible: eligible.size,
      optedOut: optedOut.size,
      quiet: quiet.size,
      accepted: records.length,
      missing: [...eligible].filter((w) => !byTo.has(w)),
      duplicateRecipients: [...byTo]
        .filter(([, cbs]) => cbs.length > 1)
        .map(([to, callbacks]) => ({ to, sends: callbacks.length, callbacks })),
      toOptedOut: records.filter((r) => optedOut.has(r.to)).length,
      toQuiet: records.filter((r) => quiet.has(r.to)).length,
      outsideAllowedHours,
      violations,
      ledger: books.ledger,
      ledgerRowsWithSeveralMessages: books.ledgerRowsWithSeveralMessages,
      campaignMessages: books.campaignMessages,
      inconsistentLedgerRows: books.inconsistentLedgerRows,
      messageStatuses: books.messageStatuses,
      possibleDuplicatesMetric,
      duplicateCauses,
      maxIngestLagSeconds,
      maxIngestBacklog,
      kills,
      webhookStats,
      seconds: {
        seed: Math.round(seedSeconds * 10) / 10,
        send: Math.round(sendSeconds * 10) / 10,
        total: Math.round((Date.now() - began) / 100) / 10,
      },
    };
  } catch (err) {
    if (server) log(`server output:\n${server.output()}`);
    throw err;
  } finally {
    clearInterval(sampler);
    await server?.kill();
    await sim.kill();
  }
}

interface Seeded {
  workspaceId: string;
  campaignId: string;
}

async function seed(o: ChaosOptions, dayZone: string, nightZone: string): Promise<Seeded> {
  const h = await o.db.open();
  try {
    const db = h.db;
    const clock = systemClock;
    const ws = await createWorkspace(db, clock, { name: 'Campaign chaos' });
    const secrets = new SecretBox(o.db.env.TSUNAGI_SECRET_KEY ?? '');
    const number = await registerPhoneNumber(
      { db, clock, secrets },
      ws.workspaceId,
      {
        phoneNumberId: PNID,
        displayPhoneNumber: '+81 3-3333-3333',
        wabaId: WABA,
        accessToken: TOKEN,
        mps: o.mps,
        messagingLimit: 1_000_000,
      },
      null,
    );
    const now = clock.now();
    await sql`insert into message_templates (workspace_id, waba_id, name, language, category, status, components,
        synced_at)
      values (${ws.workspaceId}, ${WABA}, ${TEMPLATE.name}, ${TEMPLATE.language}, 'MARKETING', 'APPROVED',
        ${JSON.stringify([{ type: 'BODY', text: TEMPLATE.text }])}::jsonb, ${now})
      on conflict do nothing`.execute(db);
    await sql`insert into contacts (id, workspace_id, wa_id, phone_e164, name, country, timezone, attributes,
        created_at, updated_at)
      select gen_random_uuid(), ${ws.workspaceId}, '81902' || lpad(i::text, 7, '0'),
        '+81902' || lpad(i::text, 7, '0'), 'Customer ' || i, 'JP',
        case when i % 10 <> 7 and i % 25 = 3 then ${nightZone} else ${dayZone} end, '{}'::jsonb, ${now}, ${now}
      from generate_series(0, ${o.recipients - 1}) as s(i)`.execute(db);
    await sql`insert into contact_consents (workspace_id, contact_id, purpose, state, source, changed_at, last_event_id)
      select workspace_id, id, 'marketing',
        case when substr(wa_id, 6)::int % 10 = 7 then 'opted_out' else 'opted_in' end,
        'import', ${now}, gen_random_uuid()
      from contacts where workspace_id = ${ws.workspaceId}`.execute(db);
    const owner: Principal = {
      workspaceId: ws.workspaceId,
      role: 'owner',
      kind: 'api_key',
      userId: null,
      apiKeyId: null,
      csrfToken: null,
    };
    const deps = { db, clock };
    const campaign = await createCampaign(
      deps,
      owner,
      CampaignInputSchema.parse({
        name: 'Chaos sale',
        phoneNumberIds: [number.id],
        template: { name: TEMPLATE.name, language: TEMPLATE.language, variables: [] },
        audience: { condition: 'contact.country = "JP"' },
        quietHours: QUIET,
      }),
    );
    await launchCampaign(deps, owner, campaign.id);
    // Planner statistics, as autovacuum would gather them after such a load (it is off on the bench and test
    // servers, and PGlite has none): without them 100,000 contacts looked like an empty table, and the release's
    // claim joined them with a scan per ledger row.
    await sql`analyze`.execute(db);
    return { workspaceId: ws.workspaceId, campaignId: campaign.id };
  } finally {
    await h.close();
  }
}

/** Claimed rows left by a kill: not on the wire / on the wire, and how many of the latter the simulator accepted. */
async function inspectClaims(
  db: ChaosDatabase,
  accepted: Array<{ body: Record<string, unknown> }>,
): Promise<Pick<KillRecord, 'claimedNotOnWire' | 'onWire' | 'onWireAccepted'>> {
  const h = await db.open();
  try {
    const rows = (
      await sql<{ id: string; on_wire: boolean }>`
        select id, wire_at is not null as on_wire from messages where status = 'sending'`.execute(h.db)
    ).rows;
    const seen = new Set(accepted.map((r) => String(r.body.biz_opaque_callback_data ?? '')));
    const wire = rows.filter((r) => r.on_wire);
    return {
      claimedNotOnWire: rows.length - wire.length,
      onWire: wire.length,
      onWireAccepted: wire.filter((r) => seen.has(`tsg:${r.id}`)).length,
    };
  } finally {
    await h.close();
  }
}

async function readBooks(
  db: ChaosDatabase,
  s: Seeded,
  duplicateRows: string[],
): Promise<
  Pick<
    ChaosReport,
    | 'ledgerRowsWithSeveralMessages'
    | 'campaignMessages'
    | 'ledger'
    | 'inconsistentLedgerRows'
    | 'messageStatuses'
  > & {
    resentAfterUnknown: number;
    details: Map<string, Array<{ what: string; at: number }>>;
  }
> {
  const h = await db.open();
  try {
    const q = h.db;
    const ledger = (
      await sql<{ status: string; skip_reason: string | null; n: number }>`
        select status, skip_reason, count(*)::int as n from campaign_recipients
        where workspace_id = ${s.workspaceId} and campaign_id = ${s.campaignId} group by 1, 2`.execute(q)
    ).rows;
    const perRow = (
      await sql<{ n: number }>`
        select count(*)::int as n from (
          select contact_id from messages
          where workspace_id = ${s.workspaceId} and idempotency_key like ${`campaign:${s.campaignId}:%`}
          group by contact_id having count(*) > 1) t`.execute(q)
    ).rows[0]?.n;
    const statuses = (
      await sql<{ status: string; n: number }>`
        select status, count(*)::int as n from messages
        where workspace_id = ${s.workspaceId} and idempotency_key like ${`campaign:${s.campaignId}:%`}
        group by 1`.execute(q)
    ).rows;
    const inconsistent = (
      await sql<{ n: number }>`
        select count(*)::int as n from campaign_recipients r
        left join messages m on m.id = r.message_id
        where r.workspace_id = ${s.workspaceId} and r.campaign_id = ${s.campaignId}
          and r.status not in ('skipped', 'planned')
          and (m.id is null or m.status not in ('accepted', 'sent', 'delivered', 'read')
            or r.status not in ('queued', 'sent', 'delivered', 'read'))`.execute(q)
    ).rows[0]?.n;
    const resent = (
      await sql<{ n: number }>`
        select count(*)::int as n from messages
        where id = any(${duplicateRows}::uuid[]) and error_title = 'resent after unknown outcome'`.execute(q)
    ).rows[0]?.n;
    const events = (
      await sql<{ message_id: string; what: string; at: Date }>`
        select message_id, status || ' ' || right(wamid, 8) as what, received_at as at from message_status_events
        where message_id = any(${duplicateRows}::uuid[])
        union all
        select id, 'row ' || status || ' attempts ' || attempts || ' ' || coalesce(error_title, ''), created_at
        from messages where id = any(${duplicateRows}::uuid[])`.execute(q)
    ).rows;
    const details = new Map<string, Array<{ what: string; at: number }>>();
    for (const e of events)
      details.set(e.message_id, [
        ...(details.get(e.message_id) ?? []),
        { what: e.what, at: new Date(e.at).getTime() },
      ]);
    return {
      details,
      resentAfterUnknown: resent ?? 0,
      ledger: Object.fromEntries(
        ledger.map((r) => [r.skip_reason ? `skipped:${r.skip_reason}` : r.status, r.n]),
      ),
      ledgerRowsWithSeveralMessages: perRow ?? 0,
      campaignMessages: statuses.reduce((n, r) => n + r.n, 0),
      inconsistentLedgerRows: inconsistent ?? 0,
      messageStatuses: Object.fromEntries(statuses.map((r) => [r.status, r.n])),
    };
  } finally {
    await h.close();
  }
}

/** Counts a pino log's lines by level and message (what a failed or slow run did, in one line). */
function summarizeLog(output: string): string {
  const counts = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as {
        level?: number;
        msg?: string;
        requeued?: number;
        released?: number;
      };
      const key = `${entry.level ?? '?'} ${entry.msg ?? ''}${entry.requeued ? ` (${entry.requeued})` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      counts.set('unparsed', (counts.get('unparsed') ?? 0) + 1);
    }
  }
  return JSON.stringify(Object.fromEntries(counts));
}
