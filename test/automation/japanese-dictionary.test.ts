import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  inflatedDictionaryPath,
  japaneseDictionarySource,
  loadJapaneseAnalyzer,
  loadTokenizer,
} from '../../src/server/modules/automation/japanese-analyzer.service.ts';

const SAMPLE = '返品したいのですが、東京都渋谷区の山田太郎です。ﾍﾝﾋﾟﾝ';

/**
 * The Japanese dictionary is read inflated from the build's copy (dist/kuromoji-<version>, written by the build
 * and by the test run's global setup), and from the package's gzipped files where that copy is missing: both give
 * the same tokens.
 */
describe('Japanese dictionary', () => {
  it('is read from the inflated copy the build wrote', async () => {
    expect(fs.existsSync(inflatedDictionaryPath())).toBe(true);
    await loadJapaneseAnalyzer();
    expect(japaneseDictionarySource()).toBe('inflated');
  });

  it('falls back to the gzipped files with the same result', async () => {
    const inflated = await loadTokenizer();
    const gzip = await loadTokenizer('/nonexistent-tsunagi-dictionary');
    expect(inflated.source).toBe('inflated');
    expect(gzip.source).toBe('gzip');
    const tokens = (t: typeof inflated) =>
      t.tokenizer.tokenize(SAMPLE).map((x) => [x.surface_form, x.reading, x.pos]);
    expect(tokens(gzip)).toEqual(tokens(inflated));
    expect(tokens(inflated).map(([s]) => s)).toContain('返品');
  });
});
