import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/server/db/connect.ts';
import { analyzeGrownTables } from '../../src/server/jobs/maintenance.jobs.ts';
import { createTestDatabase } from '../support/db.ts';

/**
 * Planner statistics without autovacuum (embedded PGlite has none): the hourly maintenance run analyzes the tables
 * that were never analyzed or grew by more than a fifth since, and leaves the others alone.
 */
describe('maintenance: planner statistics of grown tables', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const reltuples = async (table: string) =>
    Number(
      (
        await sql<{
          n: number;
        }>`select reltuples::float8 as n from pg_class where relname = ${table}`.execute(database.db)
      ).rows[0]?.n,
    );

  it('analyzes tables never analyzed, then only a table that grew, and its row estimate follows', async () => {
    const db = database.db;
    // A new database: no table has statistics yet.
    const first = await analyzeGrownTables({ db });
    expect(first).toEqual(expect.arrayContaining(['workspaces', 'contacts', 'messages', 'jobs']));
    expect(await analyzeGrownTables({ db })).toEqual([]);

    await sql`insert into workspaces (id, name, created_at)
      select gen_random_uuid(), 'w' || i, now() from generate_series(1, 3000) as i`.execute(db);
    expect(await reltuples('workspaces')).toBeLessThan(3000);
    expect(await analyzeGrownTables({ db })).toEqual(['workspaces']);
    expect(await reltuples('workspaces')).toBeGreaterThanOrEqual(3000);
    expect(await analyzeGrownTables({ db })).toEqual([]);
  });
});
