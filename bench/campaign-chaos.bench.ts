/**
 * The campaign chaos scenario at full size: `npm run bench -- campaign-chaos` (PostgreSQL at BENCH_PG_URL, default
 * postgres://postgres@127.0.0.1:5432; a fresh database is created and dropped after).
 *
 * A campaign to 100,000 contacts (a tenth opted out, a twenty-fifth where it is night) sent by a real server
 * process to the simulator in its own process with faults on (5xx and 130429 answers, duplicated and reordered
 * status webhooks), the server SIGKILLed three times during the send and restarted — the scenario of
 * `test/faults/campaign-chaos.int.test.ts` (5,000 recipients in CI), from `test/support/campaign-chaos.ts`.
 * Targets: every eligible recipient exactly once, nobody else, no violation. Writes
 * bench/results/campaign-chaos.json. A missed target is reported, never a failure.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase } from '../src/server/db/connect.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { runCampaignChaos, type ChaosDatabase } from '../test/support/campaign-chaos.ts';
import { machineInfo } from './lib/machine.ts';
import { atMost, round, type ScenarioResult } from './lib/results.ts';

const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function admin(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Runs the chaos scenario with `recipients` contacts at `mps` on a fresh PostgreSQL database. */
export async function runCampaignChaosBench(opts: {
  scenario: string;
  recipients: number;
  mps: number;
}): Promise<ScenarioResult> {
  const began = performance.now();
  const name = `bench_chaos_${randomBytes(4).toString('hex')}`;
  await admin(`create database "${name}"`);
  const url = `${PG_BASE}/${name}`;
  const open = () => openDatabase({ databaseUrl: url, dataDir: null, poolSize: 4 });
  const db: ChaosDatabase = {
    kind: 'postgres',
    env: { DATABASE_URL: url, TSUNAGI_SECRET_KEY: randomBytes(32).toString('base64') },
    open,
  };
  const first = await open();
  await migrate(first.db);
  await first.close();
  const parameters = {
    recipients: opts.recipients,
    mps: opts.mps,
    killAt: [0.15, 0.45, 0.75],
    reconcileTimeoutSeconds: 60,
    faults: {
      errorRate: 0.02,
      errorCodes: [131000, 2, 133004, 130429],
      duplicateWebhookRate: 0.1,
      reorderWebhooks: true,
      reorderWindowMs: 200,
      webhookRetryMaxMs: 300,
      seed: 11,
    },
  };
  try {
    const r = await runCampaignChaos({
      db,
      ...parameters,
      timeoutMs: 60 * 60_000,
      inspectAfterKill: true,
      log: (line) => console.log(`  ${line}`),
    });
    const sameMessageTwice = r.duplicateRecipients.filter((d) => new Set(d.callbacks).size < d.sends).length;
    const { duplicateRecipients, missing, ...rest } = r;
    return {
      scenario: opts.scenario,
      description: `A ${opts.recipients}-recipient campaign sent through three kill -9s with simulator faults on`,
      date: new Date().toISOString(),
      durationSeconds: round((performance.now() - began) / 1000),
      machine: machineInfo('postgres'),
      parameters,
      measured: {
        ...rest,
        missing: missing.length,
        duplicates: duplicateRecipients.length,
        sameMessageTwice,
        sendMessagesPerSecond: round(r.accepted / r.seconds.send, 0),
      },
      targets: [
        atMost('eligible recipients not reached', missing.length, 0, 'recipients'),
        atMost('recipients reached twice', duplicateRecipients.length, 0, 'recipients'),
        atMost(
          'sends to opted-out or night-time recipients',
          r.toOptedOut + r.toQuiet + r.outsideAllowedHours,
          0,
          'sends',
        ),
        atMost('simulator violations', r.violations.length, 0, 'violations'),
      ],
      notes: [
        'One all-roles server process on PostgreSQL, SIGKILLed at 15 %, 45 % and 75 % of the eligible recipients reached, restarted at once.',
        `kills: ${JSON.stringify(r.kills)}`,
      ],
    };
  } finally {
    await admin(`drop database if exists "${name}" with (force)`);
  }
}
