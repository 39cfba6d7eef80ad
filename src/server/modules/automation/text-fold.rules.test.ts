import { describe, expect, it } from 'vitest';
import { toHiragana } from 'wanakana';
import {
  compact,
  foldText,
  foldVowelLength,
  hasJapanese,
  latinWords,
  toHiraganaOnly,
} from './text-fold.rules.ts';

describe('foldText', () => {
  it('applies NFKC: full-width letters and digits, half-width katakana', () => {
    expect(foldText('ＲＥＦＵＮＤ １２３')).toBe('refund 123');
    expect(foldText('ﾍﾝﾋﾟﾝ')).toBe('へんぴん');
  });

  it('folds case and katakana to hiragana, keeping kanji and Latin', () => {
    expect(foldText('Refund ヘンピン 返品')).toBe('refund へんぴん 返品');
  });

  it('folds long-vowel marks and vowel length to one key', () => {
    const variants = ['リョーキン', 'りょうきん', 'りょおきん', 'りょ～きん', 'りょ〜きん', 'ﾘｮｰｷﾝ'];
    expect(new Set(variants.map(foldText))).toEqual(new Set(['りょきん']));
    expect(foldText('パスワード')).toBe(foldText('ぱすわど'));
    expect(foldText('けいたい')).toBe('けたい');
  });

  it('turns punctuation and symbols into single spaces and trims', () => {
    expect(foldText('  返品！？ 　お願い。 ')).toBe('返品 お願い');
    expect(compact(foldText('返品 お願い'))).toBe('返品お願い');
  });

  it('is idempotent', () => {
    for (const s of ['キャンセル～～！', 'ＡＢＣ　ｱｲｳ', 'こうこう', 'Price?'])
      expect(foldText(foldText(s))).toBe(foldText(s));
  });

  it('keeps a wave dash that follows no kana as a separator', () => {
    expect(foldText('10〜20')).toBe('10 20');
  });
});

describe('helpers', () => {
  it('folds vowel length only after a mora of the same vowel (and おう, えい)', () => {
    expect(foldVowelLength('おかあさん')).toBe('おかさん');
    expect(foldVowelLength('とうきょう')).toBe('ときょ');
    expect(foldVowelLength('あい')).toBe('あい');
  });

  it('detects Japanese script and Latin words', () => {
    expect(hasJapanese('refund please')).toBe(false);
    expect(hasJapanese('返品')).toBe(true);
    expect(latinWords(foldText('iPhoneの返品 refund, please'))).toEqual(['iphone', 'refund', 'please']);
    expect(latinWords(foldText("I don't"))).toEqual(['i', 'dont']);
  });
});

describe('toHiraganaOnly', () => {
  const wanakana = (text: string) => toHiragana(text, { passRomaji: true, convertLongVowelMark: false });

  it('maps every kana code point as wanakana does, alone, first and after other kana', () => {
    for (let code = 0x3000; code <= 0x30ff; code++) {
      const c = String.fromCharCode(code);
      for (const text of [c, `${c}カ`, `カ${c}`, `か${c}ア`, `a${c}1`])
        expect(toHiraganaOnly(text), `U+${code.toString(16)} in ${text}`).toBe(wanakana(text));
    }
  });

  it('agrees with wanakana on mixed text (kanji, Latin, digits, emoji, half width)', () => {
    const pieces = [
      'ヘンピン',
      'ー',
      'ヶ月',
      'ヴァ',
      '・',
      '返品',
      'Refund',
      '123',
      '😀',
      'ｱｲｳ',
      'ヷヺ',
      'ぁ',
      ' ',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: 1 + (next() % 8) }, () => pieces[next() % pieces.length]).join('');
      expect(toHiraganaOnly(text)).toBe(wanakana(text));
    }
  });
});
