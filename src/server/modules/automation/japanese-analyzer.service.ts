/**
 * The Japanese morphological analyzer (kuromoji + IPADIC), loaded lazily, once per process, and shared afterwards.
 * The dictionary (~96 MB) is read already inflated from `dist/kuromoji-<version>/`, which the build writes
 * (bin/build-server.js); where that copy is missing it is inflated from the package's gzipped files as kuromoji
 * itself does, which costs ~1.5 s more CPU and ~100 MB more RSS at load. After loading, tokenising is synchronous,
 * so evaluation stays synchronous.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import type { IpadicFeatures, Tokenizer } from 'kuromoji';
import type { Analyzer, AnalyzerToken } from './reading.rules.ts';

const require = createRequire(import.meta.url);

let loading: Promise<Analyzer> | null = null;

/** The dictionary folder shipped inside the kuromoji package, resolved from node_modules. */
export function kuromojiDictionaryPath(): string {
  return path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
}

/** Where the build writes the inflated dictionary: `dist/kuromoji-<version>/` of this checkout or package. */
export function inflatedDictionaryPath(): string {
  const { version } = require('kuromoji/package.json') as { version: string };
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  return path.join(root, 'dist', `kuromoji-${version}`);
}

/** How the analyzer's dictionary was read: its files inflated by the build, or gzipped (some or all). */
let dictionarySource: DictionarySource | null = null;

/** Where a load read the dictionary from. */
export type DictionarySource = 'inflated' | 'gzip';

/** How the analyzer's dictionary was read (null before it was loaded). */
export function japaneseDictionarySource(): DictionarySource | null {
  return dictionarySource;
}

/** An ArrayBuffer holding exactly `b`'s bytes: its own when `b` spans all of it (a large read does), else a copy. */
function exactBuffer(b: Buffer): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
    ? (b.buffer as ArrayBuffer)
    : (b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

/** kuromoji's dictionary loader, as far as it is used here (the package declares no types for it). */
interface DictionaryLoader {
  load(done: (error: Error | null, dictionaries: unknown) => void): void;
}
type DictionaryLoaderClass = new (dicPath: string) => DictionaryLoader & {
  loadArrayBuffer(file: string, done: (error: Error | null, buffer?: ArrayBuffer) => void): void;
};

/**
 * Reads the dictionary with kuromoji's own loader and tokenizer, each file from the inflated copy in `inflated`
 * when it is there, else inflated from the package (kuromoji's public builder knows only the gzipped files, and
 * copies each once more). Exported for tests; the analyzer calls it once.
 */
export async function loadTokenizer(
  inflated = inflatedDictionaryPath(),
): Promise<{ tokenizer: Tokenizer<IpadicFeatures>; source: DictionarySource }> {
  const Loader = require('kuromoji/src/loader/DictionaryLoader.js') as DictionaryLoaderClass;
  const TokenizerClass = require('kuromoji/src/Tokenizer.js') as new (
    dic: unknown,
  ) => Tokenizer<IpadicFeatures>;
  let source: DictionarySource = 'inflated';
  class FastLoader extends Loader {
    override loadArrayBuffer(file: string, done: (error: Error | null, buffer?: ArrayBuffer) => void): void {
      fs.readFile(path.join(inflated, path.basename(file, '.gz')), (error, data) => {
        if (!error) return done(null, exactBuffer(data));
        source = 'gzip';
        fs.readFile(file, (readError, gz) => {
          if (readError) return done(readError);
          zlib.gunzip(gz, (gunzipError, out) =>
            gunzipError ? done(gunzipError) : done(null, exactBuffer(out)),
          );
        });
      });
    }
  }
  const dictionaries = await new Promise<unknown>((resolve, reject) =>
    new FastLoader(kuromojiDictionaryPath()).load((error, dic) => (error ? reject(error) : resolve(dic))),
  );
  return { tokenizer: new TokenizerClass(dictionaries), source };
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
  // kuromoji is CommonJS and required on demand so that merely importing this module costs nothing.
  const { tokenizer, source } = await loadTokenizer();
  dictionarySource = source;
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
