import { describe, expect, it } from 'vitest';
import { compact, foldText, foldVowelLength, hasJapanese, latinWords } from './text-fold.rules.ts';

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
