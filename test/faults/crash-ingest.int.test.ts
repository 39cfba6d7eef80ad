import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { startStandaloneSimulator, type StandaloneSimulator } from '../../src/simulator/index.ts';
import {
  TsunagiProcess,
  createChildDatabase,
  killAllProcesses,
  metricValue,
  waitUntil,
  type ChildDatabase,
} from '../support/process.ts';
import { customerWaId, mapLimit, postWebhook, textWebhook } from './helpers.ts';

/**
 * DESIGN.md §5, inbound: "200 is returned only after the raw body is durably stored". A real server process
 * takes a concurrent burst of signed webhooks and is SIGKILLed mid-stream; after a restart the bodies that were
 * not acknowledged are posted again (as Meta retries them). Every acknowledged message must be there exactly
 * once, nothing twice, and all N in the end — with conversation summaries consistent with the messages.
 */

const N = 2000;
const CUSTOMERS = 200;
const SECRET = 'crash-ingest-app-secret';
const PNID = '106540352211111';

describe('SIGKILL during a burst of inbound webhooks', () => {
  let db: ChildDatabase;
  let server: TsunagiProcess;
  let auth: { authorization: string };
  let meta: StandaloneSimulator;

  beforeAll(async () => {
    db = await createChildDatabase();
    const ws = await db.use((h) => createWorkspace(h.db, systemClock, { name: 'Crash ingest' }));
    auth = { authorization: `Bearer ${ws.apiKey}` };
    const number = {
      phoneNumberId: PNID,
      displayPhoneNumber: '+81 3-1111-1111',
      wabaId: '102290129341111',
      accessToken: 'token',
      mps: 80,
    };
    // Only the ownership check at registration talks to the Graph API (nothing is sent in this test).
    meta = await startStandaloneSimulator({ port: 0, appSecret: SECRET, numbers: [number] });
    server = await TsunagiProcess.start({
      name: 'server',
      env: { ...db.env, TSUNAGI_SIMULATOR: 'off', WHATSAPP_APP_SECRET: SECRET, GRAPH_API_URL: meta.url },
    });
    const res = await fetch(`${server.url}/api/v1/phone-numbers`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(number),
    });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await killAllProcesses();
    await meta?.close();
    await db?.dispose();
  });

  it('keeps every acknowledged message exactly once and ends with all N', async () => {
    const started = Date.now();
    const base = Math.floor(Date.now() / 1000) - 3600;
    const bodies = Array.from({ length: N }, (_, i) =>
      Buffer.from(
        JSON.stringify(
          textWebhook({
            phoneNumberId: PNID,
            from: customerWaId(i % CUSTOMERS),
            wamid: `wamid.CRASH${String(i).padStart(6, '0')}`,
            text: `message ${i}`,
            // Later messages of a customer are newer; the summaries must end on the newest.
            timestamp: base + i,
          }),
        ),
      ),
    );

    const acked = new Set<number>();
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    let killing: Promise<void> | null = null;
    let ackedAtKill = 0;
    await mapLimit(bodies, 64, async (body, i) => {
      try {
        const res = await postWebhook(server.url, body, { secret: SECRET });
        count(String(res.status));
        if (res.status === 200) acked.add(i);
      } catch {
        count('connection error');
      }
      if (!killing && acked.size >= N / 2) {
        ackedAtKill = acked.size;
        killing = server.kill();
      }
    });
    await killing;
    expect(killing, 'the server was killed mid-stream').not.toBeNull();
    const ackedBeforeCrash = new Set(acked);
    const killedAt = Date.now();

    await server.restart();
    const restartedAt = Date.now();
    // Meta retries what was not acknowledged; a lost 200 means the body may be journaled twice.
    const retry = [...bodies.keys()].filter((i) => !acked.has(i));
    await mapLimit(retry, 32, async (i) => {
      await waitUntil(`body ${i} acknowledged after the restart`, async () => {
        const res = await postWebhook(server.url, bodies[i] as Buffer, { secret: SECRET });
        return res.status === 200;
      });
      acked.add(i);
    });
    expect(acked.size).toBe(N);

    await waitUntil(
      'the journal to be fully processed',
      async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        return metricValue(text, 'tsunagi_ingest_backlog') === 0;
      },
      { timeoutMs: 150_000, intervalMs: 100 },
    );
    const processedAt = Date.now();
    // PGlite is single-process: stop the server (gracefully) before looking inside.
    const exit = await server.stop();

    const result = await db.use(async ({ db: q }) => {
      const perWamid = await sql<{ wamid: string; n: number }>`
        select wamid, count(*)::int as n from messages where wamid like 'wamid.CRASH%' group by wamid`.execute(
        q,
      );
      const unprocessed = await sql<{ n: number }>`
        select count(*)::int as n from webhook_events where processed_at is null`.execute(q);
      const journal = await sql<{ n: number }>`select count(*)::int as n from webhook_events`.execute(q);
      const dead = await sql<{ n: number }>`select count(*)::int as n from dead_letters`.execute(q);
      const conversations = await sql<{
        wa_id: string;
        unread_count: number;
        last_message_preview: string | null;
        messages: number;
        newest: string;
      }>`
        select ct.wa_id, cv.unread_count, cv.last_message_preview,
          (select count(*)::int from messages m where m.conversation_id = cv.id) as messages,
          (select m.content->'text'->>'body' from messages m where m.conversation_id = cv.id
            order by m.occurred_at desc, m.wamid desc limit 1) as newest
        from conversations cv join contacts ct on ct.id = cv.contact_id`.execute(q);
      return {
        perWamid: perWamid.rows,
        unprocessed: unprocessed.rows[0]?.n,
        journal: journal.rows[0]?.n ?? 0,
        dead: dead.rows[0]?.n,
        conversations: conversations.rows,
      };
    });

    const present = new Map(result.perWamid.map((r) => [r.wamid, r.n]));
    const lostAcked = [...ackedBeforeCrash].filter(
      (i) => !present.has(`wamid.CRASH${String(i).padStart(6, '0')}`),
    );
    expect(lostAcked, 'acknowledged before the crash, missing after it').toEqual([]);
    expect(
      result.perWamid.filter((r) => r.n !== 1),
      'stored more than once',
    ).toEqual([]);
    expect(present.size).toBe(N);
    expect(result.unprocessed).toBe(0);
    expect(result.dead).toBe(0);
    expect(result.conversations).toHaveLength(CUSTOMERS);
    for (const c of result.conversations) {
      expect(c.messages, c.wa_id).toBe(N / CUSTOMERS);
      expect(c.unread_count, `${c.wa_id} unread count`).toBe(N / CUSTOMERS);
      expect(c.last_message_preview, `${c.wa_id} preview is the newest message`).toBe(c.newest);
    }
    expect(exit.code, `graceful stop exit\n${server.output()}`).toBe(0);
    console.info(
      `[crash-ingest ${db.kind}] acked before kill ${ackedAtKill}/${N}, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, ` +
        `journal rows ${result.journal} (${result.journal - N} bodies journaled twice), ` +
        `restart ${((restartedAt - killedAt) / 1000).toFixed(1)} s, all processed ${((processedAt - restartedAt) / 1000).toFixed(1)} s after restart, ` +
        `total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 240_000);
});
