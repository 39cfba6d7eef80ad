/**
 * Calendar math of analytics (pure): local days and hours in the workspace's time zone, day bounds across daylight
 * saving changes, ranges and their previous period, and durations counted in business hours. Uses the Intl-based
 * helpers of the business-hours rules, so both agree on every zone and DST rule.
 */
import type { BusinessHours } from '../../../contracts/business-hours.schemas.ts';
import { localParts, shiftDate, spansOn, zonedInstant } from '../automation/business-hours.rules.ts';

/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function parts(date: LocalDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function format(y: number, m: number, d: number): LocalDate {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** The local date of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  const l = localParts(instant, timeZone);
  return format(l.year, l.month, l.day);
}

/** The local hour (0–23) of an instant in a zone. */
export function localHour(instant: Date, timeZone: string): number {
  return Math.floor(localParts(instant, timeZone).minutes / 60);
}

/** The date `days` after (negative: before) a date. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = parts(date);
  return format(...shiftDate(y, m, d, days));
}

/** ISO weekday of a date: Monday 1 … Sunday 7. */
export function isoWeekday(date: LocalDate): number {
  const [y, m, d] = parts(date);
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The instant a local day starts (local midnight; a day is 23 or 25 hours long when clocks change). */
export function dayStart(date: LocalDate, timeZone: string): Date {
  const [y, m, d] = parts(date);
  return zonedInstant(y, m, d, 0, timeZone);
}

/** `[start, end)` of a range of local dates, both included. */
export function rangeBounds(from: LocalDate, to: LocalDate, timeZone: string): { start: Date; end: Date } {
  return { start: dayStart(from, timeZone), end: dayStart(addDays(to, 1), timeZone) };
}

/** Number of days in a range, both ends included. */
export function rangeDays(from: LocalDate, to: LocalDate): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / DAY_MS) + 1;
}

/** Every date of a range, in order. */
export function datesOf(from: LocalDate, to: LocalDate): LocalDate[] {
  const n = rangeDays(from, to);
  return Array.from({ length: Math.max(0, n) }, (_, i) => addDays(from, i));
}

/** The period of the same length just before a range (`compare=previous`). */
export function previousPeriod(from: LocalDate, to: LocalDate): { from: LocalDate; to: LocalDate } {
  const n = rangeDays(from, to);
  return { from: addDays(from, -n), to: addDays(from, -1) };
}

/**
 * Opening spans per local date, memoised per business-hours object: a rebuild measures hundreds of thousands of
 * durations over the same few dates, and each date's spans cost a dozen Intl calls to compute.
 */
const spanCache = new WeakMap<BusinessHours, Map<string, [number, number][]>>();

function cachedSpans(hours: BusinessHours, y: number, m: number, d: number): [number, number][] {
  let byDate = spanCache.get(hours);
  if (!byDate) {
    byDate = new Map();
    spanCache.set(hours, byDate);
  }
  const key = format(y, m, d);
  let spans = byDate.get(key);
  if (!spans) {
    spans = spansOn(hours, y, m, d);
    if (byDate.size > 5000) byDate.clear();
    byDate.set(key, spans);
  }
  return spans;
}

/**
 * Milliseconds of `[start, end)` that fall inside business hours (merged opening spans of every local date that
 * can overlap it, overnight intervals included). Without business hours, the plain duration.
 */
export function businessMs(hours: BusinessHours | null, start: Date, end: Date): number {
  const a = start.getTime();
  const b = end.getTime();
  if (b <= a) return 0;
  if (!hours) return b - a;
  const first = localParts(start, hours.timeZone);
  const lastDate = localDate(end, hours.timeZone);
  const spans: [number, number][] = [];
  for (let offset = -1; ; offset++) {
    const [y, m, d] = shiftDate(first.year, first.month, first.day, offset);
    spans.push(...cachedSpans(hours, y, m, d));
    if (format(y, m, d) >= lastDate) break;
  }
  spans.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cursor = a;
  for (const [open, close] of spans) {
    const s = Math.max(open, cursor);
    const e = Math.min(close, b);
    if (e > s) {
      total += e - s;
      cursor = e;
    }
  }
  return total;
}
