import { afterAll, describe, expect, it } from 'vitest';
import { runCampaignChaos, type ChaosReport } from '../support/campaign-chaos.ts';
import { createChildDatabase, killAllProcesses, type ChildDatabase } from '../support/process.ts';

/**
 * The campaign chaos target at CI size (docs/campaigns.md, "Exactly once"): a campaign to 5,000 contacts (500 opted
 * out, 200 where it is night) sent by a real server process to the simulator in its own process with faults on
 * (5xx and 130429 answers, duplicated and reordered status webhooks), the server SIGKILLed three times during the
 * send and restarted. Every eligible recipient gets exactly one message (the simulator's sent log), none goes to
 * an opted-out contact or at night, the simulator's violation ledger (throughput included) stays empty, and the
 * ledger agrees with the outbox. `bench/campaign-chaos.bench.ts` runs the same scenario with 100,000 recipients.
 *
 * Budget: a 2-core machine shared with the rest of the suite. Hence a high rate (400 mps: the send itself takes
 * ~15 s), a short Graph timeout and number lease (a restarted server on PostgreSQL waits for the dead one's lease,
 * and its sends on the wire for their wire lease before reconciliation), and the simulator retrying failed
 * webhooks every 300 ms. The reconciliation timeout is 60 s: a send on the wire at a kill whose answer was lost
 * is resent only if no status webhook for it arrived within that time (DESIGN.md §5 allows that resend; it shows
 * as `resentAfterUnknown`). At 10 s the server's downtime plus the simulator's delayed webhooks outlasted it on a
 * loaded machine and 91 messages were resent, correctly by the rule but not what this test measures; at 30 s, on
 * 2026-12-07 with another fault test beside it on PostgreSQL, the simulator delivered the statuses of sends made just
 * before the first kill 57 s late and 10 were resent.
 *
 * Measured (2026-12-06, 2-core machine): PGlite 84 s (send 73 s) quiet; PostgreSQL 94 s quiet, 144 s at load
 * average 6–7 — 4,300 of 4,300 eligible recipients reached exactly once, no violation. Two product stalls this
 * test found are fixed:
 * - PostgreSQL: the ingest made no progress for 45–150 s while it applied the 500 `user_preferences` (opt-out)
 *   webhooks — seven statements a preference in one batch transaction that outlived its journal claim
 *   (test/pipeline/user-preferences-ingest.int.test.ts);
 * - both: after a kill the release job in flight was gone for its 5-minute job lease, and the next one waited
 *   behind thousands of per-status jobs. Status and reply listeners are now batched (one job per ingest batch),
 *   a release run does at most 1,000 rows and hands over to the next at once, and its job lease is 30 s
 *   (test/campaigns/campaign-release-cost.int.test.ts, test/jobs/job-queue.int.test.ts).
 * What remains of the wall time after the last kill is the reconciliation timeout of the sends on the wire.
 */
describe('campaign chaos: kill -9 three times during a 5,000-recipient campaign with simulator faults', () => {
  let db: ChildDatabase | null = null;

  afterAll(async () => {
    await killAllProcesses();
    await db?.dispose();
  });

  it('reaches every eligible recipient exactly once, nobody else, with no violation', async () => {
    db = await createChildDatabase();
    const report: ChaosReport = await runCampaignChaos({
      db,
      recipients: 5000,
      mps: 400,
      killAt: [0.2, 0.45, 0.7],
      reconcileTimeoutSeconds: 60,
      graphTimeoutSeconds: 5,
      dispatchLeaseSeconds: 5,
      faults: {
        errorRate: 0.02,
        errorCodes: [131000, 2, 133004, 130429],
        duplicateWebhookRate: 0.1,
        reorderWebhooks: true,
        reorderWindowMs: 200,
        webhookRetryMaxMs: 300,
        seed: 11,
      },
      timeoutMs: 105_000,
      inspectAfterKill: db.kind === 'postgres',
      log: (line) => console.info(`[campaign-chaos ${db?.kind}] ${line}`),
    });
    const { duplicateRecipients, missing, ...summary } = report;
    console.info(
      `[campaign-chaos ${report.kind}] ${JSON.stringify({
        ...summary,
        duplicates: duplicateRecipients.length,
        sameMessageTwice: duplicateRecipients.filter((d) => new Set(d.callbacks).size < d.sends).length,
        missing: missing.length,
      })}`,
    );
    expect(missing, 'eligible recipients never reached').toEqual([]);
    expect(duplicateRecipients.slice(0, 10), 'recipients reached more than once').toEqual([]);
    expect(report.toOptedOut).toBe(0);
    expect(report.toQuiet).toBe(0);
    expect(report.outsideAllowedHours).toBe(0);
    expect(report.violations).toEqual([]);
    expect(report.accepted).toBe(report.eligible);
    expect(report.ledgerRowsWithSeveralMessages).toBe(0);
    expect(report.campaignMessages).toBe(report.eligible);
    expect(report.inconsistentLedgerRows).toBe(0);
    expect(report.ledger['skipped:opted_out']).toBe(report.optedOut);
    expect(report.ledger.planned).toBe(report.quiet);
  }, 240_000);
});
