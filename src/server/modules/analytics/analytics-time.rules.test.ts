import { describe, expect, it } from 'vitest';
import { BusinessHoursSchema } from '../../../contracts/business-hours.schemas.ts';
import {
  addDays,
  businessMs,
  datesOf,
  dayStart,
  isoWeekday,
  localDate,
  localHour,
  previousPeriod,
  rangeBounds,
} from './analytics-time.rules.ts';

const H = 3_600_000;

describe('analytics time rules', () => {
  it('places instants in local days and hours across midnight (Asia/Tokyo, no DST)', () => {
    // 15:30 UTC is 00:30 the next day in Tokyo.
    expect(localDate(new Date('2026-03-01T15:30:00Z'), 'Asia/Tokyo')).toBe('2026-03-02');
    expect(localHour(new Date('2026-03-01T15:30:00Z'), 'Asia/Tokyo')).toBe(0);
    expect(localDate(new Date('2026-03-01T14:59:59Z'), 'Asia/Tokyo')).toBe('2026-03-01');
    expect(localHour(new Date('2026-03-01T14:59:59Z'), 'Asia/Tokyo')).toBe(23);
    expect(dayStart('2026-03-02', 'Asia/Tokyo').toISOString()).toBe('2026-03-01T15:00:00.000Z');
  });

  it('has 23- and 25-hour days on DST changes in America/New_York', () => {
    const spring = rangeBounds('2026-03-08', '2026-03-08', 'America/New_York');
    expect(spring.start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(spring.end.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * H);
    const fall = rangeBounds('2026-11-01', '2026-11-01', 'America/New_York');
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * H);
    // 06:59 UTC is 01:59 EST; 07:00 UTC is 03:00 EDT: local hour 2 does not exist that day.
    expect(localHour(new Date('2026-03-08T06:59:00Z'), 'America/New_York')).toBe(1);
    expect(localHour(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(3);
    // On the fall-back day both 05:30 and 06:30 UTC are local 01:30.
    expect(localHour(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe(1);
    expect(localHour(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe(1);
    // 03:59 UTC on 11-02 is still 11-01 local (EST, UTC-5).
    expect(localDate(new Date('2026-11-02T04:59:00Z'), 'America/New_York')).toBe('2026-11-01');
  });

  it('lists ranges, their previous period and weekdays', () => {
    expect(datesOf('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(previousPeriod('2026-03-01', '2026-03-07')).toEqual({ from: '2026-02-22', to: '2026-02-28' });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(isoWeekday('2026-12-05')).toBe(6);
    expect(isoWeekday('2026-12-06')).toBe(7);
    expect(isoWeekday('2026-12-07')).toBe(1);
  });

  it('counts only business time (Tokyo weekdays 10:00–19:00): Friday 18:00 → Monday 10:30 is 1 h 30 min', () => {
    const hours = BusinessHoursSchema.parse({
      timeZone: 'Asia/Tokyo',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '10:00', close: '19:00' }]]),
      ),
    });
    const fri18 = new Date('2026-12-04T09:00:00Z');
    const mon1030 = new Date('2026-12-07T01:30:00Z');
    expect(businessMs(hours, fri18, mon1030)).toBe(1.5 * H);
    expect(businessMs(null, fri18, mon1030)).toBe(64.5 * H);
    // Entirely outside hours (Saturday), and an inverted span.
    expect(businessMs(hours, new Date('2026-12-05T01:00:00Z'), new Date('2026-12-05T05:00:00Z'))).toBe(0);
    expect(businessMs(hours, mon1030, fri18)).toBe(0);
    // A holiday exception closes Monday: Friday 18:00 → Tuesday 10:30 is 1 h + 30 min.
    const holiday = BusinessHoursSchema.parse({
      ...hours,
      exceptions: [{ date: '2026-12-07', intervals: [] }],
    });
    expect(businessMs(holiday, fri18, new Date('2026-12-08T01:30:00Z'))).toBe(1.5 * H);
  });

  it('counts business time across a DST change and overnight intervals', () => {
    const daily = BusinessHoursSchema.parse({
      timeZone: 'America/New_York',
      weekly: Object.fromEntries(
        ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [
          d,
          [{ open: '09:00', close: '17:00' }],
        ]),
      ),
    });
    // Sat 16:00 EST (21:00Z) → Sun 10:00 EDT (14:00Z): 1 h on Saturday + 1 h on Sunday.
    expect(businessMs(daily, new Date('2026-03-07T21:00:00Z'), new Date('2026-03-08T14:00:00Z'))).toBe(2 * H);
    const night = BusinessHoursSchema.parse({
      timeZone: 'Asia/Tokyo',
      weekly: { fri: [{ open: '22:00', close: '02:00' }] },
    });
    // Friday 23:00 → Saturday 03:00 JST: open until 02:00, 3 h.
    expect(businessMs(night, new Date('2026-12-04T14:00:00Z'), new Date('2026-12-04T18:00:00Z'))).toBe(3 * H);
  });
});
