/**
 * Search keys computed where rows are written: loads the Japanese analyzer (kuromoji, lazily, once per process)
 * only when some text has kanji, then applies the pure rules of `search-key.rules.ts` to a whole batch.
 */
import { LRUCache } from 'lru-cache';
import { mapInSlices } from '../../lib/loop.ts';
import { loadJapaneseAnalyzer } from '../automation/japanese-analyzer.service.ts';
import { readingOf, type Analyzer } from '../automation/reading.rules.ts';
import {
  contactSearchKey,
  foldForSearch,
  hasKanji,
  messageSearchText,
  messageTextOf,
  type ContactKeyInput,
} from './search-key.rules.ts';

/** The analyzer when any of the texts needs it (has kanji), else null without loading the dictionary. */
export async function analyzerFor(texts: ReadonlyArray<string | null | undefined>): Promise<Analyzer | null> {
  return texts.some((t) => t && hasKanji(foldForSearch(t))) ? loadJapaneseAnalyzer() : null;
}

/** Search keys of contacts, in the order given (computed in slices, as message search texts are). */
export async function contactSearchKeys(inputs: readonly ContactKeyInput[]): Promise<string[]> {
  const analyzer = await analyzerFor(inputs.flatMap((i) => [i.name, i.profileName]));
  return mapInSlices(inputs, ANALYSIS_SLICE, (i) => contactSearchKey(analyzer, i));
}

/** Search texts of messages (text body or caption), in the order given; '' for messages without text. */
export async function messageSearchTexts(
  messages: ReadonlyArray<{ type: string; content: Record<string, unknown> }>,
): Promise<string[]> {
  const texts = messages.map((m) => messageTextOf(m.type, m.content));
  const analyzer = await analyzerFor(texts);
  if (!analyzer) return texts.map((t) => messageSearchText(null, t));
  const read = (phrase: string) => cachedReading(analyzer, phrase);
  // Readings take ~0.1–0.5 ms a text: a batch of hundreds is computed in slices, giving the event loop back in
  // between, so a webhook's acknowledgement never waits behind a whole batch's analysis.
  return mapInSlices(texts, ANALYSIS_SLICE, (t) => messageSearchText(analyzer, t, read));
}

/**
 * Readings of recently seen phrases (folded, between punctuation): customers write the same phrases again and
 * again (ありがとうございます, 返品したい), and the analysis is most of what a message costs to store. Bounded;
 * the least recently used entry goes first. lru-cache rather than a Map trimmed by `keys().next()`: a Map keeps the
 * slots of deleted keys until it is rebuilt and that call walks past all of them (~25 µs an eviction once 20,000
 * phrases are held, and new phrases — order numbers, names — come with most messages).
 */
const PHRASE_CACHE_SIZE = 20_000;
const phraseReadings = new LRUCache<string, string>({ max: PHRASE_CACHE_SIZE });

function cachedReading(analyzer: Analyzer, phrase: string): string {
  const hit = phraseReadings.get(phrase);
  if (hit !== undefined) return hit;
  const reading = readingOf(analyzer, phrase).text;
  phraseReadings.set(phrase, reading);
  return reading;
}

/** Texts analysed between two yields to the event loop (a few milliseconds of work). */
const ANALYSIS_SLICE = 16;
