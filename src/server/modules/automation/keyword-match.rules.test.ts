import { beforeAll, describe, expect, it } from 'vitest';
import { loadJapaneseAnalyzer } from './japanese-analyzer.service.ts';
import {
  analyzeMessage,
  compileKeyword,
  matchKeyword,
  maxEdits,
  type CompiledKeyword,
} from './keyword-match.rules.ts';
import { isDeclined } from './negation.rules.ts';
import type { Analyzer } from './reading.rules.ts';
import { readingOf } from './reading.rules.ts';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await loadJapaneseAnalyzer();
});

const kw = (raw: string, mode: CompiledKeyword['mode'] = 'fuzzy') => compileKeyword(raw, mode, analyzer);
const hit = (k: CompiledKeyword, text: string) => matchKeyword(k, analyzeMessage(text, analyzer));

describe('readings', () => {
  it('reads kanji, kana and romaji alike', () => {
    const of = (s: string) => readingOf(analyzer, s).text;
    expect(of('返品')).toBe('へんぴん');
    expect(of('ヘンピン')).toBe('へんぴん');
    expect(of('henpin')).toBe('へんぴん');
    expect(of('料金')).toBe(of('りょーきん'));
  });

  it('keeps English words that are not romaji as letters', () => {
    expect(readingOf(analyzer, 'refund').text).toBe('refund');
  });
});

describe('typo budget', () => {
  it('grows with the keyword length, more slowly for kana', () => {
    expect([3, 4, 7, 8].map((n) => maxEdits(n, 'latin'))).toEqual([0, 1, 1, 2]);
    expect([4, 5, 8, 9].map((n) => maxEdits(n, 'kana'))).toEqual([0, 1, 1, 2]);
  });
});

describe('exact', () => {
  it('matches the whole message after folding, on the surface or the reading', () => {
    const k = kw('こんにちは', 'exact');
    expect(hit(k, 'こんにちは！')).toMatchObject({ channel: 'surface' });
    expect(hit(k, 'コンニチハ')).not.toBeNull();
    expect(hit(k, 'こんにちは、返品したい')).toBeNull();
    expect(hit(kw('Hello', 'exact'), 'HELLO!!')).not.toBeNull();
  });
});

describe('contains', () => {
  it('finds Japanese keywords by surface and by reading', () => {
    const k = kw('返品', 'contains');
    expect(hit(k, '昨日買った靴を返品したいです')).toMatchObject({ channel: 'surface', score: 0.95 });
    expect(hit(k, 'へんぴんできますか')).toMatchObject({ channel: 'reading' });
    expect(hit(k, 'ヘンピンお願いします')).toMatchObject({ channel: 'reading' });
    expect(hit(k, 'henpin dekimasu ka')).toMatchObject({ channel: 'reading' });
  });

  it('matches English whole words and their inflections, not substrings', () => {
    const k = kw('refund', 'contains');
    expect(hit(k, 'Can I get a REFUND?')).not.toBeNull();
    expect(hit(k, 'was it refunded')).not.toBeNull();
    expect(hit(kw('ship', 'contains'), 'friendship')).toBeNull();
    expect(hit(kw('money back', 'contains'), 'I want my money back')).not.toBeNull();
  });

  it('does not read sounds across words that the analyzer split off an interjection', () => {
    expect(hit(kw('配送', 'contains'), 'はいそうです')).toBeNull();
  });

  it('does not match readings shorter than three kana on the reading channel', () => {
    expect(hit(kw('金', 'contains'), 'りょうきんは')).toBeNull();
  });
});

describe('fuzzy', () => {
  it('tolerates typos in English within the budget, with the first letter kept', () => {
    const k = kw('refund');
    expect(hit(k, 'i want a refnud')).toMatchObject({ distance: 1 });
    expect(hit(k, 'i want a rfnd')).toBeNull();
    expect(hit(kw('password'), 'forgot my pasword')).toMatchObject({ distance: 1 });
    expect(hit(kw('password'), 'forgot my pass word')).not.toBeNull();
    expect(hit(kw('price'), 'rice')).toBeNull();
  });

  it('tolerates kana typos in long readings only', () => {
    expect(hit(kw('お金を返して'), 'お金返してほしい')).toMatchObject({ channel: 'reading', distance: 1 });
    expect(hit(kw('料金'), '旅館')).toBeNull();
  });

  it('ignores voicing marks in readings of four kana or more', () => {
    expect(hit(kw('パスワード'), 'ﾊﾟｽﾜｰﾄ忘れた')).toMatchObject({ distance: 0 });
    expect(hit(kw('返品'), '変品したい')).not.toBeNull();
    expect(hit(kw('在庫'), '最高でした')).toBeNull();
    expect(hit(kw('パスワード', 'contains'), 'ﾊﾟｽﾜｰﾄ忘れた')).toBeNull();
  });

  it('scores fuzzy hits below exact hits', () => {
    const exact = hit(kw('refund'), 'refund') as { score: number };
    const typo = hit(kw('refund'), 'refnd') as { score: number };
    expect(typo.score).toBeLessThan(exact.score);
  });
});

describe('declined intent', () => {
  const declined = (keyword: string, text: string) => {
    const msg = analyzeMessage(text, analyzer);
    const h = matchKeyword(kw(keyword), msg);
    return h !== null && isDeclined(h, msg);
  };

  it('recognises Japanese refusals right after the keyword', () => {
    expect(declined('返品', '返品はしないです')).toBe(true);
    expect(declined('キャンセル', 'キャンセル不要です')).toBe(true);
    expect(declined('返品', 'へんぴんはいらないです')).toBe(true);
    expect(declined('返品', '返品しないといけないですか')).toBe(false);
    expect(declined('返品', '返品できないのですか')).toBe(false);
  });

  it('recognises English refusals around the keyword', () => {
    expect(declined('refund', "I don't want a refund")).toBe(true);
    expect(declined('cancel', 'no need to cancel')).toBe(true);
    expect(declined('refund', 'refund not needed')).toBe(true);
    expect(declined('refund', "why haven't I got my refund")).toBe(false);
  });
});
