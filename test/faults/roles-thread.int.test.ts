import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type * as Connect from '../../src/server/db/connect.ts';
import { TsunagiProcess, embeddedDataDir, killAllProcesses, waitUntil } from '../support/process.ts';

/**
 * `tsunagi start` with every role runs `api` and the dispatcher on the main thread, and ingest, jobs and the
 * scheduler on their own (`roles-thread.ts`), so ingest and jobs never hold the event loop that acknowledges
 * webhooks. On PGlite both
 * threads reach the one database thread, whose connection lock keeps their transactions apart. Threads exist only
 * in the compiled build, so this file drives `dist/` — the code `tsunagi` runs — and real processes.
 */

const DIST_CONNECT = pathToFileURL(path.resolve('dist/server/db/connect.js')).href;

describe('PGlite shared by two threads', () => {
  it('never runs one client’s statement inside another client’s transaction, and serves urgent waiters first', async () => {
    const { openDatabase: openCompiled, attachPglite } = (await import(DIST_CONNECT)) as typeof Connect;
    const owner = await openCompiled({ databaseUrl: null, dataDir: null });
    expect(owner.share).toBeDefined();
    // The second client is what the roles thread gets; a port works the same within one thread.
    const other = attachPglite(await owner.share!());
    try {
      await sql`create table shared_lock_probe (n int)`.execute(owner.db);
      const seen: string[] = [];
      let reads: Promise<unknown>[] = [];
      await owner.db.transaction().execute(async (trx) => {
        await sql`insert into shared_lock_probe values (1)`.execute(trx);
        // Asked while the transaction holds the connection: they must wait for its end, the urgent one first.
        reads = [
          sql<{ n: number }>`select count(*)::int as n from shared_lock_probe`
            .execute(other.db)
            .then((r) => seen.push(`normal:${r.rows[0]?.n}`)),
          sql<{ n: number }>`select count(*)::int as n from shared_lock_probe`
            .execute(other.urgentDb!)
            .then((r) => seen.push(`urgent:${r.rows[0]?.n}`)),
        ];
        // Give the other client's requests time to reach the database thread while the transaction is open.
        for (let i = 0; i < 50; i++) await sql`select 1`.execute(trx);
        seen.push('commit');
        await sql`insert into shared_lock_probe values (2)`.execute(trx);
      });
      await Promise.all(reads);
      // Inside the transaction they would have counted 1 before 'commit'; after it they count both rows.
      expect(seen).toEqual(['commit', 'urgent:2', 'normal:2']);
    } finally {
      await other.close();
      await owner.close();
    }
  });
});

describe('the background roles on their own thread', () => {
  let dataDir: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    // Embedded mode whatever TEST_DATABASE_URL says (PostgreSQL runs the other process tests threaded too).
    ({ dataDir, auth } = await embeddedDataDir('tsunagi-roles-thread-', 'Roles thread'));
  });

  afterAll(async () => {
    await killAllProcesses();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Registers a number at the simulator and in Tsunagi, sends an inbound text and a reply; returns /metrics. */
  async function roundTrip(server: TsunagiProcess, suffix: string): Promise<string> {
    const controlToken = fs.readFileSync(path.join(dataDir, 'simulator-control-token'), 'utf8').trim();
    const control = { authorization: `Bearer ${controlToken}`, 'content-type': 'application/json' };
    const number = {
      phoneNumberId: `10654035223${suffix}`,
      displayPhoneNumber: `+81 3-3333-${suffix}`,
      wabaId: `10229012934${suffix}`,
      accessToken: 'token',
    };
    const post = (url: string, headers: Record<string, string>, body: unknown) =>
      fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post(`${server.url}/simulator/control/numbers`, control, number)).status).toBe(200);
    expect((await post(`${server.url}/api/v1/phone-numbers`, auth, number)).status).toBe(201);
    const customer = `81901111${suffix}`;
    const inbound = await post(`${server.url}/simulator/control/inbound`, control, {
      phoneNumberId: number.phoneNumberId,
      from: customer,
      name: '山田 太郎',
      message: { type: 'text', text: { body: `返品したい ${suffix}` } },
    });
    expect(inbound.status).toBe(200);
    // Ingest (on the roles thread) stores it; the api thread reads it.
    await waitUntil('the inbound message to be ingested', async () => {
      const res = await fetch(`${server.url}/api/v1/conversations`, { headers: auth });
      const { data } = (await res.json()) as { data: Array<{ lastMessagePreview: string | null }> };
      return data.some((c) => c.lastMessagePreview === `返品したい ${suffix}`);
    });
    const sent = await post(`${server.url}/api/v1/messages`, auth, {
      phoneNumberId: number.phoneNumberId,
      to: `+${customer}`,
      type: 'text',
      text: { body: 'かしこまりました' },
    });
    expect(sent.status, await sent.clone().text()).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    // The dispatcher sends it to the simulator; its status webhooks come back and are ingested on the roles thread.
    await waitUntil('the reply to be delivered', async () => {
      const res = await fetch(`${server.url}/api/v1/messages/${id}`, { headers: auth });
      return ((await res.json()) as { status: string }).status === 'delivered';
    });
    return (await fetch(`${server.url}/metrics`)).text();
  }

  const sample = (metrics: string, name: string) =>
    metrics.split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));

  it('runs ingest and jobs beside the api thread, merges their metrics, and stops cleanly', async () => {
    const server = await TsunagiProcess.start({ name: 'threaded', env: { TSUNAGI_DATA_DIR: dataDir } });
    expect(server.output()).toContain('Roles       api; worker, scheduler on their own thread');
    onTestFinished(() => server.kill());
    const metrics = await roundTrip(server, '0001');
    // Counted on the roles thread (ingest), served by the api thread's /metrics.
    expect(sample(metrics, 'tsunagi_inbound_messages_total')).toEqual(['tsunagi_inbound_messages_total 1']);
    expect(sample(metrics, 'tsunagi_statuses_applied_total').join('\n')).toMatch(/ [1-9]/);
    // Counted on the api thread (dispatcher, receiver); process metrics once (only the api thread collects them).
    expect(sample(metrics, 'tsunagi_outbound_messages_total')).toEqual([
      'tsunagi_outbound_messages_total{status="accepted"} 1',
    ]);
    expect(sample(metrics, 'tsunagi_webhook_events_total').join('\n')).toMatch(/result="journaled"} [1-9]/);
    expect(sample(metrics, 'tsunagi_process_process_cpu_user_seconds_total')).toHaveLength(1);
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.output()).not.toMatch(/"level":(50|60)/);
  });

  it('keeps every role on one thread with TSUNAGI_WORKER_THREAD=off', async () => {
    const server = await TsunagiProcess.start({
      name: 'one thread',
      env: { TSUNAGI_DATA_DIR: dataDir, TSUNAGI_WORKER_THREAD: 'off' },
    });
    onTestFinished(() => server.kill());
    expect(server.output()).toContain('Roles       api, worker, scheduler\n');
    const metrics = await roundTrip(server, '0002');
    // A new process counts from zero: this process's own message only.
    expect(sample(metrics, 'tsunagi_inbound_messages_total')).toEqual(['tsunagi_inbound_messages_total 1']);
    expect((await server.stop()).code).toBe(0);
  });
});
