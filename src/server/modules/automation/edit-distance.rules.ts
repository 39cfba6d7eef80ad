/**
 * Bounded edit distances for typo-tolerant matching (pure). Written by hand because both are a dozen lines and
 * the bound (Ukkonen's cut-off: stop once every cell of a row exceeds `max`) is what keeps them cheap; the
 * libraries on npm compute the full matrix.
 */

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours) between `a` and `b`, or
 * `max + 1` as soon as it is known to exceed `max`.
 */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  const d = prev[n] as number;
  return d > max ? max + 1 : d;
}

/** Where a pattern occurs approximately inside a text. */
export interface ApproximateHit {
  /** Edit distance of the best occurrence. */
  distance: number;
  /** Start (inclusive) and end (exclusive) of that occurrence in the text, in UTF-16 units. */
  start: number;
  end: number;
}

/**
 * Sellers' algorithm: the substring of `text` closest to `pattern` (free start and end in the text), if its
 * distance is at most `max`. Each cell carries the start of its alignment so the caller can check word or token
 * boundaries. O(|pattern| · |text|), with columns skipped once the pattern cannot fit within `max`.
 */
export function approximateSearch(pattern: string, text: string, max: number): ApproximateHit | null {
  const m = pattern.length;
  if (m === 0) return null;
  // Four rows from a shared scratch buffer: this runs for every candidate keyword of every message, and fresh
  // arrays per call were a measurable share of the garbage behind tail latency. Safe: the function never yields.
  if (scratch.length < 4 * (m + 1)) scratch = new Int32Array(8 * (m + 1));
  const w = m + 1;
  let dist = 0;
  let start = w;
  let nextDist = 2 * w;
  let nextStart = 3 * w;
  for (let i = 0; i <= m; i++) {
    scratch[dist + i] = i;
    scratch[start + i] = 0;
  }
  let best: ApproximateHit | null = null;
  for (let j = 1; j <= text.length; j++) {
    scratch[nextDist] = 0;
    scratch[nextStart] = j;
    const c = text.charCodeAt(j - 1);
    for (let i = 1; i <= m; i++) {
      const sub = (scratch[dist + i - 1] as number) + (pattern.charCodeAt(i - 1) === c ? 0 : 1);
      const del = (scratch[nextDist + i - 1] as number) + 1;
      const ins = (scratch[dist + i] as number) + 1;
      if (sub <= del && sub <= ins) {
        scratch[nextDist + i] = sub;
        scratch[nextStart + i] = scratch[start + i - 1] as number;
      } else if (ins <= del) {
        scratch[nextDist + i] = ins;
        scratch[nextStart + i] = scratch[start + i] as number;
      } else {
        scratch[nextDist + i] = del;
        scratch[nextStart + i] = scratch[nextStart + i - 1] as number;
      }
    }
    const d = scratch[nextDist + m] as number;
    if (d <= max && (best === null || d < best.distance)) {
      best = { distance: d, start: scratch[nextStart + m] as number, end: j };
      if (d === 0) return best;
    }
    [dist, nextDist] = [nextDist, dist];
    [start, nextStart] = [nextStart, start];
  }
  return best;
}

let scratch = new Int32Array(256);
