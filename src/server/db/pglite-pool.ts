import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { PgliteConnection } from './pglite-remote.ts';

/**
 * Presents one PGlite instance to Kysely's PostgresDialect as a pool of size one.
 *
 * PGlite is a single connection: a connection is handed out to one caller at a time, from its connection lock
 * (`session-lock.ts`: in-process beside PGlite, or in the database thread, shared by every thread that uses it)
 * until it is released. Written here rather than taken from `kysely-pglite-dialect` because that package does not
 * support PGlite 0.5, and the adapter is a few lines.
 */
export class PGlitePool implements PostgresPool {
  constructor(private readonly pg: PgliteConnection) {}

  /**
   * The same connection for work that must not queue behind background work: callers of this pool go ahead
   * of everyone waiting on the main pool (never ahead of the transaction that holds the connection). The
   * webhook journal uses it, so a webhook's acknowledgement waits for at most one ingest transaction.
   */
  urgent(): PostgresPool {
    return { connect: () => this.connect(true), end: async () => undefined };
  }

  async connect(urgent = false): Promise<PostgresPoolClient> {
    const pg = this.pg;
    await pg.acquire(urgent);
    let released = false;
    const client = {
      query: async (sql: string, parameters: readonly unknown[]) => {
        // A parameterless script (a migration) may hold several statements: run it with the simple protocol.
        const result =
          parameters.length === 0 && /;\s*\S/.test(sql)
            ? ((await pg.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 })
            : await pg.query<Record<string, unknown>>(sql, [...parameters]);
        return {
          command: commandOf(sql),
          rowCount: result.affectedRows ?? result.rows.length,
          rows: result.rows,
        };
      },
      release: () => {
        if (released) return;
        released = true;
        pg.release();
      },
    };
    return client as unknown as PostgresPoolClient;
  }

  async end(): Promise<void> {}
}

function commandOf(sql: string): 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE' | 'SELECT' {
  const word = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toUpperCase();
  if (word === 'INSERT' || word === 'UPDATE' || word === 'DELETE' || word === 'MERGE') return word;
  // A CTE such as `with x as (...) update ...`: look for the outermost verb after the last closing paren.
  const tail = /\)\s*(insert|update|delete)\b/i.exec(sql)?.[1]?.toUpperCase();
  if (tail === 'INSERT' || tail === 'UPDATE' || tail === 'DELETE') return tail;
  return 'SELECT';
}
