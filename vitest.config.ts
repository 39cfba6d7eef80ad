import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/long-first.sequencer.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one: a single worker on 2 cores. Most files spend their time
    // waiting on child processes, HTTP and SQL, so two run side by side there (each file has its own database).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    dangerouslyIgnoreUnhandledErrors: false,
    sequence: { sequencer: LongFirstSequencer },
  },
});
