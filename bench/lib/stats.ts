import { round } from './results.ts';

/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (`q` in [0, 1]). */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Summarises latencies given in milliseconds. */
export function summarizeLatencies(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    p999: round(percentile(sorted, 0.999)),
    max: round(sorted.length ? (sorted[sorted.length - 1] as number) : NaN),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

/**
 * The largest number of events in any window of `windowMs` (half-open `[t, t + windowMs)`), over event times in
 * ms. This is the strict reading of "never more than mps in any one second": every window, not only calendar
 * seconds. Two pointers over the sorted times: O(n log n) for the sort, O(n) after.
 */
export function maxInSlidingWindow(times: number[], windowMs = 1000): number {
  const sorted = Float64Array.from(times).sort();
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The largest count in one calendar second (what a per-second dashboard would show). */
export function maxPerCalendarSecond(times: number[]): number {
  const buckets = new Map<number, number>();
  for (const t of times) {
    const s = Math.floor(t / 1000);
    buckets.set(s, (buckets.get(s) ?? 0) + 1);
  }
  return Math.max(0, ...buckets.values());
}
