import { beforeAll, describe, expect, it } from 'vitest';
import { loadJapaneseAnalyzer } from '../automation/japanese-analyzer.service.ts';
import { readingOf, type Analyzer } from '../automation/reading.rules.ts';
import {
  bigrams,
  contactSearchKey,
  foldForSearch,
  messageSearchText,
  messageTextOf,
  SEARCHABLE_MESSAGE_CHARS,
  nameReadingKey,
  parseSearchQuery,
  readingPhrases,
  type SearchQuery,
} from './search-key.rules.ts';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await loadJapaneseAnalyzer();
});

/** What SQL's `key LIKE pattern` does for the patterns we build (`%word%`, wildcards escaped). */
function likeMatches(key: string, pattern: string): boolean {
  const word = pattern.slice(1, -1).replace(/\\(.)/g, '$1');
  return key.includes(word);
}

/** The same decision as `matchesSearch` in SQL: every word, through any alternative (grams ⊆ key's, then LIKE). */
function matches(key: string, query: SearchQuery | null): boolean {
  if (!query) return true;
  const keyGrams = new Set(bigrams(key));
  return query.words.every((alternatives) =>
    alternatives.some((a) => a.grams.every((g) => keyGrams.has(g)) && likeMatches(key, a.pattern)),
  );
}

const key = (name: string, waId = '819012345678') =>
  contactSearchKey(analyzer, { name, profileName: null, waId });

describe('contact search keys', () => {
  it('hold the folded name, the reading in hiragana and romaji, and the digits', () => {
    expect(key('山田 太郎')).toBe('山田太郎 やまだたろ yamadataro 819012345678');
    expect(key('ﾔﾏﾀﾞ')).toBe('やまだ yamada 819012345678');
    expect(key('Yamada Taro')).toBe('yamadataro やまだたろ 819012345678');
  });

  it.each([
    '山田',
    '山田 太郎',
    'やまだ',
    'ヤマダ',
    'ﾔﾏﾀﾞ',
    'yamada',
    'YAMADA',
    'Yamada Taro',
    'たろう',
    'taro',
    'tarou',
  ])('山田 太郎 is found by %s', (q) => {
    expect(matches(key('山田 太郎'), parseSearchQuery(q))).toBe(true);
  });

  it.each(['やまだ', 'ヤマダ', 'ﾔﾏﾀﾞ', 'yamada', 'Yamada'])('a kana or romaji name is found by %s', (q) => {
    for (const name of ['やまだ', 'ヤマダ', 'ﾔﾏﾀﾞ', 'yamada', 'Yamada Taro'])
      expect(matches(key(name), parseSearchQuery(q)), `${name} by ${q}`).toBe(true);
  });

  it('folds variant kanji: 髙橋 and 高橋 find each other, and both read たかはし', () => {
    expect(key('髙橋')).toBe(key('高橋'));
    expect(matches(key('髙橋'), parseSearchQuery('高橋'))).toBe(true);
    expect(matches(key('高橋'), parseSearchQuery('髙橋'))).toBe(true);
    expect(matches(key('髙橋'), parseSearchQuery('たかはし'))).toBe(true);
  });

  it('does not find other names', () => {
    for (const q of ['やまぐち', '田中', 'suzuki', '山田 花子'])
      expect(matches(key('山田 太郎'), parseSearchQuery(q)), q).toBe(false);
  });

  it('keeps symbols findable when folding drops them', () => {
    const k = key('100% Tanaka_san');
    expect(matches(k, parseSearchQuery('%'))).toBe(true);
    expect(matches(k, parseSearchQuery('_'))).toBe(true);
    expect(matches(k, parseSearchQuery('tanaka'))).toBe(true);
  });

  it('finds the number in any format', () => {
    const k = key('山田 太郎', '819012345678');
    for (const q of [
      '090-1234-5678',
      '+81 90 1234 5678',
      '819012345678',
      '０９０１２３４５６７８',
      '(090) 1234.5678',
    ])
      expect(matches(k, parseSearchQuery(q)), q).toBe(true);
    expect(matches(k, parseSearchQuery('090-9999-5678'))).toBe(false);
  });
});

describe('the large demo seed (set-based SQL)', () => {
  it('writes the keys these rules give its Latin names and bodies', () => {
    // seedSyntheticContacts: 'customer' || n || ' ' || wa_id; seedSyntheticMessages: 'message ' || m.
    expect(contactSearchKey(null, { name: null, profileName: 'Customer 42', waId: '819000000042' })).toBe(
      'customer42 819000000042',
    );
    expect(messageSearchText(null, 'Message 7')).toBe('message 7');
  });
});

