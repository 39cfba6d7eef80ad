import { describe, expect, it } from 'vitest';
import { compilePatternSet, compileRegex, matchPatternSet, regexFinds } from './regex.rules.ts';

describe('compileRegex', () => {
  it('refuses invalid, empty, unsupported and match-everything patterns', () => {
    expect(compileRegex('(unclosed').ok).toBe(false);
    expect(compileRegex('  ').ok).toBe(false);
    expect(compileRegex('(a)\\1').ok).toBe(false);
    expect(compileRegex('(?=x)').ok).toBe(false);
    expect(compileRegex('.*').ok).toBe(false);
    expect(compileRegex('x'.repeat(501)).ok).toBe(false);
  });

  it('matches case-insensitively', () => {
    const c = compileRegex('order\\s*#?\\d{6}');
    expect(c.ok && regexFinds(c.regex, 'ORDER #123456')).toBe(true);
  });

  it('runs a catastrophic pattern on a long input in linear time', () => {
    const c = compileRegex('(a+)+$');
    if (!c.ok) throw new Error(c.message);
    const input = 'a'.repeat(20_000) + '!';
    const started = performance.now();
    expect(regexFinds(c.regex, input)).toBe(false);
    // A backtracking engine needs ~2^20000 steps here; RE2 needs one pass (a few ms, well under a second).
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('pattern sets', () => {
  it('reports the first matching pattern of each owner in one pass, also on catastrophic patterns', () => {
    const set = compilePatternSet([
      { owner: 0, raw: '(a+)+$' },
      { owner: 1, raw: 'order\\s*#?\\d{4}' },
      { owner: 1, raw: '注文番号' },
    ]);
    expect([...matchPatternSet(set, 'ORDER #1234 注文番号').entries()]).toEqual([[1, 'order\\s*#?\\d{4}']]);
    const started = performance.now();
    expect(matchPatternSet(set, 'a'.repeat(20_000) + '!').size).toBe(0);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(matchPatternSet(compilePatternSet([]), 'anything').size).toBe(0);
  });
});
