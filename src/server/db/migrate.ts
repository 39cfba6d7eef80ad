import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './types.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Arbitrary constant: the advisory lock that serialises concurrent migrators on one PostgreSQL. */
const MIGRATION_LOCK_KEY = 727_001;

/** Thrown when an applied migration's file changed (migrations are forward-only and immutable). */
export class MigrationChecksumError extends Error {}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Lists `migrations/*.sql` in name order (names start with a UTC timestamp). */
export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so several processes starting at once
 * against one PostgreSQL apply each migration exactly once. Returns the names applied.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = listMigrations(dir);
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(tx);
    await sql`create table if not exists schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`.execute(
      tx,
    );
    const applied = await tx.selectFrom('schema_migrations').select(['name', 'checksum']).execute();
    const byName = new Map(applied.map((m) => [m.name, m.checksum]));
    for (const m of applied) {
      const file = files.find((f) => f.name === m.name);
      if (file && file.checksum !== m.checksum) {
        throw new MigrationChecksumError(
          `Migration ${m.name} was changed after it was applied. Migrations are forward-only: add a new one.`,
        );
      }
    }
    const done: string[] = [];
    for (const file of files) {
      if (byName.has(file.name)) continue;
      await sql.raw(file.sql).execute(tx);
      await tx
        .insertInto('schema_migrations')
        .values({ name: file.name, checksum: file.checksum, applied_at: new Date() })
        .execute();
      done.push(file.name);
    }
    return done;
  });
}
