import { describe, expect, it } from 'vitest';
import { hasUnstorableText, storableJson, storableText } from './storable.ts';

describe('storable text', () => {
  it('replaces U+0000 and lone surrogates by U+FFFD and keeps surrogate pairs', () => {
    expect(storableText('a\u0000b')).toBe('a\ufffdb');
    expect(storableText('x\ud800y')).toBe('x\ufffdy');
    expect(storableText('x\udc00')).toBe('x\ufffd');
    expect(storableText('\ud83d')).toBe('\ufffd');
    expect(storableText('😀\ud83d😀')).toBe('😀\ufffd😀');
    const clean = '日本語 😀 plain';
    expect(storableText(clean)).toBe(clean);
    expect(hasUnstorableText(clean)).toBe(false);
    expect(hasUnstorableText('\udfff')).toBe(true);
  });

  it('walks keys and values, records the paths, and copies only what changed', () => {
    const untouched = { keep: ['a', { b: 1 }] };
    const input = { name: 'n\u0000', list: ['ok', 'bad\ud800'], 'k\u0000': 1, untouched };
    const out = storableJson(input);
    expect(out.value).toEqual({
      name: 'n\ufffd',
      list: ['ok', 'bad\ufffd'],
      'k\ufffd': 1,
      untouched,
    });
    expect(out.sanitized).toEqual(['name', 'list[1]', '["k\ufffd"]']);
    expect(out.value.untouched).toBe(untouched);
    expect(storableJson(untouched).value).toBe(untouched);
  });

  it('keeps a "__proto__" key as a key and stops at the depth limit instead of overflowing', () => {
    const parsed = JSON.parse('{"__proto__": {"x": "\\u0000"}}') as Record<string, unknown>;
    const out = storableJson(parsed).value;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: '\ufffd' });
    const deep = JSON.parse('['.repeat(50_000) + '"\\u0000"' + ']'.repeat(50_000)) as unknown;
    expect(storableJson(deep, { maxDepth: 10 }).sanitized).toEqual([]);
  });
});
