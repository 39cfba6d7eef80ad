#!/usr/bin/env node
// Entry point for the `tsunagi` command. It runs the compiled JavaScript in dist/ (with source maps, so stack
// traces name the TypeScript lines) — no TypeScript loader at run time. `npm install` compiles the server and
// builds the console; in a checkout whose sources changed since, both are rebuilt here before starting.
process.setSourceMapsEnabled(true);
if (!process.env.TSUNAGI_SKIP_BUILD) {
  const { ensureServerBuilt } = await import('./build-server.js');
  ensureServerBuilt();
  if (process.argv[2] === 'start' && !process.env.TSUNAGI_SKIP_CONSOLE_BUILD) {
    const { ensureConsoleBuilt } = await import('./build-console.js');
    await ensureConsoleBuilt();
  }
}
await import('../dist/cli/main.js');