describe('name reading keys (duplicate suggestions)', () => {
  it('are the same for a name in kanji, kana, half-width kana and romaji, and are a part of the search key', () => {
    for (const name of ['山田 太郎', 'やまだ たろう', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'Yamada Taro'])
      expect(nameReadingKey(analyzer, name), name).toBe('yamadataro');
    expect(key('山田 太郎').split(' ')).toContain('yamadataro');
    expect(nameReadingKey(analyzer, '山田 花子')).not.toBe('yamadataro');
    expect(nameReadingKey(analyzer, '🌸')).toBeNull();
    expect(nameReadingKey(analyzer, null)).toBeNull();
  });
});

describe('message search texts', () => {
  it('hold the folded text and its reading: へんぴん, ヘンピン, ﾍﾝﾋﾟﾝ and henpin find 返品', () => {
    const text = messageSearchText(analyzer, '返品したいのですが、どうすればいいですか？');
    for (const q of ['返品', 'へんぴん', 'ヘンピン', 'ﾍﾝﾋﾟﾝ', 'henpin', 'どうすれば'])
      expect(matches(text, parseSearchQuery(q)), q).toBe(true);
    expect(matches(text, parseSearchQuery('へんきん'))).toBe(false);
  });

  it('is read phrase by phrase, never cutting beside a kanji, and reads as the whole text does', () => {
    expect(readingPhrases('れしとはあります 123')).toEqual(['れしとはあります', '123']);
    expect(readingPhrases('山田 様 ありがとございます')).toEqual(['山田 様 ありがとございます']);
    expect(readingPhrases('直近 2 分以内')).toEqual(['直近 2 分以内']);
    const seen: string[] = [];
    const read = (phrase: string) => {
      seen.push(phrase);
      return readingOf(analyzer, phrase).text;
    };
    for (const text of [
      '返品の手続きはどうすればいいですか？レシートはあります。（#42）',
      'こんにちは 山田 様、ご注文 A-1 を発送しました。',
      'オンライン（直近 2 分以内にコンソールを開いている）の担当者にだけ割り当てます。',
      '{{first_name}}様、クーポン {{code}}',
    ]) {
      const folded = foldForSearch(text);
      expect(messageSearchText(analyzer, text, read)).toBe(`${folded} ${readingOf(analyzer, folded).text}`);
    }
    expect(seen).toContain('42');
  });

  it('folds width and case of Latin text, and is empty without text', () => {
    expect(messageSearchText(analyzer, 'Ｒｅｆｕｎｄ please!')).toBe('refund please');
    expect(messageSearchText(analyzer, null)).toBe('');
    expect(messageSearchText(analyzer, '🙏')).toBe('');
  });

  it('reads the text of a body or a caption', () => {
    expect(messageTextOf('text', { text: { body: 'hi' } })).toBe('hi');
    expect(messageTextOf('image', { image: { id: '1', caption: '写真' } })).toBe('写真');
    expect(messageTextOf('location', { location: {} })).toBeNull();
  });
});

describe('queries', () => {
  it('are null when empty, words otherwise, at most 8 words', () => {
    expect(parseSearchQuery('  ')).toBeNull();
    expect(parseSearchQuery(undefined)).toBeNull();
    expect(parseSearchQuery('a b c d e f g h i j')?.words).toHaveLength(8);
  });

  it('escape LIKE wildcards and give no bigrams to a one-character word', () => {
    expect(parseSearchQuery('%')).toEqual({ words: [[{ pattern: '%\\%%', grams: [], codes: [] }]] });
  });

  it('bigrams count code points like PostgreSQL', () => {
    expect(bigrams('𠮷野家')).toEqual(['𠮷野', '野家']);
    expect(bigrams('aaa')).toEqual(['aa']);
    expect(bigrams('a')).toEqual([]);
  });
});

describe('messageTextOf', () => {
  it('indexes the first 4,096 characters of a longer body (code points, so no half emoji)', () => {
    const long = '😀' + '長'.repeat(200_000);
    const text = messageTextOf('text', { text: { body: long } }) ?? '';
    expect([...text]).toHaveLength(SEARCHABLE_MESSAGE_CHARS);
    expect(text.startsWith('😀長')).toBe(true);
    expect(messageTextOf('image', { image: { caption: 'くつ' } })).toBe('くつ');
  });
});
