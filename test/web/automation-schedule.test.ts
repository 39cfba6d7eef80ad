import { describe, expect, it } from 'vitest';
import {
  addInterval,
  copyDay,
  defaultHours,
  describeIntervals,
  exceptionKind,
  intervalProblem,
  isOvernight,
  minutes,
  timeZones,
  upsertException,
} from '../../src/web/features/automation/schedule.ts';

describe('business-hours editing helpers', () => {
  it('parses HH:MM including 24:00 and refuses malformed times', () => {
    expect(minutes('09:30')).toBe(570);
    expect(minutes('24:00')).toBe(1440);
    expect(minutes('24:30')).toBeNull();
    expect(minutes('9:30')).toBeNull();
  });

  it('recognises overnight intervals and interval problems', () => {
    expect(isOvernight({ open: '22:00', close: '02:00' })).toBe(true);
    expect(isOvernight({ open: '09:00', close: '24:00' })).toBe(false);
    expect(intervalProblem({ open: '10:00', close: '10:00' })).toBe('sameTime');
    expect(intervalProblem({ open: '25:00', close: '10:00' })).toBe('badTime');
    expect(intervalProblem({ open: '22:00', close: '02:00' })).toBeNull();
    expect(
      describeIntervals(
        [
          { open: '09:00', close: '12:00' },
          { open: '22:00', close: '02:00' },
        ],
        '+1',
      ),
    ).toBe('09:00–12:00, 22:00–02:00 +1');
  });

  it('adds a second interval after the first one (several per day)', () => {
    expect(addInterval([])).toEqual([{ open: '09:00', close: '18:00' }]);
    expect(addInterval([{ open: '09:00', close: '12:00' }])).toEqual([
      { open: '09:00', close: '12:00' },
      { open: '13:00', close: '18:00' },
    ]);
    const late = addInterval([{ open: '10:00', close: '19:00' }]);
    expect(late[1]).toEqual({ open: '20:00', close: '23:00' });
    expect(addInterval([{ open: '22:00', close: '02:00' }])[1]).toEqual({ open: '09:00', close: '12:00' });
  });

  it('copies a day to others without sharing the objects', () => {
    const h = defaultHours();
    expect(h.timeZone).toBe('Asia/Tokyo');
    const weekly = copyDay({ ...h.weekly, mon: [{ open: '08:00', close: '20:00' }] }, 'mon', ['tue', 'sat']);
    expect(weekly.sat).toEqual([{ open: '08:00', close: '20:00' }]);
    expect(weekly.tue).not.toBe(weekly.mon);
    expect(weekly.wed).toEqual([{ open: '09:00', close: '18:00' }]);
  });

  it('keeps one exception per date, sorted, and tells holidays from special hours', () => {
    let list = upsertException([], { date: '2026-12-31', intervals: [] });
    list = upsertException(list, { date: '2026-01-01', intervals: [] });
    list = upsertException(list, { date: '2026-12-31', intervals: [{ open: '10:00', close: '15:00' }] });
    expect(list.map((x) => x.date)).toEqual(['2026-01-01', '2026-12-31']);
    expect(exceptionKind(list[0]!)).toBe('closed');
    expect(exceptionKind(list[1]!)).toBe('special');
  });

  it('lists Asia/Tokyo first and keeps an unusual current zone', () => {
    const zones = timeZones('Etc/GMT+5');
    expect(zones[0]).toBe('Asia/Tokyo');
    expect(zones).toContain('Etc/GMT+5');
    expect(new Set(zones).size).toBe(zones.length);
  });
});
