import path from 'node:path';
import { awaitQuietMachine, startCpuMeter, type CpuShare } from './lib/cpu.ts';
import { Deployment, postgresVersion, type DatabaseKind } from './lib/deployment.ts';
import { localTarget, type PreparedRequest } from './lib/http.ts';
import { closedLoop, openLoop, type LoadRun } from './lib/load.ts';
import { freePort, machineInfo, REPO_ROOT, scratchDir, serverNodeFlags } from './lib/machine.ts';
import { logPath, startNode, summarizeLog, type ChildHandle } from './lib/processes.ts';
import { atLeast, atMost, round, type ScenarioResult, type TargetCheck } from './lib/results.ts';
import { summarizeLatencies } from './lib/stats.ts';
import { MetricsWatcher } from './lib/watch.ts';
import { signedTextWebhooks, type BusinessNumber } from './lib/webhooks.ts';
import { startStandaloneSimulator } from '../src/simulator/index.ts';

/** Parameters of one inbound scenario. */
export interface InboundParams {
  scenario: string;
  kind: DatabaseKind;
  /** Posts in the throughput phase (one text message each). */
  throughputPosts: number;
  /** Connections of the closed-loop throughput phase. */
  concurrency: number;
  /** Open-loop rate and duration of the latency phase. */
  latencyRate: number;
  latencySeconds: number;
  /** Distinct customers the messages come from. */
  customers: number;
  /** Optional batched variant: posts of `perPost` messages each. */
  batched?: { posts: number; perPost: number; concurrency: number };
  /**
   * Run the worker and scheduler roles in a second process (PostgreSQL only): one process acknowledges and
   * journals webhooks, the other ingests them, each on its own core.
   */
  splitWorker?: boolean;
  /** Targets from the issue. */
  targetRate: number;
  targetAckP99Ms: number;
  targetPeakRssMiB?: number;
}

const NUMBER: BusinessNumber & { accessToken: string; mps: number } = {
  phoneNumberId: '109000000000101',
  displayPhoneNumber: '+81 3-1234-5678',
  wabaId: '209000000000101',
  accessToken: 'bench-token',
  mps: 80,
};

/** How long a phase waits for the previous one's backlog to drain. */
const DRAIN_MS = 45_000;

/** A phase measured until every message it posted was processed by ingest (or a deadline passed). */
interface Phase {
  run: LoadRun;
  messages: number;
  /** Messages stored by `processedAt`: all of them unless ingest fell behind. */
  processed: number;
  processedAt: number;
  reached: boolean;
  cpu: CpuShare;
}

/**
 * Inbound: signed text-message webhooks into `POST /webhooks/whatsapp`, measured until ingest has stored every
 * message. Phases: warm-up; latency (open loop at a fixed rate); throughput (closed loop, as fast as the server
 * takes them); optionally batched posts; then the same bodies against a bare node:http server as the ceiling.
 */
