/**
 * Regular-expression triggers on a linear-time engine (re2js, a pure-JS port of RE2): matching time grows with
 * the input, never exponentially, so a pattern like `(a+)+$` cannot stall ingestion. RE2 has no backreferences or
 * lookarounds; a pattern using them is refused when the rule is saved. The native `re2` binding was not chosen
 * because it downloads a prebuilt binary at install time.
 *
 * At evaluation time all patterns of a rule set run together as one RE2 set (one DFA pass over the message,
 * about 1 µs for hundreds of patterns, instead of ~3 µs per pattern one by one).
 */
import { RE2JS, RE2Set } from 're2js';

/** A compiled pattern or the engine's reason for refusing it. */
export type RegexCompilation = { ok: true; regex: RE2JS } | { ok: false; message: string };

/** Longest accepted pattern, in characters (RE2 also bounds program size). */
export const MAX_PATTERN_LENGTH = 500;

/** Compiles a case-insensitive pattern; matching is against the NFKC form of the message. */
export function compileRegex(pattern: string): RegexCompilation {
  if (pattern.trim().length === 0) return { ok: false, message: 'the pattern is empty' };
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, message: `the pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  try {
    const regex = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    if (regex.matcher('').find()) return { ok: false, message: 'the pattern matches every message' };
    return { ok: true, regex };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Whether the pattern occurs in the text. */
export function regexFinds(regex: RE2JS, nfkcText: string): boolean {
  return regex.matcher(nfkcText).find();
}

/** All regex triggers of a rule set, compiled into one automaton. */
export interface PatternSet {
  set: RE2Set | null;
  /** Per pattern of the set: its owner (an index chosen by the caller) and its source. */
  owners: { owner: number; raw: string }[];
}

/** Builds the set from patterns already checked by {@link compileRegex}. */
export function compilePatternSet(patterns: { owner: number; raw: string }[]): PatternSet {
  if (patterns.length === 0) return { set: null, owners: [] };
  const set = new RE2Set(RE2Set.UNANCHORED, RE2JS.CASE_INSENSITIVE);
  for (const p of patterns) set.add(p.raw);
  set.compile();
  return { set, owners: patterns };
}

/** Owner → first matching pattern, for the patterns that occur in the text. */
export function matchPatternSet(patterns: PatternSet, nfkcText: string): Map<number, string> {
  const found = new Map<number, string>();
  if (!patterns.set) return found;
  for (const i of patterns.set.match(nfkcText).sort((a, b) => a - b)) {
    const p = patterns.owners[i];
    if (p && !found.has(p.owner)) found.set(p.owner, p.raw);
  }
  return found;
}
