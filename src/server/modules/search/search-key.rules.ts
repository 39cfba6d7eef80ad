/**
 * Search keys (pure): what is stored beside a contact or a message so that a search box finds it by script and
 * by reading, and how a query becomes the patterns matched against those keys. Keys are computed when a row is
 * written (the analyzer gives kanji their reading there); a query is only folded, never analysed, so searching
 * needs no dictionary: 山田 finds 山田 in the folded name, やまだ / ヤマダ / ﾔﾏﾀﾞ find the stored reading, and
 * yamada finds the stored romaji (or, converted to kana, the reading).
 *
 * A key is space-separated parts (folded text, reading, romaji, digits); query words never contain a space, so a
 * word cannot match across two parts.
 */
import { isRomaji, toKana, toRomaji } from 'wanakana';
import { readingOf, type Analyzer } from '../automation/reading.rules.ts';
import { compact, foldText, foldVowelLength } from '../automation/text-fold.rules.ts';

/**
 * Kanji variants (異体字) common in Japanese names that NFKC leaves apart, folded to the usual form so that
 * 髙橋 and 高橋, 山﨑 and 山崎 find each other. Deliberately short: only variants that people treat as the same
 * name when they type it.
 */
const KANJI_VARIANTS: Record<string, string> = {
  髙: '高',
  﨑: '崎',
  嵜: '崎',
  邊: '辺',
  邉: '辺',
  齋: '斎',
  齊: '斉',
  濵: '浜',
  濱: '浜',
  澤: '沢',
  德: '徳',
  櫻: '桜',
  廣: '広',
  國: '国',
  眞: '真',
  冨: '富',
  惠: '恵',
  槇: '槙',
  藪: '薮',
  龍: '竜',
};
const VARIANT_PATTERN = new RegExp(`[${Object.keys(KANJI_VARIANTS).join('')}]`, 'gu');
const KANJI = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]/;

/** The folded text of the search: `foldText` (NFKC, case, hiragana, vowel length, no punctuation) plus kanji variants. */
export function foldForSearch(text: string): string {
  return foldText(text).replace(VARIANT_PATTERN, (c) => KANJI_VARIANTS[c] ?? c);
}

/** True when the text has kanji, i.e. needs the analyzer for its reading (kana and romaji are read without it). */
export function hasKanji(text: string): boolean {
  return KANJI.test(text);
}

/** The folded hiragana reading of a folded text (analyzer for kanji; null analyzer = kanji left as they are). */
function readingOfFolded(analyzer: Analyzer | null, folded: string): string {
  if (analyzer) return readingOf(analyzer, folded).text;
  return compact(folded);
}

/** The romaji of the kana in a reading (kanji without a reading stay as they are). */
function romajiOf(reading: string): string {
  return toRomaji(reading).replace(/[^\p{L}\p{N}]/gu, '');
}

/** Romaji read as kana (yamadataro → やまだたろ), or '' when the word is not clean romaji (smith → '' ). */
function kanaOfRomaji(word: string): string {
  if (!/^[a-z]{2,}$/.test(word) || !isRomaji(word)) return '';
  const kana = foldVowelLength(toKana(word));
  return /[a-z]/.test(kana) ? '' : kana;
}

/** The name as typed (NFKC, lower case, no spaces) when folding dropped symbols from it: `%` and `_` stay findable. */
function literalOf(name: string): string {
  const literal = name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return /[\p{P}\p{S}]/u.test(literal) ? literal : '';
}

/**
 * The normalized reading of a name, for duplicate suggestions: the romaji of its reading without spaces
 * (山田 太郎, やまだ たろう, ヤマダタロウ and Yamada Taro all give `yamadataro`). It is one of the parts of the
 * contact's search key. Null for a name without letters.
 */
export function nameReadingKey(analyzer: Analyzer | null, name: string | null): string | null {
  if (!name) return null;
  const folded = foldForSearch(name);
  if (!/\p{L}/u.test(folded)) return null;
  const romaji = romajiOf(readingOfFolded(hasKanji(folded) ? analyzer : null, folded));
  return romaji.length >= 2 ? romaji : null;
}

/** What a contact's key is made of. */
export interface ContactKeyInput {
  name: string | null;
  profileName: string | null;
  waId: string;
}

/**
 * The search key of a contact: for its name and its WhatsApp profile name, the folded text without spaces,
 * the reading in hiragana and in romaji, a romaji name read as kana, the name as typed when folding dropped
 * symbols from it; then the wa_id's digits. Parts are deduplicated, in a stable order.
 * `analyzer` is needed only when a name has kanji (see `hasKanji`).
 */
export function contactSearchKey(analyzer: Analyzer | null, input: ContactKeyInput): string {
  const parts: string[] = [];
  for (const name of [input.name, input.profileName]) {
    if (!name) continue;
    const folded = foldForSearch(name);
    if (!folded) continue;
    const reading = readingOfFolded(hasKanji(folded) ? analyzer : null, folded);
    parts.push(compact(folded), reading, romajiOf(reading), kanaOfRomaji(compact(folded)), literalOf(name));
  }
  parts.push(input.waId.replace(/\D/g, ''));
  return unique(parts).join(' ');
}

/**
 * The search text of a message: its folded text (spaces kept between words) and, when it has kanji, its
 * folded reading (返品について → へんぴんについて). No text → '' (nothing to find, and nothing left to backfill).
 * The reading is read phrase by phrase — the space-separated pieces folding leaves where punctuation and spaces
 * were, which morphological analysis does not read across — through `read` (by default the analyzer; the
 * service passes a cached one, since customers repeat the same phrases and analysis is the costly step).
 */
