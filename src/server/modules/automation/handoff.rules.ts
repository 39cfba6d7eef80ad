/**
 * Handoff detection (pure): a customer who asks for a person always reaches one, before any keyword rule. The
 * phrases are folded like keywords, so オペレーター, おぺれーたー and ｵﾍﾟﾚｰﾀｰ are one phrase. English phrases
 * match whole words; Japanese phrases match as substrings.
 */
import { compact, foldText, latinWords } from './text-fold.rules.ts';

/** Phrases that ask for a person. Kept short and unambiguous: 人 alone or "help" alone would fire too often. */
export const HANDOFF_PHRASES: readonly string[] = [
  '担当者',
  '担当の方',
  'オペレーター',
  'スタッフと話',
  'スタッフさんと話',
  '人と話',
  '人間と話',
  '人間に代わ',
  '人に代わ',
  '有人対応',
  '有人チャット',
  '電話で話したい',
  '窓口の人',
  'agent',
  'human',
  'operator',
  'representative',
  'real person',
  'live person',
  'talk to someone',
  'speak to someone',
  'talk to a person',
  'speak to a person',
  'customer service rep',
];

const FOLDED = HANDOFF_PHRASES.map((p) => {
  const folded = foldText(p);
  const words = latinWords(folded);
  return {
    phrase: p,
    latin: words.length > 0 && compact(folded) === words.join(''),
    words,
    compact: compact(folded),
  };
});

/** The handoff phrase the message contains, or null. */
export function detectHandoff(text: string): string | null {
  const folded = foldText(text);
  const flat = compact(folded);
  const words = latinWords(folded);
  for (const p of FOLDED) {
    if (p.latin ? containsSequence(words, p.words) : flat.includes(p.compact)) return p.phrase;
  }
  return null;
}

function containsSequence(words: string[], seq: string[]): boolean {
  outer: for (let i = 0; i + seq.length <= words.length; i++) {
    for (let k = 0; k < seq.length; k++) {
      const w = words[i + k] as string;
      const s = seq[k] as string;
      if (w !== s && w !== `${s}s`) continue outer;
    }
    return true;
  }
  return false;
}
