/**
 * The dashboard's date range: presets of the last 7, 30 or 90 local days ending today in the workspace's time
 * zone, or a custom range; and the change against the previous period. Dates are `YYYY-MM-DD` local dates, as the
 * analytics API takes them (docs/metrics.md § Time).
 */

/** Preset lengths in days. */
export const PRESETS = [7, 30, 90] as const;
export type Preset = (typeof PRESETS)[number];

/** The longest custom range the API answers (`MAX_RANGE_DAYS`). */
export const MAX_DAYS = 366;

/** What the range control holds. */
export type RangeChoice = { kind: 'preset'; days: Preset } | { kind: 'custom'; from: string; to: string };

/** Today as a local date in `timeZone`. */
export function todayIn(timeZone: string, now: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now));
}

/** `date` moved by `days` (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The `from`/`to` a choice stands for; a preset ends today in the workspace's zone. */
export function resolveRange(choice: RangeChoice, today: string): { from: string; to: string } {
  if (choice.kind === 'custom') return { from: choice.from, to: choice.to };
  return { from: addDays(today, -(choice.days - 1)), to: today };
}

/** Why a custom range cannot be asked for, or null when it can. */
export function rangeProblem(from: string, to: string): 'order' | 'length' | 'missing' | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return 'missing';
  if (from > to) return 'order';
  return daysBetween(from, to) > MAX_DAYS ? 'length' : null;
}

/**
 * The change from `previous` to `current` as a fraction (0.25 = +25 %); null when there is nothing to compare
 * (no previous period, or either side unknown, or a previous value of 0).
 */
export function relativeChange(current: number | null, previous: number | null | undefined): number | null {
  if (current === null || previous === null || previous === undefined || previous === 0) return null;
  return (current - previous) / previous;
}
