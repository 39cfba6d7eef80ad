import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests (`npm run test:e2e`): a real Tsunagi with the embedded simulator, driven through
 * Debian's Chromium by playwright-core. Kept out of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time: each starts its own Tsunagi (port 0, in-memory PGlite) and its own Chromium, and a single
    // file left a quarter of two cores idle while the browser and the server waited on each other (measured
    // 2026-12-07: 456 s one at a time, 392 s two at a time).
    fileParallelism: true,
    maxWorkers: 2,
    // A worker keeps its loaded modules from one file to the next, as in vitest.config.ts (324 s on 2026-12-07,
    // against 393 s with modules loaded afresh per file in the CI run before, on a machine as fast).
    isolate: false,
  },
});
