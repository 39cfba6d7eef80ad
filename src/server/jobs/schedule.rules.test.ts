import { describe, expect, it } from 'vitest';
import { assertValidTiming, nextOccurrence, planSchedule } from './schedule.rules.ts';

const at = (iso: string) => new Date(iso);

describe('nextOccurrence', () => {
  it('reads the expression in the stated time zone', () => {
    // 09:00 in Tokyo is 00:00 UTC.
    expect(nextOccurrence({ cron: '0 9 * * *', timeZone: 'Asia/Tokyo' }, at('2026-12-04T01:00:00Z'))).toEqual(
      at('2026-12-05T00:00:00Z'),
    );
    expect(nextOccurrence({ cron: '0 9 * * *', timeZone: 'UTC' }, at('2026-12-04T01:00:00Z'))).toEqual(
      at('2026-12-04T09:00:00Z'),
    );
  });

  it('is strictly after the given instant', () => {
    expect(nextOccurrence({ cron: '* * * * *', timeZone: 'UTC' }, at('2026-12-04T01:00:00Z'))).toEqual(
      at('2026-12-04T01:01:00Z'),
    );
  });

  it('follows daylight saving time (Berlin)', () => {
    // 03:00 local: CET (UTC+1) before 29 March 2026, CEST (UTC+2) after.
    const timing = { cron: '0 3 * * *', timeZone: 'Europe/Berlin' };
    expect(nextOccurrence(timing, at('2026-03-28T12:00:00Z'))).toEqual(at('2026-03-29T01:00:00Z'));
    expect(nextOccurrence(timing, at('2026-03-29T12:00:00Z'))).toEqual(at('2026-03-30T01:00:00Z'));
    expect(nextOccurrence(timing, at('2026-03-27T12:00:00Z'))).toEqual(at('2026-03-28T02:00:00Z'));
  });

  it('refuses an invalid expression or zone', () => {
    expect(() => assertValidTiming({ cron: 'every day', timeZone: 'UTC' })).toThrow(/invalid schedule/);
    expect(() => assertValidTiming({ cron: '0 9 * * *', timeZone: 'Mars/Olympus' })).toThrow(
      /invalid schedule/,
    );
  });
});

describe('planSchedule', () => {
  const hourly = { cron: '0 * * * *', timeZone: 'Asia/Tokyo' };

  it('a new schedule waits for its first occurrence', () => {
    expect(planSchedule(hourly, null, at('2026-12-04T01:30:00Z'))).toEqual({
      run: null,
      nextRunAt: at('2026-12-04T02:00:00Z'),
    });
  });

  it('nothing runs before the schedule is due', () => {
    const state = { ...hourly, nextRunAt: at('2026-12-04T02:00:00Z') };
    expect(planSchedule(hourly, state, at('2026-12-04T01:59:59Z'))).toEqual({
      run: null,
      nextRunAt: at('2026-12-04T02:00:00Z'),
    });
  });

  it('a due schedule runs for its period and moves to the next one', () => {
    const state = { ...hourly, nextRunAt: at('2026-12-04T02:00:00Z') };
    expect(planSchedule(hourly, state, at('2026-12-04T02:00:00Z'))).toEqual({
      run: at('2026-12-04T02:00:00Z'),
      nextRunAt: at('2026-12-04T03:00:00Z'),
    });
  });

  it('missed periods are caught up once, not replayed', () => {
    const state = { ...hourly, nextRunAt: at('2026-12-04T02:00:00Z') };
    // Down from 02:00 to 07:10: five periods missed, one run, next due at 08:00.
    expect(planSchedule(hourly, state, at('2026-12-04T07:10:00Z'))).toEqual({
      run: at('2026-12-04T02:00:00Z'),
      nextRunAt: at('2026-12-04T08:00:00Z'),
    });
  });

  it('a changed timing starts over at its next occurrence', () => {
    const state = { cron: '0 * * * *', timeZone: 'UTC', nextRunAt: at('2026-12-04T02:00:00Z') };
    expect(planSchedule({ cron: '30 * * * *', timeZone: 'UTC' }, state, at('2026-12-04T02:10:00Z'))).toEqual({
      run: null,
      nextRunAt: at('2026-12-04T02:30:00Z'),
    });
  });
});
