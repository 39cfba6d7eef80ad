/**
 * A bigram prefilter over keywords (pure), so that a message is compared in full only with the keywords that
 * could match it. By the q-gram lemma, a keyword within k edits of part of the message shares at least
 * (distinct bigrams − 3k) of its distinct bigrams (an
 * edit destroys at most two bigrams, a swap of neighbours three) with the message; keywords for which that bound is ≤ 0 (one
 * character, regex) are always candidates. Readings are indexed without voicing marks, like fuzzy matching
 * compares them.
 */
import type { AnalyzedMessage, CompiledKeyword } from './keyword-match.rules.ts';
import { stripVoicing } from './text-fold.rules.ts';

/** Postings of one channel: bigram → entries, where an entry is a keyword's position in the index. */
type Postings = Map<string, number[]>;

/** The index of a rule set's keywords. */
export interface CandidateIndex {
  surface: Postings;
  reading: Postings;
  /** Per entry: bigrams needed on the surface channel and on the reading channel (Infinity: channel unused). */
  surfaceNeed: Float64Array;
  readingNeed: Float64Array;
  /** Owner (rule index) of each entry. */
  ruleOf: Int32Array;
  /** Rules that are candidates for every message (regex triggers, one-character keywords). */
  always: number[];
}

/** Distinct bigrams of a string. */
export function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
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
  const always = new Set<number>();
  rules.forEach((rule, ruleIndex) => {
    if (rule.hasRegex) always.add(ruleIndex);
    for (const kw of rule.keywords) {
      const entry = ruleOf.length;
      ruleOf.push(ruleIndex);
      const s = bigrams(kw.surface);
      const r = kw.reading ? bigrams(stripVoicing(kw.reading)) : new Set<string>();
      const sNeed = s.size - 3 * kw.edits;
      const rNeed = kw.reading ? r.size - 3 * kw.edits : Infinity;
      if (sNeed <= 0 || rNeed <= 0) always.add(ruleIndex);
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
    always: [...always],
  };
}

function push(postings: Postings, gram: string, entry: number): void {
  const list = postings.get(gram);
  if (list) list.push(entry);
  else postings.set(gram, [entry]);
}

/** Indices of the rules that could match the message, ascending. */
export function candidateRules(index: CandidateIndex, msg: AnalyzedMessage): number[] {
  const found = new Set<number>(index.always);
  count(index.surface, bigrams(msg.compact), index.surfaceNeed, index.ruleOf, found);
  if (msg.reading)
    count(index.reading, bigrams(stripVoicing(msg.reading.text)), index.readingNeed, index.ruleOf, found);
  return [...found].sort((a, b) => a - b);
}

function count(
  postings: Postings,
  grams: Set<string>,
  need: Float64Array,
  ruleOf: Int32Array,
  found: Set<number>,
) {
  const hits = new Map<number, number>();
  for (const g of grams) {
    const list = postings.get(g);
    if (!list) continue;
    for (const entry of list) {
      const n = (hits.get(entry) ?? 0) + 1;
      hits.set(entry, n);
      if (n === need[entry]) found.add(ruleOf[entry] as number);
    }
  }
}
