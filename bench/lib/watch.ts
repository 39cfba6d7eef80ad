import { sleep } from './machine.ts';
import { JsonClient } from './http.ts';
import { metricByLabel, metricSum, parsePrometheus } from './prometheus.ts';

/** The server counters the benchmarks follow, read from `/metrics`. */
export interface ServerCounters {
  at: number;
  inboundMessages: number;
  webhookEventsProcessed: number;
  webhooksJournaled: number;
  ingestBacklog: number;
  deadLetters: number;
  statusesApplied: number;
  outbound: Record<string, number>;
  possibleDuplicates: number;
  /** Process memory in MiB (prom-client default metrics): what makes up the server's RSS. */
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number };
}

/** Peak of each memory figure seen by a watcher. */
export type MemoryPeaks = ServerCounters['memory'];

/**
 * Polls Tsunagi's `/metrics`. A scrape costs the server a few small queries (backlog and queue-depth counts),
 * so polling stays at a few per second and is the same in every scenario.
 */
export class MetricsWatcher {
  private readonly client: JsonClient;
  maxBacklog = 0;
  peaks: MemoryPeaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 };

  constructor(port: number) {
    this.client = new JsonClient(port);
  }

  async read(): Promise<ServerCounters> {
    const samples = parsePrometheus(await this.client.text('/metrics'));
    const c: ServerCounters = {
      at: performance.now(),
      inboundMessages: metricSum(samples, 'tsunagi_inbound_messages_total'),
      webhookEventsProcessed: metricSum(samples, 'tsunagi_webhook_events_processed_total'),
      webhooksJournaled: metricSum(samples, 'tsunagi_webhook_events_total', { result: 'journaled' }),
      ingestBacklog: metricSum(samples, 'tsunagi_ingest_backlog'),
      deadLetters: metricSum(samples, 'tsunagi_dead_letters_total'),
      statusesApplied: metricSum(samples, 'tsunagi_statuses_applied_total'),
      outbound: metricByLabel(samples, 'tsunagi_outbound_messages_total', 'status'),
      possibleDuplicates: metricSum(samples, 'tsunagi_outbound_possible_duplicates_total'),
      memory: {
        rss: mib(metricSum(samples, 'tsunagi_process_process_resident_memory_bytes')),
        heapTotal: mib(metricSum(samples, 'tsunagi_process_nodejs_heap_size_total_bytes')),
        heapUsed: mib(metricSum(samples, 'tsunagi_process_nodejs_heap_size_used_bytes')),
        external: mib(metricSum(samples, 'tsunagi_process_nodejs_external_memory_bytes')),
      },
    };
    this.maxBacklog = Math.max(this.maxBacklog, c.ingestBacklog);
    for (const k of Object.keys(this.peaks) as Array<keyof MemoryPeaks>)
      this.peaks[k] = Math.max(this.peaks[k], c.memory[k]);
    return c;
  }

  /**
   * Polls every `intervalMs` until `done(counters)`; gives up when `deadlineMs` has passed, or when
   * `progress(counters)` has not moved for `stallMs` (the server stopped making headway: waiting longer
   * measures nothing). Returns the last reading, whose `at` is the completion time (resolution: the interval).
   */
  async until(
    done: (c: ServerCounters) => boolean,
    progress: (c: ServerCounters) => number,
    opts: { stallMs?: number; intervalMs?: number; deadlineMs?: number } = {},
  ): Promise<{ reached: boolean; last: ServerCounters }> {
    const stallMs = opts.stallMs ?? 20_000;
    const deadline = performance.now() + (opts.deadlineMs ?? Infinity);
    let lastValue = NaN;
    let lastMove = performance.now();
    for (;;) {
      const last = await this.read();
      if (done(last)) return { reached: true, last };
      const value = progress(last);
      if (value !== lastValue) {
        lastValue = value;
        lastMove = performance.now();
      } else if (performance.now() - lastMove > stallMs) return { reached: false, last };
      if (performance.now() > deadline) return { reached: false, last };
      await sleep(opts.intervalMs ?? 100);
    }
  }

  /** Samples in the background (to track the backlog peak during a load phase) until the returned stop(). */
  background(intervalMs = 500): () => Promise<void> {
    let running = true;
    const loop = (async () => {
      while (running) {
        await this.read().catch(() => undefined);
        await sleep(intervalMs);
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  close(): void {
    this.client.close();
  }
}

function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}
