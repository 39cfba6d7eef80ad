import { describe, expect, it } from 'vitest';
import { detectHandoff } from './handoff.rules.ts';
import { parseMenuAnswer } from './menu.rules.ts';
import { classifySentiment, hasNegativeStreak } from './sentiment.rules.ts';

describe('parseMenuAnswer', () => {
  const options = [
    { id: 'hours', title: '営業時間' },
    { id: 'returns', title: '返品・交換' },
    { id: 'staff', title: 'Talk to staff' },
  ];
  const chosen = (text: string) => parseMenuAnswer(text, options)?.id ?? null;

  it('accepts the number in any common form', () => {
    for (const text of [
      '1',
      '１',
      '①',
      'one',
      'One.',
      'いち',
      '一',
      '1番',
      '１番です',
      'No.1',
      '1でお願いします',
    ]) {
      expect(chosen(text)).toBe('hours');
    }
    for (const text of ['2', 'two', 'に', '二', '2番目', 'ニ']) expect(chosen(text)).toBe('returns');
    expect(chosen('さん')).toBe('staff');
  });

  it('accepts the title, folded, or a message containing exactly one title', () => {
    expect(chosen('営業時間')).toBe('hours');
    expect(chosen('返品・交換')).toBe('returns');
    expect(chosen('talk to STAFF')).toBe('staff');
    expect(chosen('営業時間を教えて')).toBe('hours');
  });

  it('refuses numbers out of range and anything else', () => {
    expect(chosen('4')).toBeNull();
    expect(chosen('0')).toBeNull();
    expect(chosen('こんにちは')).toBeNull();
    expect(chosen('')).toBeNull();
    expect(chosen('12時に行きます')).toBeNull();
  });
});

describe('detectHandoff', () => {
  it('finds requests for a person in Japanese and English, in any width or kana', () => {
    expect(detectHandoff('担当者に代わってください')).toBe('担当者');
    expect(detectHandoff('ｵﾍﾟﾚｰﾀｰお願いします')).toBe('オペレーター');
    expect(detectHandoff('おぺれーたーと話したい')).toBe('オペレーター');
    expect(detectHandoff('人と話したいです')).toBe('人と話');
    expect(detectHandoff('Can I talk to a human?')).toBe('human');
    expect(detectHandoff('AGENT please')).toBe('agent');
    expect(detectHandoff('I need a real person')).toBe('real person');
  });

  it('ignores ordinary messages and words that only contain a phrase', () => {
    expect(detectHandoff('返品したいです')).toBeNull();
    expect(detectHandoff('the agency sent me here')).toBeNull();
    expect(detectHandoff('humanity')).toBeNull();
  });
});

describe('classifySentiment', () => {
  it('labels clear complaints as negative', () => {
    for (const text of [
      '最悪です。二度と買いません',
      'ふざけないでください！！',
      'This is terrible, I am so disappointed',
      'まだ届かない。対応が悪すぎる',
      'worst service ever',
    ]) {
      expect(classifySentiment(text).label).toBe('negative');
    }
  });

  it('labels thanks as positive and plain questions as neutral', () => {
    expect(classifySentiment('ありがとうございます！助かりました').label).toBe('positive');
    expect(classifySentiment('Thanks, great service').label).toBe('positive');
    expect(classifySentiment('営業時間を教えてください').label).toBe('neutral');
    expect(classifySentiment('Is it still available?').label).toBe('neutral');
  });

  it('flips English words after a negator and reads Japanese negated forms from the lexicon', () => {
    expect(classifySentiment('not happy with this').label).toBe('negative');
    expect(classifySentiment('not bad at all').score).toBeGreaterThan(0);
    expect(classifySentiment('全然嬉しくない').label).toBe('negative');
  });

  it('detects three negative messages in a row', () => {
    expect(hasNegativeStreak(['negative', 'negative', 'negative'])).toBe(true);
    expect(hasNegativeStreak(['negative', 'neutral', 'negative', 'negative'])).toBe(false);
    expect(hasNegativeStreak(['negative', 'negative'])).toBe(false);
  });
});
