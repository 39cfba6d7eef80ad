import { send, type PreparedRequest, type Target } from './http.ts';

/** What a load phase observed. Times are `performance.now()` milliseconds. */
export interface LoadRun {
  startedAt: number;
  finishedAt: number;
  /** Per request, in request order: latency in ms (see each function for where it is measured from). */
  latencies: Float64Array;
  /** Latency from the moment the request was actually written (no coordinated-omission correction). */
  serviceLatencies: Float64Array;
  /** Count of responses by HTTP status (0 = network error). */
  statuses: Record<string, number>;
}

function newRun(n: number): LoadRun {
  return {
    startedAt: performance.now(),
    finishedAt: 0,
    latencies: new Float64Array(n),
    serviceLatencies: new Float64Array(n),
    statuses: {},
  };
}

function count(run: LoadRun, status: number): void {
  run.statuses[status] = (run.statuses[status] ?? 0) + 1;
}

/**
 * Closed loop: `concurrency` workers each send the next request as soon as their previous one is answered, so
 * the server is offered exactly as much as it takes. Latency is measured from the write.
 */
export async function closedLoop(
  target: Target,
  requests: PreparedRequest[],
  concurrency: number,
): Promise<LoadRun> {
  const run = newRun(requests.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const t = performance.now();
      const res = await send(target, requests[i] as PreparedRequest);
      const ms = performance.now() - t;
      run.latencies[i] = ms;
      run.serviceLatencies[i] = ms;
      count(run, res.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  run.finishedAt = performance.now();
  return run;
}

/**
 * Open loop at a fixed rate: request i is due at `start + i / rate`, whether or not earlier ones were answered
 * (as Meta delivers webhooks). Latency is measured from the due time, so a stall that delays later sends is
 * charged to them (no coordinated omission); `serviceLatencies` are measured from the actual write.
 */
export async function openLoop(
  target: Target,
  requests: PreparedRequest[],
  ratePerSecond: number,
): Promise<LoadRun> {
  const run = newRun(requests.length);
  const intervalMs = 1000 / ratePerSecond;
  const pending: Promise<void>[] = [];
  let i = 0;
  while (i < requests.length) {
    const now = performance.now();
    for (; i < requests.length && run.startedAt + i * intervalMs <= now; i++) {
      const due = run.startedAt + i * intervalMs;
      const index = i;
      const t = performance.now();
      pending.push(
        send(target, requests[index] as PreparedRequest).then((res) => {
          const end = performance.now();
          run.latencies[index] = end - due;
          run.serviceLatencies[index] = end - t;
          count(run, res.status);
        }),
      );
    }
    const wait = run.startedAt + i * intervalMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(wait, 5))));
  }
  await Promise.all(pending);
  run.finishedAt = performance.now();
  return run;
}
