import { describe, expect, it } from 'vitest';
import { knownLanguage, messageLanguage, replyLanguage } from './reply-language.rules.ts';

describe('reply language', () => {
  it('reads the language from the script and the words of the message', () => {
    expect(messageLanguage('返品したい')).toBe('ja');
    expect(messageLanguage('I want a refund')).toBe('en');
    expect(messageLanguage('Refund please!')).toBe('en');
    // Numbers, "OK" and romaji say nothing.
    expect(messageLanguage('1')).toBeNull();
    expect(messageLanguage('OK')).toBeNull();
    expect(messageLanguage('henpin shitai')).toBeNull();
  });

  it("falls back to the contact's known language, then the workspace default", () => {
    expect(knownLanguage('en-US')).toBe('en');
    expect(knownLanguage('ja_JP')).toBe('ja');
    expect(knownLanguage(3)).toBeNull();
    expect(replyLanguage('1', { language: 'en' }, 'ja')).toBe('en');
    expect(replyLanguage('1', {}, 'ja')).toBe('ja');
    expect(replyLanguage('I want a refund', { language: 'ja' }, 'ja')).toBe('en');
  });
});
