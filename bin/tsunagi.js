#!/usr/bin/env node
// Entry point for the `tsunagi` command. Tsunagi runs its TypeScript sources through tsx's loader so that
// `npm install && npm start` needs no build step of its own; the console (src/web) is built by Vite into
// dist/web on install, and again by `tsunagi start` when it is missing or older than its sources.
import { register } from 'tsx/esm/api';

if (process.argv[2] === 'start' && !process.env.TSUNAGI_SKIP_CONSOLE_BUILD) {
  const { ensureConsoleBuilt } = await import('./build-console.js');
  await ensureConsoleBuilt();
}
register();
await import('../src/cli/main.ts');
