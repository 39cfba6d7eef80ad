/**
 * Readings (how a text sounds, in folded hiragana) for matching kanji keywords against kana input and the other
 * way round: 返品, へんぴん, ヘンピン and henpin all read へんぴん. The analyzer is injected (kuromoji in
 * production, see japanese-analyzer.service.ts) so these rules stay pure and synchronous.
 */
import { isRomaji, toKana } from 'wanakana';
import { foldText, foldVowelLength } from './text-fold.rules.ts';

/** One morpheme as the analyzer sees it. `reading` is katakana; absent for unknown words, Latin and digits. */
export interface AnalyzerToken {
  surface: string;
  reading: string | undefined;
  /** Part of speech is an interjection (はい, ええ, あっ): see {@link startsWithSplitInterjection}. */
  interjection: boolean;
  /** Part of speech (IPADIC: 名詞, 動詞, 助詞, …) and its first subdivision (自立, 非自立, 数, …), when known. */
  pos?: string;
  posDetail?: string;
  /** Dictionary (base) form of an inflected word (したい → する), when known. */
  basicForm?: string;
}

/** A synchronous morphological analyzer. */
export interface Analyzer {
  tokenize(text: string): AnalyzerToken[];
}

/** A text's folded reading, with the offsets (in the reading) where the analyzer's tokens start. */
export interface Reading {
  /** Folded hiragana reading with spaces, punctuation and symbols removed. */
  text: string;
  /** Sorted start offsets of tokens in `text`, plus `text.length`. */
  boundaries: number[];
  /** Per token (same index as `boundaries`): whether it is an interjection. */
  interjection: boolean[];
}

const ROMAJI_WORD = /^[a-z]+$/;

/**
 * The reading of one token: its dictionary reading, else its surface; a Latin word that is well-formed romaji
 * (henpin, kyanseru) is read as kana so that romaji input reaches Japanese keywords. Words that do not convert
 * cleanly (refund → れふんd) keep their letters and so cannot collide with a kana reading.
 */
function tokenReading(token: AnalyzerToken): string {
  if (token.reading) return foldText(token.reading).replace(/ /g, '');
  const folded = foldText(token.surface).replace(/ /g, '');
  if (ROMAJI_WORD.test(folded) && folded.length >= 3 && isRomaji(folded)) {
    const kana = toKana(folded);
    if (!/[a-z]/.test(kana)) return foldVowelLength(kana);
  }
  return folded;
}

/** The folded reading of a text with its token boundaries (and, for keywords, how many tokens it has). */
export function readingOf(analyzer: Analyzer, text: string): Reading {
  const tokens = analyzer.tokenize(text.normalize('NFKC'));
  let out = '';
  const boundaries: number[] = [];
  const interjection: boolean[] = [];
  for (const token of tokens) {
    const piece = tokenReading(token);
    if (!piece) continue;
    boundaries.push(out.length);
    interjection.push(token.interjection);
    out += piece;
  }
  boundaries.push(out.length);
  return { text: out, boundaries, interjection };
}

/**
 * Whether a reading match begins with an interjection that the analyzer split off and spans more words than the
 * keyword has: はい|そう|です reads like 配送 (はいそう), but a customer who starts with はい is answering, not
 * spelling 配送 in kana. The analyzer's segmentation of kana-only text is otherwise too unreliable to use
 * (よやく → よ|やく, へんぴん → へん|ぴん), so the only boundary rule beyond this is that a match starts on some
 * token boundary.
 */
export function startsWithSplitInterjection(
  reading: Reading,
  start: number,
  end: number,
  keywordTokens: number,
): boolean {
  const first = reading.boundaries.indexOf(start);
  if (first < 0 || !reading.interjection[first]) return false;
  let count = 0;
  for (let i = first; i + 1 < reading.boundaries.length && (reading.boundaries[i] as number) < end; i++)
    count++;
  return count > keywordTokens;
}