export async function runInbound(p: InboundParams): Promise<ScenarioResult> {
  const began = Date.now();
  const dir = scratchDir(p.scenario);
  const dep = new Deployment(p.kind, dir, p.scenario);
  const notes: string[] = [];
  const busyBeforeStart = await awaitQuietMachine();
  if (busyBeforeStart >= 0.3)
    notes.push(`machine not quiet at start: ${busyBeforeStart} cores busy with unrelated work`);
  await dep.prepare();
  // Registration verifies the number with the Graph API: a simulator in this process answers those two calls
  // (no sends happen in this scenario, so it takes no measurable CPU).
  const meta = await startStandaloneSimulator({ port: 0, appSecret: 'bench-meta', numbers: [NUMBER] });
  const server = await dep.start(
    { GRAPH_API_URL: meta.url, ...(p.splitWorker ? { TSUNAGI_ROLES: 'api' } : {}) },
    serverNodeFlags(dir),
  );
  const worker = p.splitWorker
    ? await dep.startWorker({ GRAPH_API_URL: meta.url }, serverNodeFlags(dir))
    : null;
  await dep.registerNumber(NUMBER);
  // Ingest counters live in the process that ingests.
  const watcher = new MetricsWatcher(worker ? dep.workerPort : dep.port);
  const target = localTarget(dep.port, Math.max(p.concurrency, 256));
  let seq = 0;
  const bodies = (count: number, perPost = 1): PreparedRequest[] => {
    const r = signedTextWebhooks({
      number: NUMBER,
      appSecret: dep.appSecret,
      count,
      perPost,
      customers: p.customers,
      firstSeq: seq,
    });
    seq += count * perPost;
    return r;
  };
  const phase = async (messages: number, load: () => Promise<LoadRun>): Promise<Phase> => {
    // Start from an empty journal, so the phase measures only its own messages (bounded: a slow ingest
    // leaves a backlog that is reported, not waited out).
    const drained = await watcher.until(
      (c) => c.ingestBacklog === 0,
      (c) => c.ingestBacklog,
      { deadlineMs: DRAIN_MS },
    );
    if (!drained.reached)
      notes.push(`ingest backlog ${drained.last.ingestBacklog} not drained before a phase`);
    const base = drained.last.inboundMessages;
    const cpu = await startCpuMeter({
      serverPid: server.pid,
      postgresPids: () => dep.postgresPids(),
      ...(worker ? { others: { worker: worker.pid } } : {}),
    });
    const stopSampling = watcher.background();
    const run = await load();
    await stopSampling();
    // Wait for ingest at most twice as long as the target rate needs, then report what was processed.
    const done = await watcher.until(
      (c) => c.inboundMessages - base >= messages,
      (c) => c.inboundMessages,
      { deadlineMs: Math.max(20_000, (2000 * messages) / p.targetRate) },
    );
    const processed = done.last.inboundMessages - base;
    if (!done.reached)
      notes.push(`ingest behind: ${processed}/${messages} messages of a phase processed in time`);
    return { run, messages, processed, processedAt: done.last.at, reached: done.reached, cpu: await cpu() };
  };

  try {
    const warm = bodies(3000);
    await phase(warm.length, () => closedLoop(target, warm, 32));

    const latencyBodies = bodies(p.latencyRate * p.latencySeconds);
    const latency = await phase(latencyBodies.length, () => openLoop(target, latencyBodies, p.latencyRate));
    const latencyBacklogPeak = watcher.maxBacklog;

    watcher.maxBacklog = 0;
    const tpBodies = bodies(p.throughputPosts);
    const throughput = await phase(tpBodies.length, () => closedLoop(target, tpBodies, p.concurrency));
    const throughputBacklogPeak = watcher.maxBacklog;

    let batched: Phase | null = null;
    if (p.batched) {
      const b = p.batched;
      const batchBodies = bodies(b.posts, b.perPost);
      batched = await phase(b.posts * b.perPost, () => closedLoop(target, batchBodies, b.concurrency));
    }

    const final = await watcher.read();
    const peakRssMiB = Math.max(server.peakRssMiB() ?? NaN, worker?.peakRssMiB() ?? 0);
    const verification = p.kind === 'postgres' ? await verifyPostgres(dep) : null;
    watcher.close();
    await dep.close();
    const log = summarizeLog(server.logFile);
    if (worker) {
      const workerLog = summarizeLog(worker.logFile);
      log.errors += workerLog.errors;
      log.warnings += workerLog.warnings;
      log.messages.push(...workerLog.messages);
    }

    const bare = await bareServerRate(dir, tpBodies, p.concurrency);
    target.agent.destroy();

    const tpRate = rate(throughput.processed, throughput.run.startedAt, throughput.processedAt);
    const ackRate = rate(throughput.messages, throughput.run.startedAt, throughput.run.finishedAt);
    const ack = summarizeLatencies(latency.run.latencies);
    const targets: TargetCheck[] = [
      atLeast(`durable inbound rate (${p.kind})`, tpRate, p.targetRate, 'msg/s'),
      atMost(`webhook ack p99 at ${p.latencyRate}/s`, ack.p99, p.targetAckP99Ms, 'ms'),
    ];
    if (p.targetPeakRssMiB !== undefined)
      targets.push(atMost('server peak RSS during inbound', peakRssMiB, p.targetPeakRssMiB, 'MiB'));

    if (final.deadLetters > 0) notes.push(`${final.deadLetters} items dead-lettered`);
    if (log.errors + log.warnings > 0)
      notes.push(
        `server logged ${log.errors} errors, ${log.warnings} warnings: ${JSON.stringify(log.messages)}`,
      );
    for (const [name, ph] of Object.entries({ latency, throughput, ...(batched ? { batched } : {}) }))
      for (const [status, n] of Object.entries(ph.run.statuses))
        if (status !== '200') notes.push(`${name}: ${n} responses with HTTP ${status}`);
    notes.push(
      'Load generator, server and database share the machine; see cpu.* for cores used by each during a phase.',
    );

    return {
      scenario: p.scenario,
      description: `Inbound text-message webhooks on ${p.kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'}, measured until processed`,
      date: new Date(began).toISOString(),
      durationSeconds: Math.round((Date.now() - began) / 1000),
      machine: machineInfo(p.kind === 'postgres' ? await postgresVersion() : null),
      parameters: { ...p, webhookBodyBytes: tpBodies[0]?.body?.length ?? 0, busyBeforeStart },
      measured: {
        throughput: {
          messages: throughput.messages,
          processed: throughput.processed,
          durableRatePerSecond: round(tpRate, 0),
          ackRatePerSecond: round(ackRate, 0),
          processedAfterLastAckMs: round(throughput.processedAt - throughput.run.finishedAt, 0),
          ackLatencyMs: summarizeLatencies(throughput.run.latencies),
          ingestBacklogPeak: throughputBacklogPeak,
          cpu: throughput.cpu,
          completed: throughput.reached,
        },
        latency: {
          ratePerSecond: p.latencyRate,
          seconds: p.latencySeconds,
          processed: latency.processed,
          achievedRatePerSecond: round(
            rate(latency.messages, latency.run.startedAt, latency.run.finishedAt),
            0,
          ),
          ackLatencyMs: ack,
          ackServiceLatencyMs: summarizeLatencies(latency.run.serviceLatencies),
          processedAfterLastAckMs: round(latency.processedAt - latency.run.finishedAt, 0),
          ingestBacklogPeak: latencyBacklogPeak,
          cpu: latency.cpu,
          completed: latency.reached,
        },
        ...(batched && p.batched
          ? {
              batched: {
                posts: p.batched.posts,
                messagesPerPost: p.batched.perPost,
                durableRatePerSecond: round(
                  rate(batched.processed, batched.run.startedAt, batched.processedAt),
                  0,
                ),
                processed: batched.processed,
                ackLatencyMs: summarizeLatencies(batched.run.latencies),
                cpu: batched.cpu,
                completed: batched.reached,
              },
            }
          : {}),
        bareNodeServer: { ratePerSecond: round(bare.rate, 0), cpu: bare.cpu },
        ratioToBareServer: round(tpRate / bare.rate, 3),
        serverPeakRssMiB: peakRssMiB,
        serverMemoryPeaksMiB: watcher.peaks,
        serverCounters: {
          inboundMessages: final.inboundMessages,
          webhookEventsProcessed: final.webhookEventsProcessed,
          deadLetters: final.deadLetters,
        },
        ...(verification ? { database: verification } : {}),
        serverLog: log,
      },
      targets,
      notes,
    };
  } finally {
    watcher.close();
    target.agent.destroy();
    await dep.close();
    await meta.close();
  }
}

