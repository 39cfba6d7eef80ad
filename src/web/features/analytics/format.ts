/**
 * Numbers, shares, durations and dates of the dashboard, formatted with Intl in the reader's locale. Local dates
 * (`YYYY-MM-DD`, already in the workspace's zone) are formatted as UTC midnights so no second zone shifts them.
 */

/** A count: `1,234` / `1,234`. */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A share 0–1 as a percentage (one decimal); `—` when there is none. */
export function formatRate(r: number | null, locale: string): string {
  if (r === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(r);
}

/** A duration in seconds with the largest fitting unit (seconds, minutes, hours, days); `—` when none. */
export function formatSeconds(s: number | null, locale: string): string {
  if (s === null) return '—';
  const [value, unit] =
    s < 60
      ? [s, 'second']
      : s < 3600
        ? [s / 60, 'minute']
        : s < 86_400
          ? [s / 3600, 'hour']
          : [s / 86_400, 'day'];
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

/** A signed relative change (`+12.5%`), or a change in percentage points for shares (`+3.2 pt`). */
export function formatChange(
  change: number,
  kind: 'relative' | 'points',
  locale: string,
  points: string,
): string {
  if (kind === 'relative')
    return new Intl.NumberFormat(locale, {
      style: 'percent',
      maximumFractionDigits: 1,
      signDisplay: 'exceptZero',
    }).format(change);
  const n = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(
    change * 100,
  );
  return `${n} ${points}`;
}

const utc = (date: string) => new Date(`${date}T00:00:00Z`);

/** A local date, short: `Mar 2` / `3月2日`. */
export function formatDay(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    utc(date),
  );
}

/** A local date in full: `Mar 2, 2026` / `2026年3月2日`. */
export function formatDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(utc(date));
}

/** A range of local dates: `Mar 2 – 8, 2026` / `2026/03/02～2026/03/08`, as Intl writes it. */
export function formatRange(from: string, to: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(
    utc(from),
    utc(to),
  );
}

/** ISO weekday names, Monday first: `Mon`… / `月`…. */
export function weekdayNames(locale: string): string[] {
  // 2024-01-01 was a Monday.
  const f = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/** An hour of the day: `9 AM` / `9時`. */
export function formatHour(hour: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, 1, hour)),
  );
}

/** An amount of money in its currency (`¥3,000`, `$20.00`); a bad currency code falls back to `20 XYZ`. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${new Intl.NumberFormat(locale).format(amount)} ${currency}`;
  }
}

/** An instant in the workspace's zone: date and time, short. */
export function formatInstant(iso: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );
}
