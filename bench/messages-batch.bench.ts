import { awaitQuietMachine, startCpuMeter } from './lib/cpu.ts';
import { Deployment, postgresVersion, type NumberSpec } from './lib/deployment.ts';
import { localTarget, send, type PreparedRequest } from './lib/http.ts';
import { freePort, machineInfo, scratchDir, serverNodeFlags } from './lib/machine.ts';
import { summarizeLog } from './lib/processes.ts';
import { atLeast, atMost, round, type ScenarioResult } from './lib/results.ts';
import { SimulatorProcess } from './lib/simulator.ts';
import { summarizeLatencies } from './lib/stats.ts';

/** Parameters of the batch send scenario. */
export interface MessagesBatchParams {
  scenario: string;
  /** Batch requests sent. */
  batches: number;
  /** Messages per request (the API takes up to 1,000). */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Sending numbers (items are spread over them) and their throughput: the server dispatches while it accepts. */
  numbers: number;
  mps: number;
  /** Distinct recipients; the first batches create their contacts and conversations. */
  recipients: number;
  targetPerSecond: number;
}

const WABA = '209000000000301';
const numberSpec = (i: number, mps: number): NumberSpec => ({
  phoneNumberId: String(109000000000301 + i),
  displayPhoneNumber: `+81 3-0000-${String(2000 + i)}`,
  wabaId: WABA,
  accessToken: `bench-token-${i}`,
  mps,
});

/**
 * `POST /api/v1/messages/batch` on PostgreSQL: `batches` requests of `batchSize` template messages (each with its
 * own idempotency key) from `concurrency` clients, while the server's dispatcher sends what was queued to the
 * simulator (its own process, status webhooks on). Measured: accepted messages per second over the whole request
 * phase (first request sent → last response read), request latency, item errors.
 */
export async function runMessagesBatch(p: MessagesBatchParams): Promise<ScenarioResult> {
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
    sim = await SimulatorProcess.start({
      port: await freePort(),
      appSecret: dep.appSecret,
      webhookUrl: `http://127.0.0.1:${dep.port}/webhooks/whatsapp`,
      dir,
    });
    const server = await dep.start(
      { GRAPH_API_URL: sim.url, GRAPH_API_VERSION: 'v23.0' },
      serverNodeFlags(dir),
    );
    const specs = Array.from({ length: p.numbers }, (_, i) => numberSpec(i, p.mps));
    for (const spec of specs) {
      await sim.registerNumber(spec);
      await dep.registerNumber(spec);
    }
    const requests = prepareBatches(p, specs, dep.apiKey);
    const target = localTarget(dep.port, p.concurrency);
    const cpu = await startCpuMeter({
      serverPid: server.pid,
      postgresPids: () => dep.postgresPids(),
      others: { simulator: sim.child.pid },
    });
    const latencies: number[] = [];
    const errors: Record<string, number> = {};
    let accepted = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: p.concurrency }, async () => {
        for (;;) {
          const i = next++;
          const req = requests[i];
          if (!req) return;
          const t = performance.now();
          const res = await send(target, req);
          latencies.push(performance.now() - t);
          if (res.status !== 202) {
            errors[`http_${res.status}`] = (errors[`http_${res.status}`] ?? 0) + p.batchSize;
            continue;
          }
          const body = JSON.parse(res.body.toString('utf8')) as {
            results: ({ id: string } | { error: { code: string } })[];
          };
          for (const r of body.results) {
            if ('id' in r) accepted++;
            else errors[r.error.code] = (errors[r.error.code] ?? 0) + 1;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const share = await cpu();
    target.agent.destroy();
    let dispatched = 0;
    for (const s of specs) dispatched += await sim.sentCount(s.phoneNumberId);
    const queued = await dep.query<{ n: string }>(
      `select count(*) as n from messages where direction = 'outbound' and lane = 'bulk'`,
    );
    const rate = accepted / seconds;
    const itemErrors = Object.values(errors).reduce((a, b) => a + b, 0);
    const log = summarizeLog(server.logFile);
    if (log.errors + log.warnings > 0)
      notes.push(
        `server logged ${log.errors} errors, ${log.warnings} warnings: ${JSON.stringify(log.messages)}`,
      );
    notes.push(
      'Measured on a shared 2-core machine: server, PostgreSQL, simulator and this client share it (cpu.* shows each one’s cores); other engineers’ work may run at the same time.',
    );
    return {
      scenario: p.scenario,
      description: `${p.batches} × POST /api/v1/messages/batch of ${p.batchSize} template messages, ${p.concurrency} in flight, while dispatching through ${p.numbers} number(s) at ${p.mps} mps (PostgreSQL)`,
      date: new Date(began).toISOString(),
      durationSeconds: Math.round((Date.now() - began) / 1000),
      machine: machineInfo(await postgresVersion()),
      parameters: { ...p, busyBeforeStart },
      measured: {
        acceptedPerSecond: round(rate, 1),
        accepted,
        itemErrors: errors,
        requestPhaseSeconds: round(seconds, 2),
        requestLatencyMs: summarizeLatencies(latencies),
        bulkRowsInDatabase: Number(queued[0]?.n ?? 0),
        dispatchedDuringRequestPhase: dispatched,
        cpu: share,
        serverLog: log,
      },
      targets: [
        atLeast('accepted messages per second through /messages/batch', rate, p.targetPerSecond, 'msg/s'),
        atMost('item errors', itemErrors, 0, 'items'),
      ],
      notes,
    };
  } finally {
    await sim?.stop();
    await dep.close();
  }
}

/** Every request body built before the timed phase (JSON encoding is the client's cost, not the server's). */
function prepareBatches(p: MessagesBatchParams, specs: NumberSpec[], apiKey: string): PreparedRequest[] {
  return Array.from({ length: p.batches }, (_, b) => {
    const messages = Array.from({ length: p.batchSize }, (_, i) => {
      const n = b * p.batchSize + i;
      const spec = specs[n % specs.length] as NumberSpec;
      return {
        phoneNumberId: spec.phoneNumberId,
        to: `+8190${String(10_000_000 + (n % p.recipients))}`,
        idempotencyKey: `bench-${b}-${i}`,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      };
    });
    return {
      method: 'POST',
      path: '/api/v1/messages/batch',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ messages })),
    };
  });
}
