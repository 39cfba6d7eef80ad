import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/server/db/connect.ts';
import { withDatabase } from '../global-setup.ts';

let templateBlob: Blob | null = null;

/** The migrated PGlite data directory every embedded test database starts from. */
export function pgliteTemplate(): Blob {
  const target = inject('testDatabase');
  if (target.kind !== 'pglite') throw new Error('not a PGlite test run');
  templateBlob ??= new Blob([fs.readFileSync(target.templatePath)]);
  return templateBlob;
}

/** A new PostgreSQL database cloned from this run's migrated template; `drop()` removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const target = inject('testDatabase');
  if (target.kind !== 'postgres') throw new Error('not a PostgreSQL test run');
  const name = `${target.prefix}${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: target.url });
  await admin.connect();
  await admin.query(`create database "${name}" template "${target.template}"`);
  await admin.end();
  return {
    url: withDatabase(target.url, name),
    async drop() {
      const c = new pg.Client({ connectionString: target.url });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/**
 * A fresh, migrated database for one test file (or test): PGlite cloned from the migrated tarball, or a
 * PostgreSQL database created from the migrated template when TEST_DATABASE_URL is set (CI). Real SQL, never
 * a mock.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  if (inject('testDatabase').kind === 'postgres') {
    const created = await createPostgresDatabase();
    const handle = await openDatabase({ databaseUrl: created.url, dataDir: null, poolSize: 8 });
    const close = handle.close.bind(handle);
    handle.close = async () => {
      await close();
      await created.drop();
    };
    return handle;
  }
  return openDatabase({ databaseUrl: null, dataDir: null, loadDataDir: pgliteTemplate() });
}
