import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/server/db/connect.ts';
import { migrate } from '../src/server/db/migrate.ts';

export const TEMPLATE_DB = 'tsunagi_test_template';

/**
 * Prepares one migrated database that every integration test file clones, so each file gets a fresh,
 * isolated database in milliseconds: a PGlite data-directory tarball, or (with TEST_DATABASE_URL) a PostgreSQL
 * template database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Drop leftovers of earlier runs (clones first: a template with clones cannot be dropped).
    const old = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'tsunagi_t_%'`,
    );
    for (const row of old.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`);
    await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
    await admin.end();
    const templateUrl = withDatabase(url, TEMPLATE_DB);
    const handle = await openDatabase({ databaseUrl: templateUrl, dataDir: null });
    await migrate(handle.db);
    await handle.close();
    project.provide('testDatabase', { kind: 'postgres', url });
    return async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const clones = await c.query<{ datname: string }>(
        `select datname from pg_database where datname like 'tsunagi_t_%'`,
      );
      for (const row of clones.rows) await c.query(`drop database if exists "${row.datname}" with (force)`);
      await c.end();
    };
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

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: { kind: 'pglite'; templatePath: string } | { kind: 'postgres'; url: string };
  }
}
