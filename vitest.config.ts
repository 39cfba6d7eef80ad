import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/long-first.sequencer.ts';

const INCLUDE = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const EXCLUDE = ['test/e2e/**', 'node_modules/**'];

/**
 * Files that never touch the database under test, excluded when TEST_DATABASE_URL points the suite at PostgreSQL:
 * they ran already in the PGlite run (`npm test`) and would only repeat it. The console's pure functions and the
 * simulator (no database), the lint checks, and the files that run embedded mode whatever TEST_DATABASE_URL says:
 * the CLI on a PGlite data directory (two minutes of subprocesses), the embedded data directory's lock and the
 * embedded database shared by the roles thread.
 */
const NOT_DATABASE_TESTS = [
  'test/web/**',
  'test/simulator/**',
  'test/lint-boundaries.test.ts',
  'test/file-roles.test.ts',
  'test/automation/matching-set.test.ts',
  'test/cli.int.test.ts',
  'test/faults/embedded-lock.int.test.ts',
  'test/faults/roles-thread.int.test.ts',
];

/**
 * Files that need modules loaded fresh: one replaces a module with a spy (`vi.mock`), one checks that compiling
 * rules does not load the Japanese dictionary, which an earlier file in the same worker would have loaded.
 */
const NEEDS_FRESH_MODULES = [
  'test/security/constant-time.int.test.ts',
  'src/server/modules/automation/rule-evaluate.rules.test.ts',
];

const exclude = [...EXCLUDE, ...(process.env.TEST_DATABASE_URL ? NOT_DATABASE_TESTS : [])];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one: a single worker on 2 cores. Most files spend their time
    // waiting on child processes, HTTP and SQL, so two run side by side there (each file has its own database).
    // A third was slower on 2 cores (measured 2026-12-07: 716 s against 624 s for the PGlite run).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    dangerouslyIgnoreUnhandledErrors: false,
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      {
        // A worker keeps the modules it has loaded from one file to the next (every file still gets its own
        // database and app, support/app.ts). Loading the server's modules afresh for each file took 168 s of the
        // PGlite run's 624 s; sharing them, the run took 398 s (2026-12-07, 2 cores). A file that passes alone but
        // fails after another in the same worker depends on module state: it belongs in NEEDS_FRESH_MODULES.
        extends: true,
        test: {
          name: 'shared-modules',
          include: INCLUDE,
          exclude: [...exclude, ...NEEDS_FRESH_MODULES],
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'fresh-modules', include: NEEDS_FRESH_MODULES, exclude, isolate: true },
      },
    ],
  },
});
