/**
 * What customers ask (pure): the words and phrases of customer messages, counted once per message, and the topics
 * rising against the previous period. Japanese is cut by the morphological analyzer (kuromoji, the one automation
 * and search use): nouns and independent verbs in their dictionary form, so 返品したい and 返品します both give
 * 返品 (and する, a stop word). Latin text is split into words. Every term is folded like automation keywords
 * (NFKC, lower case, katakana → hiragana, vowel length), so ﾍﾝﾋﾟﾝ, ヘンピン and へんぴん are one term.
 * Definitions: docs/metrics.md § Topics.
 */
import { foldText, hasJapanese } from '../automation/text-fold.rules.ts';
import type { Analyzer, AnalyzerToken } from '../automation/reading.rules.ts';

/** Japanese words that say nothing about a topic (verbs of being and doing, formal nouns, greetings). */
export const JA_STOP_WORDS: ReadonlySet<string> = new Set(
  [
    'する',
    'ある',
    'いる',
    'なる',
    'できる',
    'れる',
    'られる',
    'せる',
    'させる',
    'おる',
    'くる',
    'いく',
    'いう',
    'やる',
    'もらう',
    'くれる',
    'くださる',
    'いただく',
    'いただける',
    'ござる',
    'みる',
    'しまう',
    'おく',
    'ください',
    'こと',
    'もの',
    'ため',
    'よう',
    'そう',
    'はず',
    'ところ',
    'とき',
    'の',
    'ん',
    'さん',
    'さま',
    '様',
    'ありがとう',
    'ござい',
    'こんにちは',
    'こんばんは',
    'おはよう',
    'すみません',
    'お願い',
    'よろしく',
    '今日',
    '明日',
    '昨日',
    '今',
    'これ',
    'それ',
    'あれ',
    'どれ',
    'ここ',
    'そこ',
    '何',
    'なに',
    'いつ',
    'どこ',
  ].map(foldText),
);

