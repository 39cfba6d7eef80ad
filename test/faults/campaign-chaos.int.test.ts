import { afterAll, describe, expect, it } from 'vitest';
import { runCampaignChaos, type ChaosReport } from '../support/campaign-chaos.ts';
import { createChildDatabase, killAllProcesses, type ChildDatabase } from '../support/process.ts';

/**
 * Issue 11's chaos target at CI size: a campaign to 5,000 contacts (500 opted out, 180 where it is night) sent by
 * a real server process to the simulator in its own process with faults on (5xx and 130429 answers, duplicated
 * and reordered status webhooks), the server SIGKILLed three times during the send and restarted. Every eligible
 * recipient gets exactly one message (the simulator's sent log), none goes to an opted-out contact or at night,
 * the simulator records no violation, and the ledger agrees with the outbox. `bench/campaign-chaos.bench.ts` runs
 * the same scenario with 100,000 recipients.
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
      mps: 250,
      killAt: [0.15, 0.45, 0.75],
      // Longer than a restart takes on a loaded machine: the simulator retries a webhook that found the server down
      // after 1 s, 2 s, 4 s, 8 s, 16 s…, so a status sent before the kill reaches the restarted server within about
      // the downtime. With 20 s and 21 s restarts, 44 sends whose status came later were resent (the duplicate
      // DESIGN.md §5 allows when no status arrives within the timeout).
      reconcileTimeoutSeconds: 45,
      faults: {
        errorRate: 0.02,
        errorCodes: [131000, 2, 133004, 130429],
        duplicateWebhookRate: 0.1,
        reorderWebhooks: true,
        reorderWindowMs: 200,
        seed: 11,
      },
      timeoutMs: 150_000,
      inspectAfterKill: true,
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
  }, 300_000);
});
