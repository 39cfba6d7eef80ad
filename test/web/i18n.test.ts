import { describe, expect, it } from 'vitest';
import { en } from '../../src/web/lib/locales/en.ts';
import { ja } from '../../src/web/lib/locales/ja.ts';

type Tree = { [k: string]: string | Tree };

function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('console translations', () => {
  const e = leaves(en as unknown as Tree);
  const j = leaves(ja as unknown as Tree);

  it('has exactly the same keys in Japanese and English', () => {
    expect([...j.keys()].sort()).toEqual([...e.keys()].sort());
  });

  it('has no empty strings and the same interpolation variables in both languages', () => {
    for (const [key, text] of e) {
      const other = j.get(key) ?? '';
      expect(text.trim(), key).not.toBe('');
      expect(other.trim(), key).not.toBe('');
      expect(vars(other), key).toEqual(vars(text));
    }
  });
});