/** English words that say nothing about a topic. */
export const EN_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again all am an and any are as at be because been before being below between both but by
  can could did do does doing don dont down during each few for from further had has have having he her here hers
  him his how i if in into is it its itself just let me more most my no nor not now of off on once only or other
  our ours out over own please same she should so some such than thank thanks that the their theirs them then
  there these they this those through to too under until up very was we were what when where which while who whom
  why will with would you your yours hi hello hey ok okay yes im ive id want need get got would like can cant`
    .split(/\s+/)
    .filter(Boolean),
);

/** Nouns of these subdivisions are grammar, not topics (の, 私, 3, さん, 今日 as an adverb…). */
const NOUN_SKIP = new Set(['非自立', '代名詞', '数', '接尾', '副詞可能', '特殊']);

/** The content terms of a text, in order, each with how it was written (its dictionary form before folding). */
export interface Term {
  term: string;
  label: string;
  /** Index of the sentence (split at punctuation) the term is in: phrases never cross a sentence. */
  sentence: number;
}

/** Noun subdivisions that may continue a compound but not start one (料 of 配送料, 時間 of 営業時間). */
const COMPOUND_TAIL = new Set(['接尾', '副詞可能', '数']);

const SENTENCE_END = /^[\s\p{P}\p{S}]+$/u;

function keepToken(t: AnalyzerToken): boolean {
  if (t.pos === '名詞') return !NOUN_SKIP.has(t.posDetail ?? '');
  if (t.pos === '動詞') return t.posDetail === '自立';
  return false;
}

function englishTerms(text: string, sentence: number): Term[] {
  const out: Term[] = [];
  for (const word of text.normalize('NFKC').match(/[\p{L}\p{N}'’]+/gu) ?? []) {
    const folded = foldText(word);
    if (folded.length < 2 || /^\d+$/.test(folded) || EN_STOP_WORDS.has(folded)) continue;
    out.push({ term: folded, label: word.toLowerCase(), sentence });
  }
  return out;
}

/**
 * The content terms of one message. Japanese text (any kana or kanji) needs the analyzer; without one (a sample
 * with no Japanese at all) every word is read as a Latin word.
 */
export function termsOf(analyzer: Analyzer | null, text: string): Term[] {
  const nfkc = text.normalize('NFKC');
  if (!analyzer || !hasJapanese(nfkc)) {
    return nfkc.split(/[.!?。！？\n]+/).flatMap((s, i) => englishTerms(s, i));
  }
  const out: Term[] = [];
  let sentence = 0;
  // Consecutive nouns make one compound (配送 + 料 → 配送料, 営業 + 時間 → 営業時間, ヘン + ピン → ヘンピン).
  let compound: string[] = [];
  const flush = () => {
    if (compound.length > 0) push(compound.join(''));
    compound = [];
  };
  const push = (label: string) => {
    const term = foldText(label);
    if (!term || JA_STOP_WORDS.has(term)) return;
    // A lone kana is a fragment (an unknown-word split), not a word.
    if ([...term].length < 2 && !/[\u3400-\u9fff]/.test(term)) return;
    out.push({ term, label, sentence });
  };
  for (const t of analyzer.tokenize(nfkc)) {
    if (SENTENCE_END.test(t.surface)) {
      flush();
      sentence++;
      continue;
    }
    if (!hasJapanese(t.surface)) {
      flush();
      out.push(...englishTerms(t.surface, sentence));
      continue;
    }
    const noun = t.pos === '名詞' && !JA_STOP_WORDS.has(foldText(t.surface));
    if (noun && (keepToken(t) || (compound.length > 0 && COMPOUND_TAIL.has(t.posDetail ?? '')))) {
      compound.push(t.surface);
      continue;
    }
    flush();
    if (t.pos === '動詞' && keepToken(t)) push(t.basicForm ?? t.surface);
  }
  flush();
  return out;
}

/** Per term: messages containing it, and its most frequent written form. */
export interface TermCount {
  term: string;
  label: string;
  messages: number;
}

class Counter {
  private readonly counts = new Map<string, { messages: number; labels: Map<string, number> }>();

  add(term: string, label: string): void {
    let c = this.counts.get(term);
    if (!c) {
      c = { messages: 0, labels: new Map() };
      this.counts.set(term, c);
    }
    c.messages++;
    c.labels.set(label, (c.labels.get(label) ?? 0) + 1);
  }

  result(): Map<string, TermCount> {
    const out = new Map<string, TermCount>();
    for (const [term, c] of this.counts) {
      const label = [...c.labels].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? term;
      out.set(term, { term, label, messages: c.messages });
    }
    return out;
  }
}

function joinPhrase(a: string, b: string): string {
  return hasJapanese(a) && hasJapanese(b) ? `${a}${b}` : `${a} ${b}`;
}

/**
 * Words and phrases (two consecutive terms of the same sentence) over messages (the terms of each, from
 * {@link termsOf}), each counted once per message that contains it, however often the message repeats it.
 */
export function countTerms(messages: ReadonlyArray<readonly Term[]>): {
  words: Map<string, TermCount>;
  phrases: Map<string, TermCount>;
} {
  const words = new Counter();
  const phrases = new Counter();
  for (const terms of messages) {
    const seenWords = new Set<string>();
    const seenPhrases = new Set<string>();
    terms.forEach((t, i) => {
      if (!seenWords.has(t.term)) {
        seenWords.add(t.term);
        words.add(t.term, t.label);
      }
      const next = terms[i + 1];
      if (!next || next.sentence !== t.sentence || next.term === t.term) return;
      const key = joinPhrase(t.term, next.term);
      if (seenPhrases.has(key)) return;
      seenPhrases.add(key);
      phrases.add(key, joinPhrase(t.label, next.label));
    });
  }
  return { words: words.result(), phrases: phrases.result() };
}

/** A term with its share of the sampled messages. */
export interface RankedTerm extends TermCount {
  share: number;
}

const byCount = (a: TermCount, b: TermCount) =>
  b.messages - a.messages || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0);

/** The `limit` terms found in the most messages (ties: by term), with their share of `sampled` messages. */
export function topTerms(
  counts: ReadonlyMap<string, TermCount>,
  sampled: number,
  limit: number,
  minMessages = 1,
): RankedTerm[] {
  return [...counts.values()]
    .filter((c) => c.messages >= minMessages)
    .sort(byCount)
    .slice(0, limit)
    .map((c) => ({ ...c, share: sampled === 0 ? 0 : c.messages / sampled }));
}

/** A term whose share of messages grew against the previous period. */
export interface RisingTerm extends RankedTerm {
  previousMessages: number;
  previousShare: number;
  change: number;
}

/** A term must be in at least this many messages of the range to be called rising. */
export const MIN_RISING_MESSAGES = 2;

/**
 * Terms whose share of messages grew: in at least {@link MIN_RISING_MESSAGES} messages of the range, and a share
 * of the range's sampled messages above their share of the previous period's (0 when the previous period had no
 * messages or never used the term). Largest growth first (then more messages, then by term).
 */
export function risingTerms(
  current: ReadonlyMap<string, TermCount>,
  currentSampled: number,
  previous: ReadonlyMap<string, TermCount>,
  previousSampled: number,
  limit: number,
): RisingTerm[] {
  if (currentSampled === 0) return [];
  const out: RisingTerm[] = [];
  for (const c of current.values()) {
    if (c.messages < MIN_RISING_MESSAGES) continue;
    const share = c.messages / currentSampled;
    const previousMessages = previous.get(c.term)?.messages ?? 0;
    const previousShare = previousSampled === 0 ? 0 : previousMessages / previousSampled;
    if (share <= previousShare) continue;
    out.push({ ...c, share, previousMessages, previousShare, change: share - previousShare });
  }
  return out.sort((a, b) => b.change - a.change || byCount(a, b)).slice(0, limit);
}
