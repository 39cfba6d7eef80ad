import { describe, expect, it } from 'vitest';
import { approximateSearch, boundedDistance } from './edit-distance.rules.ts';

describe('boundedDistance', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours', () => {
    expect(boundedDistance('refund', 'refund', 2)).toBe(0);
    expect(boundedDistance('refund', 'refnud', 2)).toBe(1);
    expect(boundedDistance('refund', 'refun', 2)).toBe(1);
    expect(boundedDistance('refund', 'refunds', 2)).toBe(1);
    expect(boundedDistance('refund', 'rufund', 2)).toBe(1);
  });

  it('stops at the bound', () => {
    expect(boundedDistance('shipping', 'payment', 2)).toBe(3);
    expect(boundedDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('approximateSearch (Sellers)', () => {
  it('finds the closest substring with its position', () => {
    expect(approximateSearch('へんぴん', 'きのうへんぴんした', 1)).toEqual({ distance: 0, start: 3, end: 7 });
    const hit = approximateSearch('おかねをかえして', 'おかねかえしてほしい', 1);
    expect(hit).toMatchObject({ distance: 1, start: 0 });
  });

  it('returns null beyond the bound', () => {
    expect(approximateSearch('ぱすわど', 'よやくしたい', 1)).toBeNull();
    expect(approximateSearch('', 'abc', 1)).toBeNull();
  });
});
