#!/usr/bin/env node
// Builds the agent console (src/web → dist/web) with Vite's JS API. `npm install` runs it (the `prepare`
// script) and `tsunagi start` calls ensureConsoleBuilt() so a clean clone serves a built console. Plain JS
// so it runs before tsx is registered; `--if-stale` skips the build when dist/web is newer than its sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './staleness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist/web');
const marker = path.join(outDir, 'index.html');

/** True when dist/web is missing or older than a source file. */
export function consoleIsStale() {
  if (!fs.existsSync(path.join(root, 'src/web'))) return false;
  return isStale(
    marker,
    ['src/web', 'vite.config.ts', 'package-lock.json'].map((f) => path.join(root, f)),
  );
}

/** Builds the console into dist/web. */
export async function buildConsole({ quiet = false } = {}) {
  const { build } = await import('vite');
  // A production build even when called from a test runner (vitest sets NODE_ENV=test, which would bundle
  // React's development build).
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(root, 'vite.config.ts'),
      mode: 'production',
      logLevel: quiet ? 'warn' : 'info',
    });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  // Touch the marker so the staleness check compares against the end of the build.
  const now = new Date();
  fs.utimesSync(marker, now, now);
}

/**
 * Builds when needed; never throws (the API keeps working without a console, and `/` says how to build it).
 */
export async function ensureConsoleBuilt() {
  try {
    if (!consoleIsStale()) return;
    process.stdout.write('Building the console (src/web → dist/web)…\n');
    await buildConsole({ quiet: true });
  } catch (err) {
    process.stderr.write(`Console build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !consoleIsStale()) {
    process.stdout.write('Console is up to date (dist/web)\n');
  } else {
    await buildConsole();
  }
}
