import fs from 'node:fs';

/** Builds the console when dist/web is missing or stale, and checks the browser is installed. */
export default async function setup(): Promise<void> {
  if (!fs.existsSync('/usr/bin/chromium'))
    throw new Error('Chromium is missing: apt-get install -y chromium (browser downloads do not work here)');
  // @ts-expect-error -- plain JS module without type declarations
  const { consoleIsStale, buildConsole } = (await import('../../bin/build-console.js')) as {
    consoleIsStale(): boolean;
    buildConsole(o: { quiet: boolean }): Promise<void>;
  };
  if (consoleIsStale()) await buildConsole({ quiet: true });
  // @ts-expect-error -- plain JS module without type declarations
  const { ensureServerBuilt } = (await import('../../bin/build-server.js')) as { ensureServerBuilt(): void };
  ensureServerBuilt();
}
