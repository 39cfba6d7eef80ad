/**
 * The Japanese morphological analyzer (kuromoji + IPADIC), loaded lazily. Loading reads and inflates ~18 MB of
 * dictionary files and costs about a second and ~150–280 MB of RSS (bench/results/matcher.json), so it happens
 * only when a workspace's rule set contains a Japanese keyword, once per process, and is shared afterwards.
 * After loading, tokenising is synchronous, so evaluation stays synchronous.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { IpadicFeatures, Tokenizer } from 'kuromoji';
import type { Analyzer, AnalyzerToken } from './reading.rules.ts';

const require = createRequire(import.meta.url);

let loading: Promise<Analyzer> | null = null;

/** The dictionary folder shipped inside the kuromoji package, resolved from node_modules. */
export function kuromojiDictionaryPath(): string {
  return path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
}

/** Loads the analyzer on first call; later calls return the same promise. A failed load can be retried. */
export function loadJapaneseAnalyzer(): Promise<Analyzer> {
  loading ??= buildAnalyzer().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** Whether the dictionary has been requested in this process (for metrics and tests of laziness). */
export function isJapaneseAnalyzerRequested(): boolean {
  return loading !== null;
}

async function buildAnalyzer(): Promise<Analyzer> {
  // kuromoji is CommonJS and imported on demand so that merely importing this module costs nothing.
  const kuromoji = (await import('kuromoji')).default;
  const tokenizer = await new Promise<Tokenizer<IpadicFeatures>>((resolve, reject) => {
    kuromoji.builder({ dicPath: kuromojiDictionaryPath() }).build((error, built) => {
      if (error) reject(error);
      else resolve(built);
    });
  });
  return {
    tokenize(text: string): AnalyzerToken[] {
      return tokenizer.tokenize(text).map((t) => ({
        surface: t.surface_form,
        reading: t.reading && t.reading !== '*' ? t.reading : undefined,
        interjection: t.pos === '感動詞',
        pos: t.pos,
        posDetail: t.pos_detail_1,
        basicForm: t.basic_form && t.basic_form !== '*' ? t.basic_form : undefined,
      }));
    },
  };
}
