import { round } from './results.ts';
import type { SentRecordView } from './simulator.ts';
import { maxInSlidingWindow, maxPerCalendarSecond } from './stats.ts';

/** What one number achieved, from the simulator's acceptance times. */
export interface NumberOutcome {
  phoneNumberId: string;
  mps: number;
  accepted: number;
  /** accepted / (last acceptance − queue full): the send phase as the issue defines it. */
  ratePerSecond: number;
  ratioToConfigured: number;
  /** (accepted − 1) / (last − first acceptance): the rate once sending has started. */
  steadyRatePerSecond: number;
  firstAcceptedAfterQueueFullMs: number;
  lastAcceptedAfterQueueFullMs: number;
  maxInAnySlidingSecond: number;
  maxInAnyCalendarSecond: number;
  /** Pauses between consecutive acceptances longer than 4 send intervals: where sending time was lost. */
  stalls: { count: number; totalMs: number; p50Ms: number; maxMs: number };
}

/** Per-number rates and windows. `queueFullAt` is epoch ms. */
export function analyzeNumber(
  phoneNumberId: string,
  mps: number,
  records: SentRecordView[],
  queueFullAt: number,
): NumberOutcome {
  const times = records.map((r) => Date.parse(r.acceptedAt));
  // A loop, not Math.min(...times): 100,000 spread arguments can overflow the stack.
  let first = Infinity;
  let last = -Infinity;
  for (const t of times) {
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  const rate = records.length / ((last - queueFullAt) / 1000);
  return {
    phoneNumberId,
    mps,
    accepted: records.length,
    ratePerSecond: round(rate, 1),
    ratioToConfigured: round(rate / mps, 4),
    steadyRatePerSecond: round((records.length - 1) / ((last - first) / 1000), 1),
    firstAcceptedAfterQueueFullMs: first - queueFullAt,
    lastAcceptedAfterQueueFullMs: last - queueFullAt,
    maxInAnySlidingSecond: maxInSlidingWindow(times),
    maxInAnyCalendarSecond: maxPerCalendarSecond(times),
    stalls: stalls(times, 4000 / mps),
  };
}

/** Gaps longer than `thresholdMs` between consecutive acceptance times. */
function stalls(times: number[], thresholdMs: number): NumberOutcome['stalls'] {
  const sorted = Float64Array.from(times).sort();
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const gap = (sorted[i] as number) - (sorted[i - 1] as number);
    if (gap > thresholdMs) gaps.push(gap);
  }
  gaps.sort((a, b) => a - b);
  return {
    count: gaps.length,
    totalMs: Math.round(gaps.reduce((a, b) => a + b, 0)),
    p50Ms: gaps[Math.floor(gaps.length / 2)] ?? 0,
    maxMs: gaps.at(-1) ?? 0,
  };
}

/** Exactly-once check: every queued id accepted once, nothing else accepted. */
export interface DeliveryLedger {
  queued: number;
  acceptedRecords: number;
  /** Queued messages the simulator never accepted and the server no longer intends to send (failed). */
  lost: number;
  /** Queued messages not accepted yet but still queued or in flight when the run ended (slow, not lost). */
  unfinished: number;
  /** Extra acceptances of a message already accepted (same `tsg:<id>`). */
  duplicates: number;
  /** Acceptances whose callback data names no queued message. */
  unknown: number;
}

/**
 * Matches the simulator's records to the queued ids through `biz_opaque_callback_data = tsg:<id>`;
 * `dbStatus` (id → status at the end) tells a message still waiting from one given up on.
 */
export function reconcile(
  queuedIds: string[],
  records: SentRecordView[],
  dbStatus: Map<string, string>,
): DeliveryLedger {
  const queued = new Set(queuedIds);
  const seen = new Set<string>();
  let duplicates = 0;
  let unknown = 0;
  for (const r of records) {
    const id = r.body.biz_opaque_callback_data?.replace(/^tsg:/, '') ?? '';
    if (!queued.has(id)) unknown++;
    else if (seen.has(id)) duplicates++;
    else seen.add(id);
  }
  let unfinished = 0;
  for (const id of queued) {
    const status = dbStatus.get(id);
    if (!seen.has(id) && (status === 'queued' || status === 'sending')) unfinished++;
  }
  return {
    queued: queued.size,
    acceptedRecords: records.length,
    lost: queued.size - seen.size - unfinished,
    unfinished,
    duplicates,
    unknown,
  };
}
