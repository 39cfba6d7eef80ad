import { describe, expect, it } from 'vitest';
import {
  activityTier,
  isLateMessage,
  LATE_MESSAGE_MS,
  optOutRate,
  tierThresholds,
  tiersKeepable,
  unreachableRate,
} from './audience.rules.ts';

const now = new Date('2026-03-31T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

describe('activity tiers', () => {
  it('active up to 30 days, lapsing up to 90, dormant beyond, never without a customer message', () => {
    expect(activityTier(daysAgo(0), now)).toBe('active');
    expect(activityTier(daysAgo(30), now)).toBe('active');
    expect(activityTier(new Date(daysAgo(30).getTime() - 1), now)).toBe('lapsing');
    expect(activityTier(daysAgo(90), now)).toBe('lapsing');
    expect(activityTier(daysAgo(91), now)).toBe('dormant');
    expect(activityTier(null, now)).toBe('never');
  });

  it('gives the SQL the same boundaries', () => {
    expect(tierThresholds(now)).toEqual({ activeSince: daysAgo(30), lapsingSince: daysAgo(90) });
  });
});

describe('kept tiers', () => {
  it('are kept only for instants an hour old, and only a message late by more than that can change them', () => {
    const hourAgo = new Date(now.getTime() - LATE_MESSAGE_MS);
    expect(tiersKeepable(hourAgo, now)).toBe(true);
    expect(tiersKeepable(new Date(hourAgo.getTime() + 1), now)).toBe(false);
    expect(isLateMessage(hourAgo, now)).toBe(false);
    expect(isLateMessage(new Date(hourAgo.getTime() - 1), now)).toBe(true);
    // The pair is what makes kept tiers safe: a message that happened before a kept instant, seen after it was
    // kept, is late.
    const at = hourAgo;
    const keptAt = now;
    const occurred = new Date(at.getTime() - 1);
    expect(tiersKeepable(at, keptAt) && !isLateMessage(occurred, keptAt)).toBe(false);
  });
});

describe('rates', () => {
  it('opt-out rate is opted-out over opted in at the start; unreachable is 131026 over sent; null on 0', () => {
    expect(optOutRate(1, 4)).toBe(0.25);
    expect(optOutRate(0, 0)).toBeNull();
    expect(unreachableRate(2, 8)).toBe(0.25);
    expect(unreachableRate(0, 0)).toBeNull();
  });
});
