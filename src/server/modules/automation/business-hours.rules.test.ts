import { describe, expect, it } from 'vitest';
import { isOpen, localParts, nextOpen, zonedInstant } from './business-hours.rules.ts';
import { BusinessHoursSchema, type BusinessHoursInput } from '../../../contracts/business-hours.schemas.ts';

const weekdays = (open: string, close: string) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open, close }]]));
const hours = (input: BusinessHoursInput) => BusinessHoursSchema.parse(input);
const at = (iso: string) => new Date(iso);

describe('Asia/Tokyo (no DST)', () => {
  const tokyo = hours({
    timeZone: 'Asia/Tokyo',
    weekly: { ...weekdays('09:00', '18:00'), sat: [{ open: '10:00', close: '14:00' }] },
    exceptions: [
      { date: '2026-01-01', name: '元日' },
      { date: '2026-01-02', intervals: [{ open: '11:00', close: '15:00' }] },
    ],
  });

  it('is open inside weekday hours and closed outside, in local time', () => {
    expect(isOpen(tokyo, at('2026-01-05T00:00:00Z'))).toBe(true); // Mon 09:00 JST
    expect(isOpen(tokyo, at('2026-01-04T23:59:00Z'))).toBe(false); // Mon 08:59 JST
    expect(isOpen(tokyo, at('2026-01-05T09:00:00Z'))).toBe(false); // Mon 18:00 JST (close is exclusive)
    expect(isOpen(tokyo, at('2026-01-04T03:00:00Z'))).toBe(false); // Sun 12:00 JST
  });

  it('closes on holidays and uses special hours', () => {
    expect(isOpen(tokyo, at('2026-01-01T03:00:00Z'))).toBe(false); // Thu 12:00, 元日
    expect(isOpen(tokyo, at('2026-01-02T01:00:00Z'))).toBe(false); // Fri 10:00, special hours from 11:00
    expect(isOpen(tokyo, at('2026-01-02T03:00:00Z'))).toBe(true);
  });

  it('finds the next opening across holidays and weekends', () => {
    expect(nextOpen(tokyo, at('2026-01-01T03:00:00Z'))).toEqual(at('2026-01-02T02:00:00Z')); // Fri 11:00 JST
    expect(nextOpen(tokyo, at('2026-01-03T06:00:00Z'))).toEqual(at('2026-01-05T00:00:00Z')); // Sat 15:00 → Mon 09:00
    const now = at('2026-01-05T01:00:00Z');
    expect(nextOpen(tokyo, now)).toBe(now);
  });
});

describe('Europe/Berlin (DST)', () => {
  const berlin = hours({
    timeZone: 'Europe/Berlin',
    weekly: { ...weekdays('09:00', '17:00'), sun: [{ open: '02:30', close: '04:00' }] },
  });

  it('follows the offset change: 09:00 is 08:00Z in winter and 07:00Z in summer', () => {
    expect(isOpen(berlin, at('2026-03-27T08:00:00Z'))).toBe(true); // Fri, CET
    expect(isOpen(berlin, at('2026-03-30T07:00:00Z'))).toBe(true); // Mon, CEST
    expect(isOpen(berlin, at('2026-03-30T06:59:00Z'))).toBe(false);
    expect(nextOpen(berlin, at('2026-03-27T16:00:00Z'))).toEqual(at('2026-03-29T01:30:00Z')); // Sun 02:30 does not exist → 03:30 CEST
  });

  it('converts wall times in gaps and overlaps', () => {
    expect(zonedInstant(2026, 3, 29, 150, 'Europe/Berlin')).toEqual(at('2026-03-29T01:30:00Z'));
    expect(zonedInstant(2026, 10, 25, 150, 'Europe/Berlin')).toEqual(at('2026-10-25T00:30:00Z')); // earlier of the two
    expect(zonedInstant(2026, 7, 1, 9 * 60, 'Europe/Berlin')).toEqual(at('2026-07-01T07:00:00Z'));
  });

  it('keeps an autumn Sunday window open for its full local length', () => {
    expect(isOpen(berlin, at('2026-10-25T02:30:00Z'))).toBe(true); // 03:30 CET
  });
});

describe('overnight intervals and validation', () => {
  const bar = hours({ timeZone: 'Asia/Tokyo', weekly: { fri: [{ open: '20:00', close: '02:00' }] } });

  it('keeps an interval open past midnight into the next day', () => {
    expect(isOpen(bar, at('2026-01-09T16:00:00Z'))).toBe(true); // Sat 01:00 JST, from Friday
    expect(isOpen(bar, at('2026-01-09T17:00:00Z'))).toBe(false); // Sat 02:00 JST
  });

  it('has no next opening when the schedule is empty', () => {
    expect(nextOpen(hours({ timeZone: 'UTC', weekly: {} }), at('2026-01-01T00:00:00Z'))).toBeNull();
  });

  it('refuses unknown zones and malformed times', () => {
    expect(BusinessHoursSchema.safeParse({ timeZone: 'Mars/Olympus', weekly: {} }).success).toBe(false);
    expect(
      BusinessHoursSchema.safeParse({ timeZone: 'UTC', weekly: { mon: [{ open: '9:00', close: '18:00' }] } })
        .success,
    ).toBe(false);
  });
});

describe('localParts (remembered per zone and minute)', () => {
  it('gives the same local date and minute as Intl for every second around a DST change, and a fresh object each time', () => {
    const intl = (d: Date, timeZone: string) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
        })
          .formatToParts(d)
          .map((x) => [x.type, Number(x.value)]),
      );
      return { year: p.year, month: p.month, day: p.day, minutes: (p.hour ?? 0) * 60 + (p.minute ?? 0) };
    };
    // 2026-03-08 02:00 in New York jumps to 03:00; Asia/Kolkata is +05:30; Africa/Monrovia was -0:44:30 before 1972.
    const cases: Array<[string, number]> = [
      ['America/New_York', Date.UTC(2026, 2, 8, 6, 58)],
      ['Asia/Kolkata', Date.UTC(2026, 11, 31, 18, 28)],
      ['Africa/Monrovia', Date.UTC(1971, 0, 1, 0, 0)],
    ];
    for (const [zone, start] of cases)
      for (let s = 0; s < 300; s += 13) {
        const at = new Date(start + s * 1000);
        expect(localParts(at, zone), `${zone} ${at.toISOString()}`).toEqual(intl(at, zone));
        expect(localParts(at, zone)).toEqual(intl(at, zone));
      }
    const first = localParts(new Date(Date.UTC(2026, 0, 1)), 'Asia/Tokyo');
    first.minutes = -1;
    expect(localParts(new Date(Date.UTC(2026, 0, 1)), 'Asia/Tokyo').minutes).toBe(9 * 60);
  });
});