export function messageSearchText(
  analyzer: Analyzer | null,
  text: string | null,
  read: (phrase: string) => string = (phrase) => (analyzer ? readingOf(analyzer, phrase).text : phrase),
): string {
  if (!text) return '';
  const folded = foldForSearch(text);
  if (!folded) return '';
  const parts = [folded];
  if (analyzer && hasKanji(folded)) parts.push(readingPhrases(folded).map(read).join(''));
  return unique(parts).join(' ');
}

/**
 * A folded text cut into phrases where punctuation and spaces were, read one by one — but never next to a kanji:
 * a kanji's reading depends on its neighbours (様 after a name is さま, alone よ; 2 分 is ぶん), so a piece that
 * ends or starts with one stays joined to the piece beside it.
 */
export function readingPhrases(folded: string): string[] {
  const pieces = folded.split(' ');
  const phrases: string[] = [];
  let current = pieces[0] ?? '';
  for (const piece of pieces.slice(1)) {
    if (hasKanji(current.slice(-1)) || hasKanji(piece.slice(0, 1))) current += ` ${piece}`;
    else {
      phrases.push(current);
      current = piece;
    }
  }
  phrases.push(current);
  return phrases;
}

/**
 * How much of a message is searchable: WhatsApp's own limit for a text body (4,096 characters). A longer body (a
 * hostile or malformed webhook can carry 200 kB) is stored whole but indexed by its start only, so one message
 * never costs seconds of tokenizing and hundreds of thousands of index entries.
 */
export const SEARCHABLE_MESSAGE_CHARS = 4096;

/** The searchable text of a message's content: a text body or a media caption (what the inbox shows). */
export function messageTextOf(type: string, content: Record<string, unknown>): string | null {
  const text = (content.text as { body?: unknown } | undefined)?.body;
  const caption = (content[type] as { caption?: unknown } | undefined)?.caption;
  const found = typeof text === 'string' ? text : typeof caption === 'string' ? caption : null;
  return found === null
    ? null
    : [...found.slice(0, SEARCHABLE_MESSAGE_CHARS * 2)].slice(0, SEARCHABLE_MESSAGE_CHARS).join('');
}

/** One way a query word may appear in a key: a LIKE pattern and the bigrams the index is asked for first. */
export interface SearchAlternative {
  /** `%word%`, LIKE wildcards escaped. */
  pattern: string;
  /** Distinct two-character substrings of the word (empty for a one-character word: no index help). */
  grams: string[];
  /** The same bigrams as integer codes (`bigramCodes`), for the message index. */
  codes: number[];
}

/** A parsed query: every word must match (AND), each through any of its alternatives (OR). */
export interface SearchQuery {
  words: SearchAlternative[][];
}

/** At most this many words of a query are used (a pasted paragraph would otherwise make a huge statement). */
export const MAX_QUERY_WORDS = 8;

/**
 * Parses a search box query, or null for an empty query (list everything). A query that looks like a phone
 * number (digits with `+`, spaces, dashes, dots or brackets, in any width) is one word of digits, also without
 * its trunk zeros (090-1234-5678 → 9012345678, found inside the wa_id 819012345678). Otherwise the folded
 * query's words must all match; a romaji word also matches as kana (tarou → たろ, vowel length folded).
 */
export function parseSearchQuery(q: string | undefined): SearchQuery | null {
  const trimmed = (q ?? '').normalize('NFKC').trim();
  if (trimmed === '') return null;
  if (/^[+\d\s().\-‐‑–—−]+$/.test(trimmed)) {
    const digits = trimmed.replace(/\D/g, '');
    const national = digits.replace(/^0+/, '');
    if (digits.length >= 3) {
      const forms = national !== digits && national.length >= 3 ? [digits, national] : [digits];
      return { words: [forms.map(alternative)] };
    }
  }
  const words = foldForSearch(trimmed).split(' ').filter(Boolean).slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return { words: [[alternative(compact(trimmed.toLowerCase()))]] };
  return {
    words: words.map((word) => {
      return unique([word, kanaOfRomaji(word)]).map(alternative);
    }),
  };
}

/** A query for keys holding any of the given words (one word, several alternatives). */
export function anyOfQuery(words: readonly string[]): SearchQuery {
  return { words: [unique([...words]).map(alternative)] };
}

/** Whether a stored key has `part` as one of its space-separated parts (not merely inside one). */
export function keyHasPart(key: string | null, part: string): boolean {
  return key !== null && key.split(' ').includes(part);
}

/** Escapes LIKE wildcards so a user's `%`, `_` or `\` match literally (PostgreSQL's default escape is `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * Distinct two-character substrings (by code point, as PostgreSQL's `substr` counts) of a text: the same
 * function as the SQL `tsunagi_bigrams` that the search indexes are built on.
 */
export function bigrams(text: string): string[] {
  const chars = Array.from(text);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add((chars[i] as string) + (chars[i + 1] as string));
  return [...out];
}

/**
 * Distinct bigram codes of a text: each pair of neighbouring code points (each modulo 65,536) as one signed 32-bit
 * integer — the same function as the SQL `tsunagi_bigram_codes` (migration 20261208100000). The message search
 * index holds these rather than text bigrams: integer keys cost the database a third as much to index.
 */
export function bigramCodes(text: string): number[] {
  const out = new Set<number>();
  let prev = -1;
  for (const ch of text) {
    const code = (ch.codePointAt(0) as number) & 0xffff;
    if (prev >= 0) out.add((prev << 16) | code | 0);
    prev = code;
  }
  return [...out];
}

function alternative(word: string): SearchAlternative {
  return { pattern: `%${escapeLike(word)}%`, grams: bigrams(word), codes: bigramCodes(word) };
}

function unique(parts: string[]): string[] {
  return [...new Set(parts.filter((p) => p.length > 0))];
}
