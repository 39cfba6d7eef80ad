/**
 * The language automatic replies are sent in (pure): the customer's message decides when it can — Japanese
 * script means Japanese; Latin script with common English words means English — else the contact's known
 * language (the `language` attribute, e.g. `en` or `ja-JP`), else the workspace default of the automation
 * document. A bare "1", "OK" or romaji like "henpin" says nothing about the language, so it does not flip it.
 */
import { foldText, hasJapanese, latinWords } from './text-fold.rules.ts';

/** Languages a response can have a variant in. */
export const REPLY_LANGUAGES = ['ja', 'en'] as const;
export type ReplyLanguage = (typeof REPLY_LANGUAGES)[number];

/**
 * Common English words: one of them in a Latin-script message makes it English. Words that are also romaji
 * (a, i, no, to, do, me, de, ka) are left out.
 */
const ENGLISH_WORDS = new Set(
  (
    'my we our you your it is are am was be does did have has can could would will want need like ' +
    'please thanks thank hello hi hey the an of for in on at with about what when where how why which ' +
    'not yes and or but this that there order refund return price cost help open hours ship ' +
    'shipping delivery store shop buy cancel change question agent human operator person someone sorry'
  ).split(' '),
);

/** The language the message itself is written in, or null when it does not say. */
export function messageLanguage(text: string): ReplyLanguage | null {
  if (hasJapanese(text)) return 'ja';
  const words = latinWords(foldText(text)).filter((w) => /[a-z]/.test(w));
  return words.some((w) => ENGLISH_WORDS.has(w)) ? 'en' : null;
}

/** A contact attribute like `en`, `en-US`, `ja_JP` or `Japanese` as a reply language, or null. */
export function knownLanguage(value: unknown): ReplyLanguage | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  if (v.startsWith('ja') || v === '日本語') return 'ja';
  if (v.startsWith('en') || v === '英語') return 'en';
  return null;
}

/** The reply language: the message's, else the contact's, else the workspace default. */
export function replyLanguage(
  text: string,
  contactAttributes: Record<string, unknown> | undefined,
  workspaceDefault: ReplyLanguage,
): ReplyLanguage {
  return messageLanguage(text) ?? knownLanguage(contactAttributes?.language) ?? workspaceDefault;
}
