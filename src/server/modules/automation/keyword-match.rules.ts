/**
 * Keyword matching (pure). A keyword is compiled once (folded surface, Latin words, folded reading, typo budget)
 * and compared with an analysed message on up to two channels:
 *
 * - surface: the folded text (NFKC, case, kana, vowel length). Latin keywords match whole words (with English
 *   inflections: refund → refunds, refunded); Japanese keywords match as substrings (Japanese has no spaces).
 * - reading: the folded hiragana reading from the analyzer, so 返品 ≡ へんぴん ≡ ヘンピン ≡ henpin and a kanji
 *   typo that is a homophone (変品) still matches. Reading matches must start on a token boundary of the
 *   message, and readings shorter than 3 kana are not matched on this channel (きん would hit りょうきん).
 *
 * Modes: `exact` compares the whole message; `contains` looks for the keyword; `fuzzy` is `contains` plus a
 * bounded edit distance (see {@link maxEdits}); `regex` is handled in regex.rules.ts.
 */
import { approximateSearch, boundedDistance } from './edit-distance.rules.ts';
import type { MatchMode } from '../../../contracts/automation-rules.schemas.ts';
import { readingOf, startsWithSplitInterjection, type Analyzer, type Reading } from './reading.rules.ts';
import { compact, foldText, hasJapanese, latinWords, stripVoicing } from './text-fold.rules.ts';

/** A keyword ready for matching. */
export interface CompiledKeyword {
  raw: string;
  mode: Exclude<MatchMode, 'regex'>;
  japanese: boolean;
  /** Folded surface without spaces (both scripts). */
  surface: string;
  /** Latin words of a Latin keyword; empty for Japanese keywords. */
  words: string[];
  /** Folded reading of a Japanese keyword when an analyzer was available; null otherwise. */
  reading: string | null;
  /** Number of analyzer tokens in the keyword's reading (0 without reading). */
  readingTokens: number;
  /** What fuzzy matching compares: the reading (else the surface), without voicing marks if 4+ kana long. */
  fuzzyPattern: string;
  /** Edits tolerated in fuzzy mode (on the reading for Japanese keywords, on the letters for Latin ones). */
  edits: number;
}

/** A message prepared once for all keywords of a rule set. */
export interface AnalyzedMessage {
  folded: string;
  compact: string;
  words: string[];
  reading: Reading | null;
  /** `reading.text` and `compact` without voicing marks, for fuzzy matching of long readings. */
  voicelessReading: string;
  voicelessCompact: string;
}

/** Which channel matched and where, so guards can look at what follows or precedes the keyword. */
export interface KeywordHit {
  channel: 'surface' | 'reading' | 'words';
  distance: number;
  score: number;
  /** For `words`: word indices; otherwise offsets in the channel's string. */
  start: number;
  end: number;
}

/** Shortest reading matched on the reading channel (shorter readings are too ambiguous: きん, かい). */
export const MIN_READING_LENGTH = 3;

/** Shortest reading (in kana) for which fuzzy matching ignores voicing marks. */
export const MIN_VOICELESS_LENGTH = 4;

/**
 * The typo budget of a keyword, by its length in the compared alphabet. Latin: 0 edits up to 3 letters, 1 for
 * 4–7, 2 from 8. Kana readings: 0 up to 4 kana, 1 for 5–8, 2 from 9 — one step stricter because one kana
 * carries about two letters of information, and a one-kana change to a short word is usually another word
 * (りょきん 料金 / りょかん 旅館); the common Japanese typo, a wrong kanji with the right sound, costs 0 edits on
 * the reading channel anyway.
 */
export function maxEdits(length: number, alphabet: 'latin' | 'kana'): number {
  if (alphabet === 'latin') return length <= 3 ? 0 : length <= 7 ? 1 : 2;
  return length <= 4 ? 0 : length <= 8 ? 1 : 2;
}

/** Compiles a keyword; `analyzer` is required for the reading channel of Japanese keywords. */
export function compileKeyword(
  raw: string,
  mode: CompiledKeyword['mode'],
  analyzer: Analyzer | null,
): CompiledKeyword {
  const folded = foldText(raw);
  const japanese = hasJapanese(folded);
  const analysed = japanese && analyzer ? readingOf(analyzer, raw) : null;
  const reading = analysed ? analysed.text : null;
  const surface = compact(folded);
  const edits =
    mode !== 'fuzzy'
      ? 0
      : japanese
        ? maxEdits((reading ?? surface).length, 'kana')
        : maxEdits(surface.length, 'latin');
  const readingTokens = analysed ? analysed.boundaries.length - 1 : 0;
  const base = reading ?? surface;
  const fuzzyPattern = base.length >= MIN_VOICELESS_LENGTH ? stripVoicing(base) : base;
  const words = japanese ? [] : latinWords(folded);
  return { raw, mode, japanese, surface, words, reading, readingTokens, fuzzyPattern, edits };
}

/** Prepares a message: folded forms always, the reading only when an analyzer is given. */
export function analyzeMessage(text: string, analyzer: Analyzer | null): AnalyzedMessage {
  const folded = foldText(text);
  const flat = compact(folded);
  const reading = analyzer ? readingOf(analyzer, text) : null;
  return {
    folded,
    compact: flat,
    words: latinWords(folded),
    reading,
    voicelessReading: reading ? stripVoicing(reading.text) : '',
    voicelessCompact: stripVoicing(flat),
  };
}

