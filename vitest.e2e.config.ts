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
    fileParallelism: false,
  },
});
