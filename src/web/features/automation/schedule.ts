/**
 * Pure helpers for the business-hours editor: the weekly schedule (several intervals a day, overnight ones
 * allowed), dated exceptions (holiday or special hours), and the time-zone list.
 */
import type { Hours, HoursException, Interval } from './types.ts';

/** Weekdays as the document names them, Monday first (the order the editor shows). */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** The default when an admin turns business hours on: weekdays 9:00–18:00 in Tokyo. */
export function defaultHours(timeZone = 'Asia/Tokyo'): Hours {
  const weekday = [{ open: '09:00', close: '18:00' }];
  return {
    timeZone,
    weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [], sun: [] },
    exceptions: [],
  };
}

/** Minutes since midnight of `HH:MM` (`24:00` → 1440), or null when malformed. */
export function minutes(hhmm: string): number | null {
  if (!HHMM.test(hhmm)) return null;
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function hhmm(total: number): string {
  const t = Math.max(0, Math.min(1440, total));
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}

/** True when the interval closes after midnight (22:00–02:00). */
export function isOvernight(i: Interval): boolean {
  const o = minutes(i.open);
  const c = minutes(i.close);
  return o !== null && c !== null && c < o;
}

/** What is wrong with an interval, as a translation key under `automation.hours`, or null. */
export function intervalProblem(i: Interval): 'badTime' | 'sameTime' | null {
  if (minutes(i.open) === null || minutes(i.close) === null) return 'badTime';
  if (i.open === i.close) return 'sameTime';
  return null;
}

/**
 * A day's intervals plus one more: an hour after the last one closes, until 18:00 or three hours later
 * (9:00–18:00 for an empty day).
 */
export function addInterval(list: readonly Interval[]): Interval[] {
  const last = list.at(-1);
  if (!last) return [{ open: '09:00', close: '18:00' }];
  const lastClose = minutes(last.close);
  if (lastClose === null || isOvernight(last) || lastClose >= 23 * 60)
    return [...list, { open: '09:00', close: '12:00' }];
  const open = lastClose + 60;
  const close = Math.max(open + 180, 18 * 60) > 1440 ? 1440 : Math.max(open + 180, 18 * 60);
  return [...list, { open: hhmm(Math.min(open, 23 * 60)), close: hhmm(close) }];
}

/** The weekly schedule with `day`'s intervals copied to every day in `to`. */
export function copyDay(weekly: Hours['weekly'], day: Day, to: readonly Day[]): Hours['weekly'] {
  const src = weekly[day] ?? [];
  const out = { ...weekly };
  for (const d of to) out[d] = src.map((i) => ({ ...i }));
  return out;
}

/** Exceptions with one for `ex.date` added or replaced, sorted by date. */
export function upsertException(list: readonly HoursException[], ex: HoursException): HoursException[] {
  return [...list.filter((x) => x.date !== ex.date), ex].sort((a, b) => a.date.localeCompare(b.date));
}

/** A holiday closes the whole day; special hours replace the weekly intervals on that date. */
export function exceptionKind(ex: HoursException): 'closed' | 'special' {
  return (ex.intervals ?? []).length === 0 ? 'closed' : 'special';
}

/** `09:00–12:00, 22:00–02:00 (+1)` style summary of a day. */
export function describeIntervals(list: readonly Interval[], nextDay: string): string {
  return list.map((i) => `${i.open}–${i.close}${isOvernight(i) ? ` ${nextDay}` : ''}`).join(', ');
}

const COMMON_ZONES = [
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Australia/Sydney',
  'UTC',
];

/** IANA time zones for the select: Asia/Tokyo first, then the runtime's full list (or a short one). */
export function timeZones(current?: string): string[] {
  let all: string[] = [];
  try {
    all =
      (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ??
      [];
  } catch {
    all = [];
  }
  const list = ['Asia/Tokyo', ...(all.length ? all : COMMON_ZONES)];
  if (current) list.push(current);
  return [...new Set(list)];
}
