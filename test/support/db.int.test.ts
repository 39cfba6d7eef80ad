import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/server/db/connect.ts';
import { createTestDatabase } from './db.ts';

describe('test database', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await createTestDatabase();
  });
  afterAll(async () => h.close());

  it('is migrated and empty', async () => {
    const rows = await h.db.selectFrom('schema_migrations').select('name').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(await h.db.selectFrom('workspaces').selectAll().execute()).toEqual([]);
  });

  it('delivers NOTIFY to listeners after commit', async () => {
    const got: string[] = [];
    let delivered!: () => void;
    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    const un = await h.listen('t_chan', (p) => {
      got.push(p);
      delivered();
    });
    await h.db.transaction().execute(async (tx) => {
      await tx
        .selectNoFrom((eb) => eb.fn('pg_notify', [eb.val('t_chan'), eb.val('hello')]).as('n'))
        .execute();
      expect(got).toEqual([]);
    });
    // Delivered by the listener connection after the commit: wait for the callback itself (a loaded machine
    // can take many event-loop turns), failing after 10 s.
    await Promise.race([
      arrived,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('NOTIFY not delivered in 10 s')), 10_000).unref(),
      ),
    ]);
    expect(got).toEqual(['hello']);
    await un();
  });
});
