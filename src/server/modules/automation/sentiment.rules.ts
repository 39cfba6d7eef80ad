/**
 * A small lexicon-based sentiment classifier for Japanese and English (pure). It only needs to recognise clearly
 * negative messages (complaints, anger, disappointment) so that three in a row can raise a conversation's
 * priority; a statistical model would cost a download and memory for little gain on that narrow task. English
 * words are negated by a preceding not/never/no ("not happy"); Japanese negated forms are lexicon entries
 * (嬉しくない, 良くない) because Japanese negation is a suffix.
 */
import { compact, foldText, latinWords } from './text-fold.rules.ts';

/** The classification of one message. */
export interface Sentiment {
  label: 'negative' | 'neutral' | 'positive';
  /** Sum of the weights found: below 0 is negative. */
  score: number;
  /** The lexicon entries found, for explanations in the console. */
  hits: string[];
}

const JA: Record<string, number> = {
  最悪: -3,
  ひどい: -2,
  酷い: -2,
  ふざけ: -3,
  怒: -2,
  腹が立: -3,
  許せない: -3,
  ありえない: -2,
  あり得ない: -2,
  詐欺: -3,
  二度と: -2,
  がっかり: -2,
  残念: -1,
  不満: -2,
  不快: -2,
  迷惑: -2,
  困って: -1,
  困る: -1,
  困り: -1,
  遅すぎ: -2,
  遅い: -1,
  いい加減: -2,
  壊れ: -1,
  不良品: -2,
  対応が悪: -2,
  返事がない: -2,
  返信がない: -2,
  まだですか: -1,
  何度も: -1,
  うんざり: -2,
  嫌: -1,
  嬉しくない: -2,
  良くない: -1,
  よくない: -1,
  使えない: -2,
  クレーム: -2,
  失礼: -2,
  ムカつ: -3,
  むかつ: -3,
  信じられない: -2,
  ありがとう: 2,
  有難う: 2,
  助かり: 2,
  助かる: 2,
  嬉しい: 2,
  うれしい: 2,
  最高: 2,
  素晴らしい: 2,
  良かった: 1,
  よかった: 1,
  満足: 2,
  感謝: 2,
  楽しみ: 1,
  大好き: 2,
};

const EN: Record<string, number> = {
  terrible: -3,
  awful: -3,
  horrible: -3,
  worst: -3,
  angry: -2,
  furious: -3,
  scam: -3,
  fraud: -3,
  useless: -2,
  disappointed: -2,
  disappointing: -2,
  unacceptable: -3,
  ridiculous: -2,
  annoyed: -2,
  annoying: -2,
  frustrated: -2,
  frustrating: -2,
  broken: -1,
  damaged: -1,
  late: -1,
  never: -1,
  rude: -2,
  complaint: -2,
  poor: -2,
  bad: -2,
  hate: -3,
  again: -1,
  still: -1,
  unhappy: -2,
  wrong: -1,
  thanks: 2,
  thank: 2,
  great: 2,
  love: 2,
  perfect: 2,
  excellent: 2,
  happy: 2,
  good: 1,
  awesome: 2,
  amazing: 2,
  helpful: 2,
  appreciate: 2,
  nice: 1,
};

const EN_NEGATORS = new Set(['not', 'never', 'no', 'dont', 'isnt', 'wasnt', 'didnt', 'hardly']);

const JA_FOLDED = Object.entries(JA).map(([word, weight]) => ({
  word,
  key: compact(foldText(word)),
  weight,
}));

/** Classifies one message. Weak words (late, still, again) alone stay neutral: the threshold is −2. */
export function classifySentiment(text: string): Sentiment {
  const folded = foldText(text);
  const flat = compact(folded);
  let score = 0;
  const hits: string[] = [];
  const jaCovered: string[] = [];
  for (const { word, key, weight } of JA_FOLDED.sort((a, b) => b.key.length - a.key.length)) {
    if (!flat.includes(key) || jaCovered.some((c) => c.includes(key))) continue;
    jaCovered.push(key);
    score += weight;
    hits.push(word);
  }
  const words = latinWords(folded);
  words.forEach((w, i) => {
    const weight = EN[w];
    if (weight === undefined) return;
    const negated = [words[i - 1], words[i - 2]].some((p) => p !== undefined && EN_NEGATORS.has(p));
    score += negated ? -weight : weight;
    hits.push(negated ? `not ${w}` : w);
  });
  if (/[!！]{2,}|[?？]{3,}/.test(text) && score < 0) score -= 1;
  const label = score <= -2 ? 'negative' : score >= 2 ? 'positive' : 'neutral';
  return { label, score, hits };
}

/** Whether the latest `run` classifications (oldest first) are all negative: three in a row raise priority. */
export function hasNegativeStreak(labels: readonly Sentiment['label'][], run = 3): boolean {
  return labels.length >= run && labels.slice(-run).every((l) => l === 'negative');
}
