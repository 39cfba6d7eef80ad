/**
 * Consent keywords (pure): whether a customer message is exactly an opt-out or opt-in keyword, and which
 * confirmation answers it. "Exactly" means after folding both sides the same way — Unicode NFKC (full-width
 * ＳＴＯＰ is STOP, half-width katakana is katakana), lower case, trimmed, inner whitespace runs as one space — so
 * "stop " and ＳＴＯＰ match STOP while "please stop spamming" does not: a keyword inside a sentence is a
 * conversation, not a request.
 */
import type { ConsentSettings } from '../../../contracts/consent.schemas.ts';
import type { ConsentSource } from '../../db/types.ts';

/** The settings of a workspace that never saved its own: STOP/停止/配信停止/unsubscribe, START/配信再開, ja/en. */
export const DEFAULT_CONSENT_SETTINGS: ConsentSettings = {
  optOutKeywords: ['STOP', '停止', '配信停止', 'unsubscribe'],
  optInKeywords: ['START', '配信再開'],
  confirmations: {
    ja: {
      optOut:
        '配信停止を受け付けました。今後、このアカウントからのお知らせ（マーケティングメッセージ）はお送りしません。再開するには「配信再開」と送信してください。',
      optIn:
        '配信再開を受け付けました。お知らせの配信を再開します。停止するには「配信停止」と送信してください。',
    },
    en: {
      optOut:
        'You have been unsubscribed: you will no longer receive marketing messages from us. Reply START to subscribe again.',
      optIn: 'You are subscribed again to our marketing messages. Reply STOP to unsubscribe.',
    },
  },
  defaultLanguage: 'en',
};

/** The comparison key of a keyword or a message text: NFKC, lower case, trimmed, whitespace runs as one space. */
export function foldKeyword(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim().replace(/\s+/gu, ' ');
}

/** A message that is a consent keyword: which way, and the configured keyword it matched. */
export interface KeywordMatch {
  kind: 'opt_out' | 'opt_in';
  keyword: string;
}

/** The keyword `text` is exactly (opt-out checked first: when in doubt, stop), or null. */
export function matchConsentKeyword(settings: ConsentSettings, text: string): KeywordMatch | null {
  const key = foldKeyword(text);
  if (key === '') return null;
  const out = settings.optOutKeywords.find((k) => foldKeyword(k) === key);
  if (out !== undefined) return { kind: 'opt_out', keyword: out };
  const into = settings.optInKeywords.find((k) => foldKeyword(k) === key);
  return into !== undefined ? { kind: 'opt_in', keyword: into } : null;
}

const JAPANESE = /[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]/u;

/**
 * The confirmation answering a keyword: Japanese when the customer wrote Japanese (kana or kanji) and a `ja`
 * text exists, else the default language's.
 */
export function confirmationFor(settings: ConsentSettings, match: KeywordMatch, text: string): string {
  const lang = JAPANESE.test(text) && settings.confirmations.ja ? 'ja' : settings.defaultLanguage;
  const texts = settings.confirmations[lang] ?? Object.values(settings.confirmations)[0];
  if (!texts) return '';
  return match.kind === 'opt_out' ? texts.optOut : texts.optIn;
}

/**
 * The text of a customer message that may carry a keyword, and what kind of source that makes it: a text
 * message (`keyword`), a template quick-reply button or an interactive reply button (`button`, its title). Other
 * types (media, reactions, locations, …) never change consent.
 */
export function consentInputOf(
  type: string,
  content: unknown,
): { text: string; source: Extract<ConsentSource, 'keyword' | 'button'> } | null {
  const c = (content ?? {}) as Record<string, unknown>;
  const obj = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  switch (type) {
    case 'text': {
      const body = str(obj(c.text).body);
      return body === null ? null : { text: body, source: 'keyword' };
    }
    case 'button': {
      const text = str(obj(c.button).text) ?? str(obj(c.button).payload);
      return text === null ? null : { text, source: 'button' };
    }
    case 'interactive': {
      const title = str(obj(obj(c.interactive).button_reply).title);
      return title === null ? null : { text: title, source: 'button' };
    }
    default:
      return null;
  }
}
