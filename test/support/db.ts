import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/server/db/connect.ts';
import { TEMPLATE_DB, withDatabase } from '../global-setup.ts';

let templateBlob: Blob | null = null;

/**
 * A fresh, migrated database for one test file (or test): PGlite cloned from the migrated tarball, or a
 * PostgreSQL database created from the migrated template when TEST_DATABASE_URL is set (CI). Real SQL, never
 * a mock.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const target = inject('testDatabase');
  if (target.kind === 'postgres') {
    const name = `tsunagi_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: target.url });
    await admin.connect();
    await admin.query(`create database "${name}" template ${TEMPLATE_DB}`);
    await admin.end();
    const handle = await openDatabase({
      databaseUrl: withDatabase(target.url, name),
      dataDir: null,
      poolSize: 8,
    });
    const close = handle.close.bind(handle);
    handle.close = async () => {
      await close();
      const c = new pg.Client({ connectionString: target.url });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    };
    return handle;
  }
  templateBlob ??= new Blob([fs.readFileSync(target.templatePath)]);
  return openDatabase({ databaseUrl: null, dataDir: null, loadDataDir: templateBlob });
}
