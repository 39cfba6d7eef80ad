import { describe, expect, it } from 'vitest';
import { activityTierOf } from './contacts-activity.rules.ts';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;
const ago = (...days: number[]) => days.map((d) => new Date(NOW.getTime() - d * DAY));

describe('activityTierOf', () => {
  it('is high from 3 inbound messages in the last 7 days, boundary included', () => {
    expect(activityTierOf(ago(7, 3, 0), NOW)).toBe('high');
    expect(activityTierOf(ago(7.001, 3, 0), NOW)).toBe('medium');
  });

  it('is medium with any inbound message in 30 days that is not high, boundary included', () => {
    expect(activityTierOf(ago(30, 29), NOW)).toBe('medium');
    expect(activityTierOf(ago(20, 15, 10, 8), NOW)).toBe('medium');
    expect(activityTierOf(ago(30.001), NOW)).toBeNull();
  });

  it('is low with none in 90 days (never included), and none between 30 and 90 days', () => {
    expect(activityTierOf([], NOW)).toBe('low');
    expect(activityTierOf(ago(90.001), NOW)).toBe('low');
    expect(activityTierOf(ago(90), NOW)).toBeNull();
    expect(activityTierOf(ago(60), NOW)).toBeNull();
  });

  it('ignores messages after now', () => {
    expect(activityTierOf(ago(-1, -2, -3), NOW)).toBe('low');
  });
});
