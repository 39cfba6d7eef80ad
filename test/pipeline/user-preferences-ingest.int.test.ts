import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/server/db/types.ts';
import { silentLogger } from '../../src/server/lib/logger.ts';
import { createMetrics } from '../../src/server/lib/metrics.ts';
import { InboundIngestor } from '../../src/server/pipeline/ingest.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129355555';
const CONTACTS = 500;
const MESSAGES = 20;
/** The server's ingest batch (main.ts). */
const BATCH = 500;
/** Long for a batch: a claim is its transaction's row locks (ingest.ts), which never expire with time. */
const LONG_BATCH_MS = 60_000;
const waId = (i: number) => `81903${String(i).padStart(7, '0')}`;

/**
 * The campaign chaos harness (test/faults/campaign-chaos.int.test.ts) opts 500 contacts out through
 * `user_preferences` webhooks; on PostgreSQL a server starting with them made no ingest progress for 45–150 s.
 * Each preference cost seven statements in the ingest transaction (~3,500 for a batch); under load the batch
 * outlived its 15 s journal claim, the second ingest loop claimed the same rows again, waited on the first one's
 * `contact_consents` row locks (pg_stat_activity: Lock/transactionid) and applied the batch a second time (one
 * history entry twice). A batch of preferences now costs a constant number of statements, and a batch is
 * claimed by its transaction's row locks (no lease that expires), so a long batch is neither taken again nor
 * applied twice.
 */
describe('ingest: user_preferences opt-outs in bulk', () => {
  let s: RunningTsunagi;
  let pnid: string;

  beforeAll(async () => {
    s = await startTestTsunagi();
    pnid = (await s.addNumber({ wabaId: WABA })).phoneNumberId;
    const now = s.clock.now();
    await sql`insert into contacts (id, workspace_id, wa_id, phone_e164, name, country, timezone, attributes,
        created_at, updated_at)
      select gen_random_uuid(), ${s.workspaceId}, '81903' || lpad(i::text, 7, '0'), '+81903' || lpad(i::text, 7, '0'),
        'Customer ' || i, 'JP', 'Asia/Tokyo', '{}'::jsonb, ${now}, ${now}
      from generate_series(0, ${CONTACTS - 1}) as g(i)`.execute(s.t.ctx.db);
    await sql`insert into contact_consents (workspace_id, contact_id, purpose, state, source, changed_at, last_event_id)
      select workspace_id, id, 'marketing', 'opted_in', 'import', ${now}, gen_random_uuid()
      from contacts where workspace_id = ${s.workspaceId}`.execute(s.t.ctx.db);
  });
  afterAll(async () => s?.close());

  /** An ingestor on the test's database whose statements are counted, and `onStatement` sees each one. */
  function ingestor(onStatement: (sqlText: string) => void = () => undefined) {
    const counter = { statements: 0 };
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        counter.statements++;
        onStatement(JSON.stringify(args.node));
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const db = s.t.ctx.db.withPlugin(counting) as Db;
    return {
      counter,
      ingest: new InboundIngestor({ db, clock: s.clock, logger: silentLogger, metrics: createMetrics() }),
    };
  }

  /** Every customer changes their marketing preference; some also write; all delivered (journaled), none applied. */
  async function customersSend(value: 'stop' | 'resume'): Promise<void> {
    for (let i = 0; i < CONTACTS; i++) s.t.simulator!.optOut({ phoneNumberId: pnid, waId: waId(i), value });
    for (let i = 0; i < MESSAGES; i++)
      s.t.simulator!.inbound({
        phoneNumberId: pnid,
        from: waId(i),
        message: { type: 'text', text: { body: `${value} ${i}` } },
      });
    await s.t.simulator!.flush();
    await s.t.ctx.journal.flush();
  }

  const consents = async () =>
    (
      await sql<{ state: string; source: string; events: string; last_state: string | null }>`
        select cc.state, cc.source, (select count(*) from consent_events e where e.contact_id = c.id) as events,
          (select e.previous_state from consent_events e where e.contact_id = c.id
           order by e.created_at desc, e.occurred_at desc limit 1) as last_state
        from contacts c join contact_consents cc on cc.contact_id = c.id and cc.purpose = 'marketing'
        where c.workspace_id = ${s.workspaceId}`.execute(s.t.ctx.db)
    ).rows;
  const texts = async (prefix: string) =>
    (
      await sql<{ n: string }>`select count(*) as n from messages
        where workspace_id = ${s.workspaceId} and direction = 'inbound' and content::text like ${`%${prefix} %`}`.execute(
        s.t.ctx.db,
      )
    ).rows[0]?.n;

  it('applies 500 opt-outs posted at once beside customer messages in a few statements, once each', async () => {
    await customersSend('stop');
    const { counter, ingest } = ingestor();
    expect(await ingest.drain()).toBeGreaterThan(0);

    const rows = await consents();
    expect(rows).toHaveLength(CONTACTS);
    expect(rows.every((r) => r.state === 'opted_out' && r.source === 'whatsapp_preferences')).toBe(true);
    expect(rows.every((r) => Number(r.events) === 1 && r.last_state === 'opted_in')).toBe(true);
    expect(Number(await texts('stop'))).toBe(MESSAGES);
    // ~3,500 statements before (seven per preference in the ingest transaction).
    expect(counter.statements).toBeLessThan(100);

    // Redelivered: nothing changes, nothing is recorded twice.
    await customersSend('stop');
    await ingest.drain();
    expect((await consents()).every((r) => Number(r.events) === 1)).toBe(true);
  });

  it('a long batch is neither taken again by the other ingest loop nor applied twice', async () => {
    await customersSend('resume');
    const pending = Number(
      (
        await sql<{ n: string }>`select count(*) as n from webhook_events where processed_at is null`.execute(
          s.t.ctx.db,
        )
      ).rows[0]?.n,
    );
    expect(pending).toBeGreaterThan(BATCH);
    let other: Promise<number> | null = null;
    const second = ingestor();
    // The first loop is slow: while its transaction writes the consents, a minute passes and the second loop
    // looks for work (on PGlite it waits for the one connection).
    const first = ingestor((text) => {
      if (other || !text.includes('"contact_consents"')) return;
      s.clock.advance(LONG_BATCH_MS);
      other = second.ingest.runOnce(BATCH);
    });
    const applied = await first.ingest.runOnce(BATCH);
    expect(other).not.toBeNull();
    const again = await other!;

    expect(applied).toBe(BATCH);
    // Before: the second loop took the first one's 500 rows again (and waited on its row locks).
    expect(again, 'rows taken by both loops').toBe(pending - BATCH);
    await first.ingest.drain();
    const rows = await consents();
    expect(rows.every((r) => r.state === 'opted_in' && r.source === 'whatsapp_preferences')).toBe(true);
    expect(rows.every((r) => Number(r.events) === 2 && r.last_state === 'opted_out')).toBe(true);
    expect(Number(await texts('resume'))).toBe(MESSAGES);
  });
});