function rate(n: number, from: number, to: number): number {
  return n / ((to - from) / 1000);
}

/** Row counts straight from PostgreSQL: what was actually stored, independent of the server's counters. */
async function verifyPostgres(dep: Deployment): Promise<Record<string, number>> {
  const [row] = await dep.query<Record<string, string>>(`
    select (select count(*) from messages where direction = 'inbound') as inbound_messages,
           (select count(*) from contacts) as contacts,
           (select count(*) from conversations) as conversations,
           (select count(*) from webhook_events) as webhook_events,
           (select count(*) from webhook_events where processed_at is null) as unprocessed_webhook_events,
           (select count(*) from dead_letters) as dead_letters`);
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}

/** The same bodies, the same closed loop, against a bare node:http server in its own process. */
async function bareServerRate(
  dir: string,
  requests: PreparedRequest[],
  concurrency: number,
): Promise<{ rate: number; cpu: CpuShare }> {
  const port = await freePort();
  const bare: ChildHandle = await startNode({
    name: 'bare-http',
    // From this repository, whichever tree is measured (the bare server is part of the harness).
    args: [
      path.join(REPO_ROOT, 'bin/run-ts.js'),
      path.join(REPO_ROOT, 'bench/lib/bare-server.ts'),
      String(port),
    ],
    env: {},
    ready: /listening/,
    logFile: logPath(dir, 'bare-http'),
  });
  const target = localTarget(port, concurrency);
  try {
    await closedLoop(target, requests.slice(0, 3000), concurrency);
    const cpu = await startCpuMeter({ serverPid: bare.pid });
    const run = await closedLoop(target, requests, concurrency);
    return { rate: rate(requests.length, run.startedAt, run.finishedAt), cpu: await cpu() };
  } finally {
    target.agent.destroy();
    await bare.stop();
  }
}
