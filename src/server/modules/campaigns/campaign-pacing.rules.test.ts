import { describe, expect, it } from 'vitest';
import { messagingLimitOf, rampAllowance, releaseBudget, type NumberLoad } from './campaign-pacing.rules.ts';

const now = new Date('2026-03-10T00:00:00Z');
const load: NumberLoad = {
  mps: 80,
  messagingTier: 'TIER_UNLIMITED',
  messagingLimit: null,
  createdAt: new Date('2025-01-01T00:00:00Z'),
  backlog: 0,
  sentLastHour: 0,
  uniqueRecipients24h: 0,
  sentLast24h: 0,
};
const noLimits = { hourlyCap: null, ramp: null };

describe('releaseBudget', () => {
  it('is mps × tick less the backlog when nothing else binds', () => {
    expect(releaseBudget(load, noLimits, 60, now)).toBe(4800);
    expect(releaseBudget({ ...load, backlog: 800 }, noLimits, 60, now)).toBe(4000);
    expect(releaseBudget({ ...load, backlog: 9000 }, noLimits, 60, now)).toBe(0);
  });
  it('respects the hourly cap', () => {
    expect(releaseBudget({ ...load, sentLastHour: 950 }, { hourlyCap: 1000, ramp: null }, 60, now)).toBe(50);
  });
  it('respects the messaging limit (unique recipients per rolling 24 h)', () => {
    expect(
      releaseBudget({ ...load, messagingTier: 'TIER_1K', uniqueRecipients24h: 990 }, noLimits, 60, now),
    ).toBe(10);
    expect(messagingLimitOf(null, null)).toBe(250);
    expect(messagingLimitOf('TIER_10K', null)).toBe(10_000);
    expect(messagingLimitOf('TIER_10K', 500)).toBe(500);
  });
  it('ramps new numbers up day by day, then stops ramping', () => {
    const ramp = { hourlyCap: null, ramp: { startPerDay: 100, growth: 2, days: 5 } };
    const young = { ...load, createdAt: new Date('2026-03-08T00:00:00Z') }; // 2 days old
    expect(rampAllowance(ramp, young.createdAt, now)).toBe(400);
    expect(releaseBudget({ ...young, sentLast24h: 350 }, ramp, 60, now)).toBe(50);
    expect(rampAllowance(ramp, load.createdAt, now)).toBe(Number.POSITIVE_INFINITY);
  });
});
