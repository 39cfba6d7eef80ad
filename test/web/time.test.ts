import { describe, expect, it } from 'vitest';
import {
  compactDuration,
  dayLabelKind,
  daySeparatorIndexes,
  listTimeKind,
  splitDuration,
  windowState,
} from '../../src/web/lib/time.ts';

const now = Date.parse('2026-03-02T12:00:00Z');

describe('console time helpers', () => {
  it('splits durations and floors to minutes', () => {
    expect(splitDuration(25 * 3600_000 + 5 * 60_000 + 59_000)).toEqual({ days: 1, hours: 1, minutes: 5 });
    expect(splitDuration(-5)).toEqual({ days: 0, hours: 0, minutes: 0 });
    expect(compactDuration(59_000)).toEqual({ value: 0, unit: 'm' });
    expect(compactDuration(90 * 60_000)).toEqual({ value: 1, unit: 'h' });
    expect(compactDuration(3 * 86_400_000)).toEqual({ value: 3, unit: 'd' });
  });

  it('computes the 24 h window from the server verdict and the expiry', () => {
    expect(windowState(false, null, now)).toEqual({ open: false });
    const open = windowState(true, '2026-03-03T11:00:00Z', now);
    expect(open).toMatchObject({ open: true, parts: { days: 0, hours: 23, minutes: 0 }, closingSoon: false });
    expect(windowState(true, '2026-03-02T13:30:00Z', now)).toMatchObject({ open: true, closingSoon: true });
    // expired since the last fetch: closed without waiting for the server
    expect(windowState(true, '2026-03-02T11:59:59Z', now)).toEqual({ open: false });
  });

  it('labels days and list times', () => {
    const tz = 'Asia/Tokyo';
    expect(dayLabelKind('2026-03-02T01:00:00Z', now, tz)).toBe('today');
    expect(dayLabelKind('2026-03-01T10:00:00Z', now, tz)).toBe('yesterday');
    expect(dayLabelKind('2026-02-20T10:00:00Z', now, tz)).toBe('date');
    expect(listTimeKind('2026-03-02T05:00:00Z', now, tz)).toBe('time');
    expect(listTimeKind('2026-02-27T05:00:00Z', now, tz)).toBe('weekday');
    expect(listTimeKind('2026-01-27T05:00:00Z', now, tz)).toBe('date');
    // 14:59 UTC is 23:59 in Tokyo, 15:00 UTC is the next day there
    expect(
      daySeparatorIndexes(['2026-03-01T14:00:00Z', '2026-03-01T14:59:00Z', '2026-03-01T15:00:00Z'], tz),
    ).toEqual([0, 2]);
  });
});
