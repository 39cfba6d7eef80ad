import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/lib/clock.ts';
import type { DatabaseHandle } from '../../src/server/db/connect.ts';
import { silentLogger } from '../../src/server/lib/logger.ts';
import { decodeSpool, encodeRecord, WebhookSpool } from '../../src/server/pipeline/journal-spool.ts';
import { createTestDatabase } from '../support/db.ts';

/**
 * The embedded webhook spool (DESIGN.md §5, inbound: a body is durable before 200, and stored exactly once): real
 * files in a temporary directory, real SQL. A crash is reproduced by leaving the file as a killed process would:
 * records written (and acknowledged) but not moved, or a record torn in the middle of its write.
 */
describe('webhook spool', () => {
  let h: DatabaseHandle;
  let dir: string;
  let file: string;
  const clock = new FakeClock(new Date('2026-12-05T03:00:00Z'));
  const open = (extra: { truncateBytes?: number } = {}) =>
    WebhookSpool.open({ file, db: h.db, clock, logger: silentLogger, ...extra });
  const bodies = async () =>
    (await sql<{ body: Buffer }>`select body from webhook_events order by id`.execute(h.db)).rows.map((r) =>
      Buffer.from(r.body).toString(),
    );
  const movedSeq = async () =>
    Number(
      (await h.db.selectFrom('webhook_spool_state').select('moved_seq').executeTakeFirst())?.moved_seq ?? 0,
    );
  const record = (seq: number, text: string) =>
    encodeRecord({ seq, receivedAt: clock.now(), signatureValid: true, body: Buffer.from(text) });

  beforeEach(async () => {
    h = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-spool-'));
    file = path.join(dir, 'webhook-spool.log');
  });
  afterEach(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledges once the body is in the file, then moves each body into webhook_events once', async () => {
    const spool = await open();
    await Promise.all(['a', 'b', 'c'].map((t) => spool.append(Buffer.from(t), true)));
    // Durable before any database write was awaited: the file holds all three records.
    expect(decodeSpool(fs.readFileSync(file)).records.map((r) => r.body.toString())).toEqual(['a', 'b', 'c']);
    await spool.flush();
    expect(spool.backlog).toBe(0);
    expect(await bodies()).toEqual(['a', 'b', 'c']);
    expect(await movedSeq()).toBe(3);
    await spool.close();
    // Everything moved: the file is emptied on close, and a reopen moves nothing again.
    expect(fs.statSync(file).size).toBe(0);
    const again = await open();
    await again.append(Buffer.from('d'), false);
    await again.flush();
    await again.close();
    expect(await bodies()).toEqual(['a', 'b', 'c', 'd']);
    expect(await movedSeq()).toBe(4);
    const last = await h.db
      .selectFrom('webhook_events')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.signature_valid).toBe(false);
    expect(new Date(last.received_at).toISOString()).toBe('2026-12-05T03:00:00.000Z');
  });

  it('after a crash moves exactly the records above moved_seq (acknowledged, never moved)', async () => {
    // A killed process had moved seq 1 and 2 (in webhook_events, moved_seq = 2), then spooled 3 and 4.
    await sql`insert into webhook_events (received_at, body, signature_valid) values
      (now(), ${Buffer.from('one')}, true), (now(), ${Buffer.from('two')}, true)`.execute(h.db);
    await sql`insert into webhook_spool_state (id, moved_seq) values (1, 2)`.execute(h.db);
    fs.writeFileSync(
      file,
      Buffer.concat([record(1, 'one'), record(2, 'two'), record(3, 'three'), record(4, 'four')]),
    );
    const spool = await open();
    expect(await bodies()).toEqual(['one', 'two', 'three', 'four']);
    expect(fs.statSync(file).size).toBe(0);
    // Numbering continues after the highest sequence seen, so nothing new is mistaken for moved.
    await spool.append(Buffer.from('five'), true);
    await spool.flush();
    expect(await movedSeq()).toBe(5);
    await spool.close();
    expect(await bodies()).toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  it('cuts off a record torn by a crash mid-write and keeps every whole one before it', async () => {
    const torn = record(3, 'torn body that never got its fdatasync');
    fs.writeFileSync(
      file,
      Buffer.concat([record(1, 'first'), record(2, 'second'), torn.subarray(0, torn.length - 7)]),
    );
    const spool = await open({ truncateBytes: 1 << 30 });
    expect(await bodies()).toEqual(['first', 'second']);
    await spool.append(Buffer.from('after'), true);
    await spool.flush();
    // The torn bytes are gone (recovery moved the whole records and emptied the file); the new record is
    // numbered after the last whole one.
    const onDisk = decodeSpool(fs.readFileSync(file));
    expect(onDisk.goodBytes).toBe(fs.statSync(file).size);
    expect(onDisk.records.map((r) => [r.seq, r.body.toString()])).toEqual([[3, 'after']]);
    await spool.close();
    expect(await bodies()).toEqual(['first', 'second', 'after']);
  });

  it('refuses a corrupt record and everything after it (CRC), never storing altered bytes', async () => {
    const bad = record(2, 'flipped');
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
    fs.writeFileSync(file, Buffer.concat([record(1, 'good'), bad, record(3, 'unreachable')]));
    const spool = await open();
    await spool.close();
    expect(await bodies()).toEqual(['good']);
  });

  it('empties the file while running once everything in it has moved and it passed the size limit', async () => {
    const spool = await open({ truncateBytes: 64 });
    for (let i = 0; i < 5; i++) await spool.append(Buffer.from(`body number ${i} `.repeat(4)), true);
    await spool.flush();
    expect(fs.statSync(file).size).toBe(0);
    await spool.close();
    expect((await bodies()).length).toBe(5);
  });
});
