import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONSENT_SETTINGS as D,
  confirmationFor,
  consentInputOf,
  foldKeyword,
  matchConsentKeyword,
} from './consent-keywords.rules.ts';

describe('consent keywords', () => {
  it('matches the default opt-out keywords exactly, after width and case folding and trimming', () => {
    for (const text of [
      'STOP',
      'stop',
      'Stop',
      'stop ',
      '  STOP\n',
      'ＳＴＯＰ',
      'ｓｔｏｐ',
      '停止',
      '配信停止',
      ' 配信停止　',
      'UNSUBSCRIBE',
    ])
      expect(matchConsentKeyword(D, text), text).toMatchObject({ kind: 'opt_out' });
  });

  it('matches the opt-in keywords', () => {
    expect(matchConsentKeyword(D, '配信再開')).toEqual({ kind: 'opt_in', keyword: '配信再開' });
    expect(matchConsentKeyword(D, 'ｓｔａｒｔ')).toEqual({ kind: 'opt_in', keyword: 'START' });
  });

  it('does not match a keyword inside a sentence, or a near miss', () => {
    for (const text of [
      'please stop spamming',
      'stop!',
      'STOPP',
      '配信停止して',
      '停止？',
      'st op',
      '',
      '   ',
    ])
      expect(matchConsentKeyword(D, text), text).toBeNull();
  });

  it('uses the workspace keywords and checks opt-out first', () => {
    const s = { ...D, optOutKeywords: ['やめて'], optInKeywords: ['やめて', 'はじめて'] };
    expect(matchConsentKeyword(s, 'やめて')?.kind).toBe('opt_out');
    expect(matchConsentKeyword(s, 'STOP')).toBeNull();
    // Half-width katakana folds to full width (NFKC).
    const k = { ...D, optOutKeywords: ['ストップ'] };
    expect(matchConsentKeyword(k, 'ｽﾄｯﾌﾟ')?.kind).toBe('opt_out');
  });

  it('folds whitespace runs inside a multi-word keyword', () => {
    expect(foldKeyword('  Opt\u3000 Out ')).toBe('opt out');
  });

  it('answers in Japanese when the customer wrote Japanese, else in the default language', () => {
    expect(confirmationFor(D, { kind: 'opt_out', keyword: '配信停止' }, '配信停止')).toBe(
      D.confirmations.ja!.optOut,
    );
    expect(confirmationFor(D, { kind: 'opt_in', keyword: 'START' }, 'start')).toBe(D.confirmations.en!.optIn);
  });

  it('reads the text of text messages and reply buttons only', () => {
    expect(consentInputOf('text', { type: 'text', text: { body: 'STOP' } })).toEqual({
      text: 'STOP',
      source: 'keyword',
    });
    expect(consentInputOf('button', { button: { text: '配信停止', payload: 'x' } })).toEqual({
      text: '配信停止',
      source: 'button',
    });
    expect(
      consentInputOf('interactive', {
        interactive: { type: 'button_reply', button_reply: { id: 'b', title: 'STOP' } },
      }),
    ).toEqual({ text: 'STOP', source: 'button' });
    expect(consentInputOf('image', { image: { caption: 'STOP' } })).toBeNull();
    expect(consentInputOf('text', { text: {} })).toBeNull();
  });
});
