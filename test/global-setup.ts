import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/server/db/connect.ts';
import { migrate } from '../src/server/db/migrate.ts';

/**
 * Databases of one test run are named `tsunagi_t<pid>_<project>_…` after the pid of the run that made them and the
 * Vitest project (vitest.config.ts) whose files use them: each project runs this setup.
 */
const PREFIX = 'tsunagi_t';

/**
 * Prepares one migrated database that every integration test file clones, so each file gets a fresh,
 * isolated database in milliseconds: a PGlite data-directory tarball, or (with TEST_DATABASE_URL) a PostgreSQL
 * template database. Several runs may share one PostgreSQL server: each run names its databases after its
 * pid and only removes its own, plus those left by runs whose process is gone.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Cross-process tests run `bin/tsunagi.js`, which runs the compiled server: compile it once here, so parallel
  // test files never find it stale (and rebuild it) at the same time.
  // @ts-expect-error -- plain JS module without type declarations
  const { ensureServerBuilt } = (await import('../bin/build-server.js')) as { ensureServerBuilt(): void };
  ensureServerBuilt();
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const run = `${PREFIX}${process.pid}_${project.name.replace(/\W/g, '_')}_`;
    const template = `${run}template`;
    await dropDatabases(url, (name) => {
      const pid = Number(/^tsunagi_t(\d+)_/.exec(name)?.[1]);
      return Number.isFinite(pid) && !isAlive(pid);
    });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database "${template}"`);
    await admin.end();
    const handle = await openDatabase({ databaseUrl: withDatabase(url, template), dataDir: null });
    await migrate(handle.db);
    await handle.close();
    project.provide('testDatabase', { kind: 'postgres', url, template, prefix: run });
    return async () => dropDatabases(url, (name) => name.startsWith(run));
  }
  const handle = await openDatabase({ databaseUrl: null, dataDir: null });
  await migrate(handle.db);
  const dump = await (handle.dump as () => Promise<Blob>)();
  await handle.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-test-')), 'template.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('testDatabase', { kind: 'pglite', templatePath: file });
  return async () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

async function dropDatabases(url: string, match: (name: string) => boolean): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const rows = await c.query<{ datname: string }>(
    `select datname from pg_database where datname like '${PREFIX}%'`,
  );
  // Clones before templates: a template with live clones cannot be dropped.
  const names = rows.rows
    .map((r) => r.datname)
    .filter(match)
    .sort((a, b) => Number(a.endsWith('template')) - Number(b.endsWith('template')));
  for (const name of names) await c.query(`drop database if exists "${name}" with (force)`);
  await c.end();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase:
      | { kind: 'pglite'; templatePath: string }
      | { kind: 'postgres'; url: string; template: string; prefix: string };
  }
}
