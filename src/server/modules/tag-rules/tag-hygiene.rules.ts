/** Pure rules of tag hygiene: when a tag counts as unused, and how declared conflict pairs are stored. */

/** A tag is "unused" when no contact got it for this many calendar months (and nothing references it). */
export const UNUSED_MONTHS = 6;

/**
 * The instant before which a tag's newest use makes it unused: `now` moved back 6 calendar months in UTC (a day
 * past the end of the shorter month is clamped to its last day: 31 Aug → 28/29 Feb).
 */
export function unusedBefore(now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() - UNUSED_MONTHS;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const out = new Date(now);
  out.setUTCFullYear(y, m, Math.min(now.getUTCDate(), lastDay));
  return out;
}

/** A declared conflict pair as stored: names in code-unit order, `keep` naming the tag that stays (or null). */
export interface StoredConflict {
  a: string;
  b: string;
  keep: 'a' | 'b' | null;
}

/**
 * The pairs as stored: each in code-unit order of its names (`keep` follows the tag it named), a pair given twice
 * (in either order) kept once, the last one given winning.
 */
export function normalizeConflicts(
  pairs: ReadonlyArray<{ a: string; b: string; keep: 'a' | 'b' | null }>,
): StoredConflict[] {
  const byKey = new Map<string, StoredConflict>();
  for (const p of pairs) {
    const swap = p.b < p.a;
    const kept = p.keep === null ? null : p.keep === 'a' ? p.a : p.b;
    const a = swap ? p.b : p.a;
    const b = swap ? p.a : p.b;
    byKey.set(JSON.stringify([a, b]), { a, b, keep: kept === null ? null : kept === a ? 'a' : 'b' });
  }
  return [...byKey.values()].sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
}
