import { awaitQuietMachine, startCpuMeter } from './lib/cpu.ts';
import { Deployment, postgresVersion, type NumberSpec } from './lib/deployment.ts';
import { freePort, machineInfo, scratchDir, serverNodeFlags, sleep } from './lib/machine.ts';
import { analyzeNumber, reconcile, type NumberOutcome } from './lib/outbound-analysis.ts';
import { seedQueuedTemplates } from './lib/outbox-seed.ts';
import { summarizeLog } from './lib/processes.ts';
import { atLeast, atMost, round, type ScenarioResult } from './lib/results.ts';
import { SimulatorProcess, type SentRecordView } from './lib/simulator.ts';
import { summarizeLatencies } from './lib/stats.ts';
import { MetricsWatcher } from './lib/watch.ts';

/** Parameters of one outbound scenario. */
export interface OutboundParams {
  scenario: string;
  numbers: number;
  /** Configured throughput of each number (messages per second). */
  mps: number;
  messages: number;
  /** Distinct recipients; each gets messages/recipients messages spread over the run. */
  recipients: number;
  /** Latency the simulator adds to every Graph API response (its `latencyMs` fault); 0 = localhost speed. */
  graphLatencyMs?: number;
}

const WABA = '209000000000201';
/**
 * `BENCH_STATUS_WEBHOOKS=off` makes the simulator drop its status webhooks, to separate the cost of sending
 * from the cost of ingesting 3 statuses per send (an investigation setting; results say which was used).
 */
const STATUS_WEBHOOKS = process.env.BENCH_STATUS_WEBHOOKS !== 'off';
/** How long to wait after the last send for status webhooks before reporting what is still in flight. */
const SETTLE_MS = 20_000;
/** No acceptance for this long ends the send phase: longer than the dispatcher's longest backoff (30 s). */
const STALL_MS = 45_000;
/** The send phase is cut off at this multiple of its ideal duration (a slow run is reported, not waited out). */
const MAX_SEND_PHASE_FACTOR = 2.5;
const numberSpec = (i: number, mps: number): NumberSpec => ({
  phoneNumberId: String(109000000000201 + i),
  displayPhoneNumber: `+81 3-0000-${String(1000 + i)}`,
  wabaId: WABA,
  accessToken: `bench-token-${i}`,
  mps,
});

/**
 * Outbound: `messages` queued template messages (inserted in one transaction, so the queue is full at one
 * instant) sent through `numbers` numbers at `mps` each, against the simulator in its own process. The simulator
 * keeps its default status behaviour — sent, delivered after 1 s, read after 3 s, one update per webhook POST —
 * so the server also ingests 3 status webhooks per send, as Meta's capacity guidance asks (reference §3.2).
 * Measured from the simulator's acceptance log: rate, the busiest one-second window, duplicates and losses.
 */
