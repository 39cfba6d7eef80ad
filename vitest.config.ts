import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/long-first.sequencer.ts';

/**
 * Files that never touch the database under test, excluded when TEST_DATABASE_URL points the suite at PostgreSQL:
 * they ran already in the PGlite run (`npm test`) and would only repeat it. The console's pure functions and the
 * simulator (no database), the lint checks, and the files that run embedded mode whatever TEST_DATABASE_URL says:
 * the CLI on a PGlite data directory (two minutes of subprocesses) and the embedded data directory's lock.
 */
const NOT_DATABASE_TESTS = [
  'test/web/**',
  'test/simulator/**',
  'test/lint-boundaries.test.ts',
  'test/file-roles.test.ts',
  'test/automation/matching-set.test.ts',
  'test/cli.int.test.ts',
  'test/faults/embedded-lock.int.test.ts',
];

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', ...(process.env.TEST_DATABASE_URL ? NOT_DATABASE_TESTS : [])],
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
