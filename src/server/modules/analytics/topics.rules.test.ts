import { beforeAll, describe, expect, it } from 'vitest';
import { loadJapaneseAnalyzer } from '../automation/japanese-analyzer.service.ts';
import type { Analyzer } from '../automation/reading.rules.ts';
import { countTerms, risingTerms, termsOf, topTerms } from './topics.rules.ts';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await loadJapaneseAnalyzer();
});

const terms = (text: string) => termsOf(analyzer, text).map((t) => t.term);

describe('termsOf', () => {
  it('keeps nouns (as compounds) and independent verbs in their dictionary form, without stop words', () => {
    expect(terms('返品したいです。')).toEqual(['返品']);
    expect(terms('注文した商品がまだ届きません')).toEqual(['注文', '商品', '届く']);
    expect(terms('配送料はいくらですか？')).toEqual(['配送料', 'いくら']);
    expect(terms('営業時間を教えてください')).toEqual(['営業時間', '教える']);
    expect(terms('田中さんに3個注文しました')).toEqual(['田中', '注文']);
  });

  it('folds width and kana: ﾍﾝﾋﾟﾝ, ヘンピン and へんぴん are one term; labels keep the writing', () => {
    expect(terms('ﾍﾝﾋﾟﾝの方法')).toEqual(['へんぴん', '方法']);
    expect(terms('ヘンピンできますか')).toEqual(['へんぴん']);
    expect(terms('へんぴんしたい')).toEqual(['へんぴん']);
    expect(termsOf(analyzer, 'クーポンが使えない').map((t) => t.label)).toEqual(['クーポン', '使える']);
  });

  it('lower-cases English and drops stop words, with or without the analyzer', () => {
    expect(termsOf(null, 'Where is my ORDER? Order status please').map((t) => [t.term, t.sentence])).toEqual([
      ['order', 0],
      ['order', 1],
      ['status', 1],
    ]);
    expect(terms('iPhoneの画面が割れた')).toEqual(['iphone', '画面', '割れる']);
  });
});

describe('countTerms and topTerms', () => {
  it('counts each word and phrase once per message and ranks by messages, then by term', () => {
    const texts = [
      '返品したい。返品の方法は？',
      'ﾍﾝﾋﾟﾝの方法を教えて',
      'ヘンピン方法を知りたい',
      'order status please',
      'Order status?',
    ];
    const { words, phrases } = countTerms(texts.map((t) => termsOf(analyzer, t)));
    expect(topTerms(words, texts.length, 3)).toEqual([
      { term: 'order', label: 'order', messages: 2, share: 0.4 },
      { term: 'status', label: 'status', messages: 2, share: 0.4 },
      { term: '方法', label: '方法', messages: 2, share: 0.4 },
    ]);
    // Twice in the first message, counted once; ヘンピン方法 (no particle) is one compound noun.
    expect(words.get('返品')?.messages).toBe(1);
    expect(words.get('へんぴん方法')).toEqual({ term: 'へんぴん方法', label: 'ヘンピン方法', messages: 1 });
    // Phrases never cross a sentence: 返品。返品 is none, 返品の方法 is one.
    expect(phrases.get('返品返品')).toBeUndefined();
    expect(phrases.get('返品方法')?.messages).toBe(1);
    expect(topTerms(phrases, texts.length, 5, 2)).toEqual([
      { term: 'order status', label: 'order status', messages: 2, share: 0.4 },
    ]);
  });
});

describe('risingTerms', () => {
  const counts = (entries: Array<[string, number]>) =>
    new Map(entries.map(([term, messages]) => [term, { term, label: term, messages }]));

  it('lists terms whose share of messages grew, by growth, with at least two messages', () => {
    // Now 10 messages: 返品 5 (0.5), 配送 2 (0.2), 在庫 1, クーポン 4 (0.4).
    // Before 20 messages: 返品 4 (0.2), 配送 6 (0.3), クーポン 0.
    const rising = risingTerms(
      counts([
        ['返品', 5],
        ['配送', 2],
        ['在庫', 1],
        ['クーポン', 4],
      ]),
      10,
      counts([
        ['返品', 4],
        ['配送', 6],
      ]),
      20,
      10,
    );
    expect(rising.map((r) => [r.term, r.messages, r.previousMessages])).toEqual([
      ['クーポン', 4, 0],
      ['返品', 5, 4],
    ]);
    expect(rising[0]?.change).toBeCloseTo(0.4);
    expect(rising[1]?.change).toBeCloseTo(0.3);
    expect(rising[1]?.previousShare).toBeCloseTo(0.2);
  });

  it('treats an empty previous period as share 0, and an empty range as nothing rising', () => {
    expect(risingTerms(counts([['返品', 2]]), 4, new Map(), 0, 5).map((r) => r.change)).toEqual([0.5]);
    expect(risingTerms(new Map(), 0, counts([['返品', 2]]), 4, 5)).toEqual([]);
  });
});
