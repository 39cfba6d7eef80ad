import { describe, expect, it } from 'vitest';
import {
  carryPastQuietHours,
  dueAt,
  exclusionReason,
  isAllowedMinute,
  recipientTimeZone,
  requiresOptIn,
  senderFor,
  variantOf,
  type Candidate,
} from './campaign-plan.rules.ts';

const QUIET = { start: '08:00', end: '22:00' };
const base: Candidate = {
  contactId: '0190a000-0000-7000-8000-000000000001',
  waId: '819000000001',
  marketing: 'opted_in',
  unreachable: false,
  inExcludedSegment: false,
  recentCampaignMessages: 0,
};
const policy = { requireOptIn: true, frequencyCap: { count: 1, days: 3 } };

describe('exclusionReason', () => {
  it('reports the first reason in a fixed order, null when eligible', () => {
    expect(exclusionReason(base, policy)).toBeNull();
    expect(exclusionReason({ ...base, waId: null, marketing: 'opted_out' }, policy)).toBe('no_phone');
    expect(exclusionReason({ ...base, marketing: 'opted_out', unreachable: true }, policy)).toBe('opted_out');
    expect(exclusionReason({ ...base, unreachable: true }, policy)).toBe('unreachable');
    expect(exclusionReason({ ...base, marketing: 'unknown' }, policy)).toBe('no_consent');
    expect(exclusionReason({ ...base, inExcludedSegment: true }, policy)).toBe('excluded_segment');
    expect(exclusionReason({ ...base, recentCampaignMessages: 1 }, policy)).toBe('frequency_cap');
  });
  it('lets unknown consent through when opt-in is not required, never opted out', () => {
    const loose = { requireOptIn: false, frequencyCap: null };
    expect(exclusionReason({ ...base, marketing: 'unknown', recentCampaignMessages: 9 }, loose)).toBeNull();
    expect(exclusionReason({ ...base, marketing: 'opted_out' }, loose)).toBe('opted_out');
  });
  it('requires opt-in for marketing and unknown categories unless the campaign says otherwise', () => {
    expect(requiresOptIn(null, 'MARKETING')).toBe(true);
    expect(requiresOptIn(null, null)).toBe(true);
    expect(requiresOptIn(null, 'UTILITY')).toBe(false);
    expect(requiresOptIn(false, 'MARKETING')).toBe(false);
  });
});

describe('time zones and quiet hours', () => {
  it('reads the contact zone, else the country zone, else the workspace zone', () => {
    expect(recipientTimeZone({ timezone: 'Europe/Paris', country: 'JP' }, 'UTC')).toBe('Europe/Paris');
    expect(recipientTimeZone({ timezone: null, country: 'JP' }, 'UTC')).toBe('Asia/Tokyo');
    expect(recipientTimeZone({ timezone: null, country: null }, 'Asia/Tokyo')).toBe('Asia/Tokyo');
  });
  it('allows [start, end), overnight spans and the whole day', () => {
    expect(isAllowedMinute(8 * 60, QUIET)).toBe(true);
    expect(isAllowedMinute(22 * 60, QUIET)).toBe(false);
    expect(isAllowedMinute(7 * 60 + 59, QUIET)).toBe(false);
    expect(isAllowedMinute(1 * 60, { start: '20:00', end: '02:00' })).toBe(true);
    expect(isAllowedMinute(3 * 60, { start: '20:00', end: '02:00' })).toBe(false);
    expect(isAllowedMinute(3 * 60, { start: '00:00', end: '00:00' })).toBe(true);
  });
  it('carries a time in quiet hours to the next local 08:00 (same day before, next day after)', () => {
    // 06:30 in Tokyo → 08:00 the same day.
    expect(carryPastQuietHours(new Date('2026-03-01T21:30:00Z'), 'Asia/Tokyo', QUIET).toISOString()).toBe(
      '2026-03-01T23:00:00.000Z',
    );
    // 23:00 in Tokyo → 08:00 the next day.
    expect(carryPastQuietHours(new Date('2026-03-02T14:00:00Z'), 'Asia/Tokyo', QUIET).toISOString()).toBe(
      '2026-03-02T23:00:00.000Z',
    );
    const ok = new Date('2026-03-02T03:00:00Z');
    expect(carryPastQuietHours(ok, 'Asia/Tokyo', QUIET)).toBe(ok);
  });
  it('is DST-safe: 23:30 before the spring-forward in New York moves to 08:00 EDT (12:00Z)', () => {
    expect(
      carryPastQuietHours(new Date('2026-03-08T04:30:00Z'), 'America/New_York', QUIET).toISOString(),
    ).toBe('2026-03-08T12:00:00.000Z');
    // And across the fall-back: 23:00 EDT on Oct 31 → 08:00 EST on Nov 1 (13:00Z).
    expect(
      carryPastQuietHours(new Date('2026-11-01T03:00:00Z'), 'America/New_York', QUIET).toISOString(),
    ).toBe('2026-11-01T13:00:00.000Z');
  });
});

describe('dueAt', () => {
  const now = new Date('2026-03-02T01:00:00Z'); // 10:00 Tokyo, 20:00 New York (Mar 1)
  it('schedules 09:00 recipient-local on a date in each zone', () => {
    const s = { kind: 'local' as const, date: '2026-03-03', time: '09:00' };
    expect(dueAt(s, 'Asia/Tokyo', QUIET, now).toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(dueAt(s, 'America/New_York', QUIET, now).toISOString()).toBe('2026-03-03T14:00:00.000Z');
  });
  it('sends now (or at the instant) unless that is quiet hours for the recipient', () => {
    expect(dueAt({ kind: 'now' }, 'Asia/Tokyo', QUIET, now)).toEqual(now);
    expect(dueAt({ kind: 'now' }, 'Europe/London', QUIET, now).toISOString()).toBe(
      '2026-03-02T08:00:00.000Z',
    );
    expect(dueAt({ kind: 'at', at: '2026-03-02T05:00:00Z' }, 'Asia/Tokyo', QUIET, now).toISOString()).toBe(
      '2026-03-02T05:00:00.000Z',
    );
    // A past local time is due now.
    const past = { kind: 'local' as const, date: '2026-03-01', time: '09:00' };
    expect(dueAt(past, 'Asia/Tokyo', QUIET, now)).toEqual(now);
  });
});

describe('A/B split and sticky sender', () => {
  it('splits deterministically near the requested share', () => {
    let a = 0;
    for (let i = 0; i < 2000; i++) {
      const id = `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`;
      const v = variantOf('campaign-1', id, 30);
      expect(variantOf('campaign-1', id, 30)).toBe(v);
      if (v === 'a') a++;
    }
    expect(a / 2000).toBeGreaterThan(0.26);
    expect(a / 2000).toBeLessThan(0.34);
    expect(variantOf('campaign-1', base.contactId, null)).toBe('a');
  });
  it('keeps the number that last talked to the contact, else a stable one', () => {
    expect(senderFor(['n1', 'n2'], 'n2', 'c1')).toBe('n2');
    const picked = senderFor(['n1', 'n2'], 'other', 'c1');
    expect(senderFor(['n2', 'n1'], null, 'c1')).toBe(picked);
  });
});
