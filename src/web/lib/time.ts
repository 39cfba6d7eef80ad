/**
 * Pure time helpers of the console: the 24 h window's remaining time, how long a customer has waited, list
 * timestamps and day separators. `now` is always passed in (ms since the epoch), so they are unit-tested.
 */

/** A duration split for display: the largest unit that is at least 1, or minutes. */
export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

/** Splits a non-negative duration in ms (negative counts as 0) into days, hours and minutes (floored). */
export function splitDuration(ms: number): DurationParts {
  const totalMinutes = Math.max(0, Math.floor(ms / 60_000));
  return {
    days: Math.floor(totalMinutes / 1440),
    hours: Math.floor((totalMinutes % 1440) / 60),
    minutes: totalMinutes % 60,
  };
}

/** The 24 h customer service window as the composer shows it. */
export type WindowState =
  | { open: false }
  | { open: true; remainingMs: number; parts: DurationParts; /** under 2 hours left */ closingSoon: boolean };

/**
 * The window's state at `now`. `windowOpen` is the server's verdict at response time; the remaining time
 * counts down locally from `windowExpiresAt`, and a passed expiry closes it even before the next fetch.
 */
export function windowState(windowOpen: boolean, windowExpiresAt: string | null, now: number): WindowState {
  if (!windowOpen || !windowExpiresAt) return { open: false };
  const remainingMs = Date.parse(windowExpiresAt) - now;
  if (!(remainingMs > 0)) return { open: false };
  return {
    open: true,
    remainingMs,
    parts: splitDuration(remainingMs),
    closingSoon: remainingMs < 2 * 3600_000,
  };
}

/** Compact duration like `5m`, `3h`, `2d` (waiting times in the list), with the unit to translate. */
export function compactDuration(ms: number): { value: number; unit: 'm' | 'h' | 'd' } {
  const p = splitDuration(ms);
  if (p.days > 0) return { value: p.days, unit: 'd' };
  if (p.hours > 0) return { value: p.hours, unit: 'h' };
  return { value: p.minutes, unit: 'm' };
}

/** Local calendar day of an instant as `YYYY-MM-DD` in `timeZone` (default: the browser's). */
export function dayKey(iso: string | number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
  return parts;
}

/** How a day separator is labelled: relative for today and yesterday, else the date. */
export function dayLabelKind(iso: string, now: number, timeZone?: string): 'today' | 'yesterday' | 'date' {
  const day = dayKey(iso, timeZone);
  if (day === dayKey(now, timeZone)) return 'today';
  if (day === dayKey(now - 86_400_000, timeZone)) return 'yesterday';
  return 'date';
}

/** Which format a list timestamp uses: time today, weekday within a week, else a date. */
export function listTimeKind(iso: string, now: number, timeZone?: string): 'time' | 'weekday' | 'date' {
  if (dayKey(iso, timeZone) === dayKey(now, timeZone)) return 'time';
  const age = now - Date.parse(iso);
  return age >= 0 && age < 6 * 86_400_000 ? 'weekday' : 'date';
}

/** Indexes (into a chronological list) where a new day starts, i.e. where a separator goes. */
export function daySeparatorIndexes(isoTimes: string[], timeZone?: string): number[] {
  const out: number[] = [];
  let prev = '';
  isoTimes.forEach((t, i) => {
    const k = dayKey(t, timeZone);
    if (k !== prev) out.push(i);
    prev = k;
  });
  return out;
}
