/**
 * Business-hours math (pure, Intl only — no Temporal, no tz library): whether a workspace is open at an instant and
 * when it next opens. Local wall times are converted to instants with the zone's offset from Intl, so daylight
 * saving time is handled by the ICU data that ships with Node. Wall times are resolved like Temporal's
 * `disambiguation: 'compatible'`: one that does not exist (skipped by a spring-forward) moves forward by the
 * length of the gap (02:30 → 03:30), one that exists twice (fall-back) is the earlier instant.
 */
import { WEEKDAYS, type BusinessHours, type Interval } from '../../../contracts/business-hours.schemas.ts';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The local calendar date and minute of the day of an instant in a zone. Remembered per zone and UTC minute for
 * instants since 1973, when every zone's offset became a whole number of minutes (so one UTC minute is one local
 * minute): ingest asks this for every message, and Intl's formatToParts is most of what that costs.
 */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const ms = instant.getTime();
  if (!(ms >= WHOLE_MINUTE_OFFSETS_SINCE)) return computeLocalParts(instant, timeZone);
  const key = `${timeZone}|${Math.floor(ms / 60_000)}`;
  const hit = recentParts.get(key);
  if (hit) return { ...hit };
  const parts = computeLocalParts(instant, timeZone);
  if (recentParts.size >= RECENT_PARTS_SIZE) recentParts.clear();
  recentParts.set(key, parts);
  return { ...parts };
}

/** 1973-01-01T00:00:00Z: the last zone with an offset in seconds (Africa/Monrovia, until May 1972) had moved off it. */
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1973, 0, 1);
const RECENT_PARTS_SIZE = 4096;
const recentParts = new Map<string, LocalParts>();

function computeLocalParts(instant: Date, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return {
    year: p.year ?? 0,
    month: p.month ?? 0,
    day: p.day ?? 0,
    minutes: (p.hour ?? 0) * 60 + (p.minute ?? 0),
  };
}

/** The zone's offset from UTC at an instant, in minutes (Tokyo: 540). */
function offsetMinutes(instant: number, timeZone: string): number {
  const l = localParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes) + new Date(instant).getUTCSeconds() * 1000;
  return Math.round((asUtc - instant) / 60_000);
}

/** The instant of a local wall time (see the module comment for gaps and overlaps). */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const earlier = wall - offsetMinutes(wall - 86_400_000 / 2, timeZone) * 60_000;
  const later = wall - offsetMinutes(wall + 86_400_000 / 2, timeZone) * 60_000;
  // Try both offsets in effect around that day; prefer the earlier instant whose local time is the wall time.
  for (const candidate of [Math.min(earlier, later), Math.max(earlier, later)]) {
    const l = localParts(new Date(candidate), timeZone);
    if (Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes) === wall) return new Date(candidate);
  }
  // In a gap: the wall time does not exist; reading it with the offset before the gap moves it forward by the gap.
  return new Date(Math.max(earlier, later));
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The intervals in force on a local date: its exception if any, else the weekday's schedule. */
function intervalsOn(hours: BusinessHours, y: number, m: number, d: number): Interval[] {
  const date = isoDate(y, m, d);
  const exception = hours.exceptions.find((e) => e.date === date);
  if (exception) return exception.intervals;
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] as (typeof WEEKDAYS)[number];
  return hours.weekly[weekday];
}

/** Opening spans of one local date as instants (ms); an overnight interval ends on the next date. Analytics sums them. */
export function spansOn(hours: BusinessHours, y: number, m: number, d: number): [number, number][] {
  return intervalsOn(hours, y, m, d).map((i) => {
    const open = toMinutes(i.open);
    let close = toMinutes(i.close);
    if (close <= open) close += 24 * 60;
    return [
      zonedInstant(y, m, d, open, hours.timeZone).getTime(),
      zonedInstant(y, m, d, close, hours.timeZone).getTime(),
    ];
  });
}

/** The calendar date `days` after (or before) y-m-d. */
export function shiftDate(y: number, m: number, d: number, days: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** Whether the business is open at `now`. */
export function isOpen(hours: BusinessHours, now: Date): boolean {
  const l = localParts(now, hours.timeZone);
  const t = now.getTime();
  for (const offset of [-1, 0]) {
    const [y, m, d] = shiftDate(l.year, l.month, l.day, offset);
    if (spansOn(hours, y, m, d).some(([open, close]) => open <= t && t < close)) return true;
  }
  return false;
}

/** The next instant at or after `now` when the business is open (`now` itself if open); null if none in a year. */
export function nextOpen(hours: BusinessHours, now: Date): Date | null {
  if (isOpen(hours, now)) return now;
  const l = localParts(now, hours.timeZone);
  const t = now.getTime();
  for (let offset = 0; offset <= 366; offset++) {
    const [y, m, d] = shiftDate(l.year, l.month, l.day, offset);
    const opens = spansOn(hours, y, m, d)
      .map(([open]) => open)
      .filter((open) => open > t)
      .sort((a, b) => a - b);
    if (opens.length > 0) return new Date(opens[0] as number);
  }
  return null;
}

/**
 * An opening time as a customer reads it, in the business's time zone: 「12/7(月) 10:00」 in Japanese,
 * "Mon, 12/7, 10:00" in English.
 */
export function formatOpening(at: Date, timeZone: string, language: 'ja' | 'en'): string {
  return new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-US', {
    timeZone,
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/**
 * Outside business hours, the next opening time as the customer reads it (built-in texts name it instead of a
 * wait in minutes); null when open, when no hours are set, or when nothing opens within a year.
 */
export function openingText(hours: BusinessHours | null, now: Date, language: 'ja' | 'en'): string | null {
  if (!hours || isOpen(hours, now)) return null;
  const opens = nextOpen(hours, now);
  return opens ? formatOpening(opens, hours.timeZone, language) : null;
}