/** Compares one keyword with a message; null when it does not match. */
export function matchKeyword(kw: CompiledKeyword, msg: AnalyzedMessage): KeywordHit | null {
  if (kw.surface.length === 0) return null;
  if (kw.mode === 'exact') return matchExact(kw, msg);
  const exactish = kw.japanese ? containsJapanese(kw, msg) : containsWords(kw.words, msg.words);
  if (exactish || kw.mode === 'contains') return exactish;
  return kw.japanese ? fuzzyJapanese(kw, msg) : fuzzyWords(kw, msg.words);
}

function matchExact(kw: CompiledKeyword, msg: AnalyzedMessage): KeywordHit | null {
  if (msg.compact === kw.surface)
    return { channel: 'surface', distance: 0, score: 1, start: 0, end: msg.compact.length };
  if (kw.reading && msg.reading && msg.reading.text === kw.reading) {
    return { channel: 'reading', distance: 0, score: 0.98, start: 0, end: kw.reading.length };
  }
  return null;
}

function containsJapanese(kw: CompiledKeyword, msg: AnalyzedMessage): KeywordHit | null {
  const at = msg.compact.indexOf(kw.surface);
  if (at >= 0)
    return { channel: 'surface', distance: 0, score: 0.95, start: at, end: at + kw.surface.length };
  const reading = msg.reading;
  if (!kw.reading || !reading || kw.reading.length < MIN_READING_LENGTH) return null;
  for (
    let from = reading.text.indexOf(kw.reading);
    from >= 0;
    from = reading.text.indexOf(kw.reading, from + 1)
  ) {
    const end = from + kw.reading.length;
    if (
      reading.boundaries.includes(from) &&
      !startsWithSplitInterjection(reading, from, end, kw.readingTokens)
    ) {
      return { channel: 'reading', distance: 0, score: 0.9, start: from, end };
    }
  }
  return null;
}

function fuzzyJapanese(kw: CompiledKeyword, msg: AnalyzedMessage): KeywordHit | null {
  const onReading = kw.reading !== null && msg.reading !== null;
  const pattern = onReading ? (kw.reading as string) : kw.surface;
  if (onReading && pattern.length < MIN_READING_LENGTH) return null;
  // Fuzzy readings of 4+ kana ignore voicing marks (へんぴん ≈ へんひん ≈ 変品): a missed or extra dakuten is the
  // commonest kana typo and costs no edit. Shorter readings keep them (ざいこ 在庫 ≠ さいこ 最高). The stripped
  // strings keep their length, so offsets still line up with token boundaries.
  const voiceless = pattern.length >= MIN_VOICELESS_LENGTH;
  const text = onReading
    ? voiceless
      ? msg.voicelessReading
      : (msg.reading as Reading).text
    : voiceless
      ? msg.voicelessCompact
      : msg.compact;
  const hit = approximateSearch(kw.fuzzyPattern, text, kw.edits);
  if (!hit) return null;
  if (onReading) {
    const slack = kw.edits - hit.distance;
    const aligned = (msg.reading as Reading).boundaries.some((b) => Math.abs(b - hit.start) <= slack);
    if (!aligned || startsWithSplitInterjection(msg.reading as Reading, hit.start, hit.end, kw.readingTokens))
      return null;
  }
  return {
    channel: onReading ? 'reading' : 'surface',
    distance: hit.distance,
    score: fuzzyScore(hit.distance, pattern.length),
    start: hit.start,
    end: hit.end,
  };
}

const INFLECTIONS = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers'];

/** Whether a message word is the keyword word or an English inflection of it (refund → refunded). */
function wordMatches(kwWord: string, word: string): boolean {
  if (word === kwWord) return true;
  if (kwWord.length < 3 || !word.startsWith(kwWord)) return false;
  return INFLECTIONS.includes(word.slice(kwWord.length));
}

function containsWords(kwWords: string[], words: string[]): KeywordHit | null {
  const n = kwWords.length;
  if (n === 0) return null;
  outer: for (let i = 0; i + n <= words.length; i++) {
    for (let k = 0; k < n; k++)
      if (!wordMatches(kwWords[k] as string, words[i + k] as string)) continue outer;
    return { channel: 'words', distance: 0, score: 0.95, start: i, end: i + n };
  }
  return null;
}

/** Fuzzy Latin: windows of the keyword's word count (spaced), and one word more or less (joined without spaces). */
function fuzzyWords(kw: CompiledKeyword, words: string[]): KeywordHit | null {
  if (kw.edits === 0) return null;
  const n = kw.words.length;
  const spaced = kw.words.join(' ');
  let best: KeywordHit | null = null;
  for (const size of [n, n + 1, n - 1]) {
    if (size < 1) continue;
    for (let i = 0; i + size <= words.length; i++) {
      // Typos rarely hit the first letter, and requiring it keeps price ≠ rice, hours ≠ ours.
      if ((words[i] as string)[0] !== kw.surface[0]) continue;
      const window = words.slice(i, i + size);
      const candidate = size === n ? window.join(' ') : window.join('');
      const target = size === n ? spaced : kw.surface;
      const d = boundedDistance(candidate, target, kw.edits);
      if (d <= kw.edits && (best === null || d < best.distance)) {
        best = {
          channel: 'words',
          distance: d,
          score: fuzzyScore(d, target.length),
          start: i,
          end: i + size,
        };
      }
    }
  }
  return best;
}

/** Fuzzy hits score below every exact hit and fall with the share of the keyword that had to be edited. */
function fuzzyScore(distance: number, length: number): number {
  return distance === 0 ? 0.9 : 0.85 * (1 - distance / (length + 1));
}
