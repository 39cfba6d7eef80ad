import { describe, expect, it } from 'vitest';
import {
  mergeAttributesKeepingSurvivor,
  sourceConsentWins,
  unmergeAttributes,
} from './contacts-merge.rules.ts';

describe('contact merge rules', () => {
  it('keeps the survivor’s attribute values and records the source’s that lost', () => {
    const r = mergeAttributesKeepingSurvivor(
      { plan: 'gold', city: 'Osaka' },
      { plan: 'free', city: 'Osaka', age: 30 },
    );
    expect(r.merged).toEqual({ plan: 'gold', city: 'Osaka', age: 30 });
    expect(r.added).toEqual({ age: 30 });
    expect(r.conflicts).toEqual({ plan: 'free' });
  });

  it('undo removes only added keys still holding the added value', () => {
    expect(unmergeAttributes({ plan: 'gold', age: 30, x: 2 }, { age: 30, x: 1 })).toEqual({
      plan: 'gold',
      x: 2,
    });
  });

  it('takes the most recent consent change across both contacts', () => {
    const t = (s: number) => new Date(s * 1000);
    expect(sourceConsentWins(null, { state: 'opted_out', changedAt: t(1) })).toBe(true);
    expect(sourceConsentWins(null, { state: 'unknown', changedAt: t(1) })).toBe(false);
    expect(
      sourceConsentWins({ state: 'opted_in', changedAt: t(1) }, { state: 'opted_out', changedAt: t(2) }),
    ).toBe(true);
    expect(
      sourceConsentWins({ state: 'opted_in', changedAt: t(2) }, { state: 'opted_out', changedAt: t(1) }),
    ).toBe(false);
    expect(
      sourceConsentWins({ state: 'opted_in', changedAt: t(2) }, { state: 'opted_out', changedAt: t(2) }),
    ).toBe(false);
    expect(sourceConsentWins({ state: 'opted_in', changedAt: t(1) }, null)).toBe(false);
  });
});
