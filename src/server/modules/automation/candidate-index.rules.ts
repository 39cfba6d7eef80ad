/**
 * A bigram prefilter over keywords (pure), so that a message is compared in full only with the keywords that
 * could match it. By the q-gram lemma, a keyword within k edits of part of the message shares at least
 * (distinct bigrams − 3k) of its distinct bigrams (an
 * edit destroys at most two bigrams, a swap of neighbours three) with the message; keywords for which that bound is ≤ 0 (very short
 * keywords with a typo budget) and rules with a regex trigger are always candidates. One-character keywords
 * (席, 鍵) are indexed by that character. Readings are indexed without voicing marks, like fuzzy matching
 * compares them.
 */
import type { AnalyzedMessage, CompiledKeyword } from './keyword-match.rules.ts';
import { stripVoicing } from './text-fold.rules.ts';

/** Postings of one channel: bigram → entries, where an entry is a keyword's position in the index. */
type Postings = Map<string, number[]>;

/** The index of a rule set's keywords. Entries are keywords numbered rule by rule, in rule order. */
export interface CandidateIndex {
  surface: Postings;
  reading: Postings;
  /** Per entry: grams needed on the surface channel and on the reading channel (Infinity: channel unused). */
  surfaceNeed: Float64Array;
  readingNeed: Float64Array;
  /** Owner (rule index) of each entry, and each rule's first entry. */
  ruleOf: Int32Array;
  firstEntry: Int32Array;
  /** Entries that are candidates for every message (short keywords with a typo budget). */
  alwaysEntries: number[];
  /** Rules that are candidates for every message (those with a regex trigger). */
  alwaysRules: number[];
}

/** What the prefilter lets through for one message. */
export interface Candidates {
  /** Candidate rule indices, ascending (so in priority order). */
  rules: number[];
  /** Per entry: 1 when the keyword may match. */
  keywords: Uint8Array;
}

/** Distinct bigrams of a string; a one-character string is its own gram, so one-kanji keywords are indexed too. */
export function grams(s: string): Set<string> {
  const out = new Set<string>();
  if (s.length === 1) out.add(s);
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}

/** The grams of a message: its bigrams and its single characters (to meet one-character keywords). */
function messageGrams(s: string): Set<string> {
  const out = grams(s);
  for (const c of s) out.add(c);
  return out;
}

/** Builds the index from every rule's compiled keywords (`hasRegex` marks rules with a regex trigger). */
export function buildCandidateIndex(
  rules: { keywords: CompiledKeyword[]; hasRegex: boolean }[],
): CandidateIndex {
  const surface: Postings = new Map();
  const reading: Postings = new Map();
  const surfaceNeed: number[] = [];
  const readingNeed: number[] = [];
  const ruleOf: number[] = [];
  const firstEntry: number[] = [];
  const alwaysEntries: number[] = [];
  const alwaysRules: number[] = [];
  rules.forEach((rule, ruleIndex) => {
    firstEntry.push(ruleOf.length);
    if (rule.hasRegex) alwaysRules.push(ruleIndex);
    for (const kw of rule.keywords) {
      const entry = ruleOf.length;
      ruleOf.push(ruleIndex);
      const s = grams(kw.surface);
      const r = kw.reading ? grams(stripVoicing(kw.reading)) : new Set<string>();
      // Typos are matched on the reading when there is one, so the surface channel then needs every gram.
      const sNeed = s.size - 3 * (kw.reading ? 0 : kw.edits);
      const rNeed = kw.reading ? r.size - 3 * kw.edits : Infinity;
      if (sNeed <= 0 || rNeed <= 0) alwaysEntries.push(entry);
      surfaceNeed.push(sNeed);
      readingNeed.push(rNeed);
      for (const g of s) push(surface, g, entry);
      for (const g of r) push(reading, g, entry);
    }
  });
  return {
    surface,
    reading,
    surfaceNeed: Float64Array.from(surfaceNeed),
    readingNeed: Float64Array.from(readingNeed),
    ruleOf: Int32Array.from(ruleOf),
    firstEntry: Int32Array.from(firstEntry),
    alwaysEntries,
    alwaysRules,
  };
}

function push(postings: Postings, gram: string, entry: number): void {
  const list = postings.get(gram);
  if (list) list.push(entry);
  else postings.set(gram, [entry]);
}

/**
 * The rules and keywords that could match the message. `regexRules` are the rules whose regex triggers matched
 * (the caller runs them as one set); by default every rule with a regex trigger is a candidate.
 */
export function candidates(
  index: CandidateIndex,
  msg: AnalyzedMessage,
  regexRules: Iterable<number> = index.alwaysRules,
): Candidates {
  const keywords = new Uint8Array(index.ruleOf.length);
  const rules = new Set<number>(regexRules);
  for (const entry of index.alwaysEntries) {
    keywords[entry] = 1;
    rules.add(index.ruleOf[entry] as number);
  }
  const hits = new Uint16Array(index.ruleOf.length);
  count(index.surface, messageGrams(msg.compact), index.surfaceNeed, hits, keywords, index.ruleOf, rules);
  if (msg.reading) {
    hits.fill(0);
    count(index.reading, grams(msg.voicelessReading), index.readingNeed, hits, keywords, index.ruleOf, rules);
  }
  return { rules: [...rules].sort((a, b) => a - b), keywords };
}

function count(
  postings: Postings,
  grams: Set<string>,
  need: Float64Array,
  hits: Uint16Array,
  keywords: Uint8Array,
  ruleOf: Int32Array,
  rules: Set<number>,
): void {
  for (const g of grams) {
    const list = postings.get(g);
    if (!list) continue;
    for (const entry of list) {
      const n = (hits[entry] as number) + 1;
      hits[entry] = n;
      if (n === need[entry]) {
        keywords[entry] = 1;
        rules.add(ruleOf[entry] as number);
      }
    }
  }
}