export async function runOutbound(p: OutboundParams): Promise<ScenarioResult> {
  const began = Date.now();
  const dir = scratchDir(p.scenario);
  const notes: string[] = [];
  const busyBeforeStart = await awaitQuietMachine();
  if (busyBeforeStart >= 0.3)
    notes.push(`machine not quiet at start: ${busyBeforeStart} cores busy with unrelated work`);
  const dep = new Deployment('postgres', dir, p.scenario);
  let sim: SimulatorProcess | null = null;
  try {
    await dep.prepare();
    dep.port = await freePort();
    const simPort = await freePort();
    sim = await SimulatorProcess.start({
      port: simPort,
      appSecret: dep.appSecret,
      webhookUrl: STATUS_WEBHOOKS ? `http://127.0.0.1:${dep.port}/webhooks/whatsapp` : null,
      dir,
    });
    const server = await dep.start(
      { GRAPH_API_URL: sim.url, GRAPH_API_VERSION: 'v23.0' },
      serverNodeFlags(dir),
    );
    if (p.graphLatencyMs) await sim.control.call('POST', '/control/faults', { latencyMs: p.graphLatencyMs });
    const specs = Array.from({ length: p.numbers }, (_, i) => numberSpec(i, p.mps));
    const numberIds: string[] = [];
    for (const spec of specs) {
      await sim.registerNumber(spec);
      numberIds.push(await dep.registerNumber(spec));
    }

    const watcher = new MetricsWatcher(dep.port);
    const seedStarted = performance.now();
    const { messageIds, committedAt } = await seedQueuedTemplates({
      databaseUrl: dep.databaseUrl,
      workspaceId: dep.workspaceId,
      numberIds,
      messages: p.messages,
      recipients: p.recipients,
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const cpu = await startCpuMeter({
      serverPid: server.pid,
      postgresPids: () => dep.postgresPids(),
      others: { simulator: sim.child.pid },
    });
    const stopSampling = watcher.background(1000);
    const sendStartedAt = performance.now();
    const simulator = sim;
    const pollLatenciesMs: number[] = [];
    const idealMs = (p.messages / (p.numbers * p.mps)) * 1000;
    const progress = await waitForSends(
      p.messages,
      () => countAll(simulator, specs),
      pollLatenciesMs,
      idealMs * MAX_SEND_PHASE_FACTOR,
    );
    const sendPhaseCpu = await cpu();
    const atLastSend = await watcher.read();
    const webhooksDuringSend = await sim.webhookStats();
    // Outcomes are written within a second of each send; statuses follow 1 s and 3 s later, unless the
    // simulator's webhook delivery is behind: wait a bounded time, then report what is still in flight.
    const settled = await watcher.until(
      (c) => c.ingestBacklog === 0 && (!STATUS_WEBHOOKS || c.statusesApplied >= 3 * progress.accepted),
      (c) => c.statusesApplied,
      { stallMs: 10_000, intervalMs: 500, deadlineMs: SETTLE_MS },
    );
    await stopSampling();
    const drainSeconds = (settled.last.at - progress.doneAt) / 1000;

    const records = new Map<string, SentRecordView[]>();
    for (const spec of specs) records.set(spec.phoneNumberId, await sim.sent(spec.phoneNumberId));
    const all = [...records.values()].flat();
    const perNumber: NumberOutcome[] = specs.map((s) =>
      analyzeNumber(s.phoneNumberId, s.mps, records.get(s.phoneNumberId) ?? [], committedAt),
    );
    const ledger = reconcile(messageIds, all, await messageStatuses(dep));
    const violations = await sim.violations();
    const webhookStats = await sim.webhookStats();
    const dbStatus = await messageStatusCounts(dep);
    const final = settled.last;
    const peakRssMiB = server.peakRssMiB() ?? NaN;
    const simPeakRssMiB = sim.child.peakRssMiB() ?? NaN;
    watcher.close();
    await sim.stop();
    await dep.close();
    const log = summarizeLog(server.logFile);
    const simLog = summarizeLog(sim.child.logFile);

    const sendPhaseMs = Math.max(...perNumber.map((n) => n.lastAcceptedAfterQueueFullMs));
    const aggregateRate = ledger.acceptedRecords / (sendPhaseMs / 1000);
    const worstRatio = Math.min(...perNumber.map((n) => n.ratioToConfigured));
    const busiestWindow = Math.max(...perNumber.map((n) => n.maxInAnySlidingSecond));
    if (!progress.complete)
      notes.push(
        `send phase cut off at ${progress.accepted}/${p.messages} accepted (no progress for ${STALL_MS / 1000} s, or ${MAX_SEND_PHASE_FACTOR}× the ideal duration)`,
      );
    if (violations.length > 0)
      notes.push(`simulator violations: ${JSON.stringify(countBy(violations.map((v) => v.kind)))}`);
    if (log.errors + log.warnings > 0)
      notes.push(
        `server logged ${log.errors} errors, ${log.warnings} warnings: ${JSON.stringify(log.messages)}`,
      );
    if (simLog.errors + simLog.warnings > 0)
      notes.push(
        `simulator logged ${simLog.errors} errors, ${simLog.warnings} warnings: ${JSON.stringify(simLog.messages)}`,
      );
    if (final.deadLetters > 0) notes.push(`${final.deadLetters} items dead-lettered`);
    if (!settled.reached)
      notes.push(
        `status webhooks still in flight ${round(drainSeconds, 1)} s after the last send: ${final.statusesApplied}/${3 * progress.accepted} applied, server backlog ${final.ingestBacklog}; the simulator delivered ${webhookStats.delivered} POSTs`,
      );
    notes.push(
      'Server, PostgreSQL, simulator and this process share the machine; cpu.* shows the cores each used while sending.',
    );

    return {
      scenario: p.scenario,
      description: `${p.messages.toLocaleString('en-US')} queued messages through ${p.numbers} number(s) at ${p.mps} mps each, against the simulator as a separate process${p.graphLatencyMs ? ` answering after ${p.graphLatencyMs} ms` : ''} (PostgreSQL)`,
      date: new Date(began).toISOString(),
      durationSeconds: Math.round((Date.now() - began) / 1000),
      machine: machineInfo(await postgresVersion()),
      parameters: {
        ...p,
        queueFilledInSeconds: round(seedSeconds, 1),
        statusWebhooks: STATUS_WEBHOOKS
          ? 'sent+delivered+read, 1 per POST'
          : 'off (dropped by the simulator)',
        busyBeforeStart,
      },
      measured: {
        aggregateRatePerSecond: round(aggregateRate, 1),
        configuredAggregateMps: p.numbers * p.mps,
        sendPhaseSeconds: round(sendPhaseMs / 1000, 1),
        worstNumberRatioToConfigured: worstRatio,
        busiestOneSecondWindow: busiestWindow,
        perNumber: p.numbers <= 10 ? perNumber : perNumber.slice(0, 10),
        ledger,
        violations: countBy(violations.map((v) => v.kind)),
        databaseStatus: dbStatus,
        serverCounters: {
          outbound: final.outbound,
          possibleDuplicates: final.possibleDuplicates,
          statusesApplied: final.statusesApplied,
          deadLetters: final.deadLetters,
        },
        statusWebhooks: {
          simulator: webhookStats,
          postsDeliveredPerSecondWhileSending: round(
            webhooksDuringSend.delivered / ((progress.doneAt - sendStartedAt) / 1000),
            0,
          ),
          appliedAtLastSend: atLastSend.statusesApplied,
          ingestBacklogAtLastSend: atLastSend.ingestBacklog,
          ingestBacklogPeak: watcher.maxBacklog,
          allAppliedSecondsAfterLastSend: settled.reached ? round(drainSeconds, 1) : null,
        },
        cpu: sendPhaseCpu,
        simulatorControlPollMs: summarizeLatencies(pollLatenciesMs.map((ms) => ms / p.numbers)),
        serverPeakRssMiB: peakRssMiB,
        serverMemoryPeaksMiB: watcher.peaks,
        simulatorPeakRssMiB: simPeakRssMiB,
        serverLog: log,
      },
      targets: [
        atLeast('achieved rate / configured (worst number)', worstRatio * 100, 95, '%'),
        atMost('most sends in any 1 s window (any number)', busiestWindow, p.mps, 'msg'),
        atMost('duplicates', ledger.duplicates, 0, 'msg'),
        atMost('lost', ledger.lost, 0, 'msg'),
        atMost('not sent by the end of the run', ledger.unfinished, 0, 'msg'),
      ],
      notes,
    };
  } finally {
    await sim?.stop();
    await dep.close();
  }
}

async function countAll(sim: SimulatorProcess, specs: NumberSpec[]): Promise<number> {
  let n = 0;
  for (const s of specs) n += await sim.sentCount(s.phoneNumberId);
  return n;
}

/**
 * Polls the simulator's accepted count until `total`, until it has not moved for STALL_MS, or until `maxMs`. The poll's own
 * response time is kept: it shows how responsive the simulator's event loop is while it serves the sends.
 */
async function waitForSends(
  total: number,
  count: () => Promise<number>,
  pollLatenciesMs: number[],
  maxMs: number,
): Promise<{ accepted: number; complete: boolean; doneAt: number }> {
  let accepted = 0;
  let lastMove = performance.now();
  const deadline = performance.now() + maxMs;
  for (;;) {
    const t = performance.now();
    const n = await count();
    pollLatenciesMs.push(performance.now() - t);
    if (n !== accepted) {
      accepted = n;
      lastMove = performance.now();
    }
    if (accepted >= total) return { accepted, complete: true, doneAt: performance.now() };
    if (performance.now() - lastMove > STALL_MS || performance.now() > deadline)
      return { accepted, complete: false, doneAt: performance.now() };
    await sleep(500);
  }
}

async function messageStatuses(dep: Deployment): Promise<Map<string, string>> {
  const rows = await dep.query<{ id: string; status: string }>(
    `select id, status from messages where direction = 'outbound'`,
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function messageStatusCounts(dep: Deployment): Promise<Record<string, number>> {
  const rows = await dep.query<{ status: string; n: string }>(
    `select status, count(*) as n from messages where direction = 'outbound' group by status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
