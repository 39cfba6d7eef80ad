import { mkdirSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { sql } from 'kysely';
import type { Clock } from '../../lib/clock.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../lib/logger.ts';
import { WEBHOOKS_CHANNEL, type WebhookSink } from './journal.ts';

/**
 * The webhook journal of an embedded (PGlite) deployment: an append-only file in the data directory.
 *
 * PGlite is one database connection. An acknowledgement that had to write `webhook_events` waited behind the
 * ingest transaction holding that connection (ack p99 ~60 ms at 1,000 webhooks/s). Here the receiver's durable
 * step is an append plus `fdatasync` to this file — no database involved — and a mover copies spooled bodies
 * into `webhook_events` a moment later, where ingest takes them as before.
 *
 * Exactly once: every record carries a sequence number; the mover inserts a batch and raises
 * `webhook_spool_state.moved_seq` in one statement, so after a crash `open()` moves precisely the records above it.
 * A record torn by a crash mid-write was never acknowledged (its `fdatasync` had not returned), so recovery cuts
 * it off: Meta retries what was not answered 200. The file is emptied whenever everything in it has been moved
 * and it has grown past `truncateBytes`, and always on open and close.
 *
 * Written by hand because it is Tsunagi's own durability step; the record format is small: a 25-byte header
 * (body length u32, CRC-32 u32 of the rest, sequence u64, received-at ms i64, signature-valid u8) and the body.
 */
export class WebhookSpool implements WebhookSink {
  private fh: FileHandle | null = null;
  private nextSeq = 1;
  private bytes = 0;
  private queue: Pending[] = [];
  private writeScheduled = false;
  private writing: Promise<void> | null = null;
  private unmoved: SpoolRecord[] = [];
  private moving: Promise<void> | null = null;
  private moveFailures = 0;
  private broken: unknown = null;
  private closed = false;

  private constructor(private readonly opts: SpoolOptions) {}

  /** Opens (or creates) the spool file, cuts off a torn tail, and moves what an earlier process left unmoved. */
  static async open(opts: SpoolOptions): Promise<WebhookSpool> {
    const spool = new WebhookSpool(opts);
    await spool.recover();
    return spool;
  }

  /** Resolves once the body is on disk (appended and `fdatasync`ed). */
  append(body: Buffer, signatureValid: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the webhook spool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ body, signatureValid, resolve, reject });
      this.scheduleWrite();
    });
  }

  /** Resolves once everything appended so far is in `webhook_events` (tests drain with it; close uses it). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.writing) await this.writing;
      else if (this.queue.length > 0 || this.writeScheduled) await new Promise((r) => setImmediate(r));
      else if (this.moving) await this.moving;
      else if (this.unmoved.length > 0) this.startMoving();
      else return;
    }
  }

  /** Spooled records not yet in `webhook_events` (for /metrics and tests). */
  get backlog(): number {
    return this.unmoved.length + this.queue.length;
  }

  /** When the oldest spooled record not yet in `webhook_events` was received (null when none). */
  get oldestBacklogAt(): Date | null {
    return this.unmoved[0]?.receivedAt ?? null;
  }

  /** Stops taking bodies, moves what is spooled (one attempt) and empties the file when all of it moved. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.writing) await this.writing;
    if (this.moving) await this.moving;
    if (this.unmoved.length > 0) await this.moveOnce().catch(() => undefined);
    await this.truncateIfMoved(0);
    await this.fh?.close();
    this.fh = null;
  }

  private async recover(): Promise<void> {
    mkdirSync(path.dirname(this.opts.file), { recursive: true });
    this.fh = await open(this.opts.file, 'a+', 0o600);
    const content = await readFile(this.opts.file);
    const { records, goodBytes } = decodeSpool(content);
    if (goodBytes < content.length) {
      this.opts.logger.warn(
        { file: this.opts.file, cutBytes: content.length - goodBytes },
        'webhook spool: cut off a record torn by a crash (it was never acknowledged)',
      );
      await this.fh.truncate(goodBytes);
      await this.fh.datasync();
    }
    this.bytes = goodBytes;
    const moved = await movedSeq(this.opts.db);
    this.unmoved = records.filter((r) => r.seq > moved);
    this.nextSeq = Math.max(moved, records.at(-1)?.seq ?? 0) + 1;
    if (this.unmoved.length > 0)
      this.opts.logger.info(
        { records: this.unmoved.length },
        'webhook spool: moving bodies left by the last run',
      );
    while (this.unmoved.length > 0) await this.moveOnce();
    await this.truncateIfMoved(0);
  }

  private scheduleWrite(): void {
    if (this.writeScheduled || this.writing) return;
    this.writeScheduled = true;
    // Wait for the rest of this turn of the event loop so that requests arriving together share one fdatasync.
    setImmediate(() => {
      this.writeScheduled = false;
      this.writing = this.writeBatch().finally(() => {
        this.writing = null;
        if (this.queue.length > 0) this.scheduleWrite();
      });
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 500);
    if (batch.length === 0) return;
    const fh = this.fh;
    if (!fh || this.broken) {
      for (const p of batch) p.reject(this.broken ?? new Error('the webhook spool is closed'));
      return;
    }
    const receivedAt = this.clock.now();
    const records = batch.map((p) => ({
      seq: this.nextSeq++,
      receivedAt,
      signatureValid: p.signatureValid,
      body: p.body,
    }));
    const buf = Buffer.concat(records.map(encodeRecord));
    try {
      let written = 0;
      while (written < buf.length) written += (await fh.write(buf, written)).bytesWritten;
      await fh.datasync();
    } catch (err) {
      for (const p of batch) p.reject(err);
      // A partial record in the middle of the file would hide every later one from recovery: cut it off now.
      // If even that fails the spool refuses further bodies (503 to Meta, which retries) rather than risk it.
      try {
        await fh.truncate(this.bytes);
      } catch (truncateErr) {
        this.broken = truncateErr;
        this.opts.logger.error(
          { err: truncateErr },
          'webhook spool: cannot repair the file; refusing webhooks',
        );
      }
      return;
    }
    this.bytes += buf.length;
    this.unmoved.push(...records);
    for (const p of batch) p.resolve();
    this.startMoving();
  }

  private get clock(): Clock {
    return this.opts.clock;
  }

  private startMoving(): void {
    if (this.moving) return;
    this.moving = this.moveAll().finally(() => {
      this.moving = null;
    });
  }

  private async moveAll(): Promise<void> {
    while (this.unmoved.length > 0) {
      try {
        await this.moveOnce();
        this.moveFailures = 0;
      } catch (err) {
        this.moveFailures++;
        this.opts.logger.warn(
          { err, failures: this.moveFailures },
          'webhook spool: moving into the database failed',
        );
        if (this.closed) return;
        // The bodies are safe on disk; retry with a bounded back-off (the database may be restarting).
        await new Promise((r) => setTimeout(r, Math.min(5_000, 50 * 2 ** this.moveFailures)).unref());
      }
    }
    await this.truncateIfMoved(this.opts.truncateBytes ?? 16 * 1024 * 1024);
  }

  /** Inserts the oldest unmoved records and raises `moved_seq` in one statement. */
  private async moveOnce(): Promise<void> {
    const batch = this.unmoved.slice(0, this.opts.moveBatch ?? 500);
    const last = batch.at(-1);
    if (!last) return;
    const values = sql.join(
      batch.map((r) => sql`(${r.receivedAt}::timestamptz, ${r.body}::bytea, ${r.signatureValid}::boolean)`),
    );
    await sql`
      with ins as (insert into webhook_events (received_at, body, signature_valid) values ${values} returning 1),
      mark as (
        insert into webhook_spool_state (id, moved_seq) values (1, ${last.seq})
        on conflict (id) do update set moved_seq = greatest(webhook_spool_state.moved_seq, excluded.moved_seq)
        returning 1),
      wake as (select pg_notify(${WEBHOOKS_CHANNEL}, ''))
      select count(*) from ins cross join wake`.execute(this.opts.db);
    this.unmoved.splice(0, batch.length);
  }

  /** Empties the file when every record in it has been moved and it is larger than `atLeastBytes`. */
  private async truncateIfMoved(atLeastBytes: number): Promise<void> {
    const fh = this.fh;
    if (!fh || this.bytes === 0 || this.bytes < atLeastBytes) return;
    if (this.unmoved.length > 0 || this.writing || this.queue.length > 0) return;
    await fh.truncate(0);
    await fh.datasync();
    this.bytes = 0;
  }
}

/** What `WebhookSpool.open` needs. */
export interface SpoolOptions {
  /** The spool file, in the data directory. */
  file: string;
  /** Where `webhook_events` lives (PGlite's urgent lane: moves jump ahead of ingest's queued statements). */
  db: Db;
  clock: Clock;
  logger: Logger;
  maxBatch?: number;
  moveBatch?: number;
  /** Empty the file once it is this large and fully moved (default 16 MiB). */
  truncateBytes?: number;
}

interface Pending {
  body: Buffer;
  signatureValid: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** One spooled webhook body. */
export interface SpoolRecord {
  seq: number;
  receivedAt: Date;
  signatureValid: boolean;
  body: Buffer;
}

const HEADER_BYTES = 25;

/** Encodes one record: header (length, CRC-32 of what follows it, seq, received-at, signature flag) + body. */
export function encodeRecord(r: SpoolRecord): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES + r.body.length);
  buf.writeUInt32LE(r.body.length, 0);
  buf.writeBigUInt64LE(BigInt(r.seq), 8);
  buf.writeBigInt64LE(BigInt(r.receivedAt.getTime()), 16);
  buf.writeUInt8(r.signatureValid ? 1 : 0, 24);
  r.body.copy(buf, HEADER_BYTES);
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
  return buf;
}

/** Decodes records from the start of a spool file up to the first incomplete or corrupt one. */
export function decodeSpool(buf: Buffer): { records: SpoolRecord[]; goodBytes: number } {
  const records: SpoolRecord[] = [];
  let at = 0;
  while (buf.length - at >= HEADER_BYTES) {
    const length = buf.readUInt32LE(at);
    const end = at + HEADER_BYTES + length;
    if (end > buf.length) break;
    if (crc32(buf.subarray(at + 8, end)) !== buf.readUInt32LE(at + 4)) break;
    records.push({
      seq: Number(buf.readBigUInt64LE(at + 8)),
      receivedAt: new Date(Number(buf.readBigInt64LE(at + 16))),
      signatureValid: buf.readUInt8(at + 24) === 1,
      body: Buffer.from(buf.subarray(at + HEADER_BYTES, end)),
    });
    at = end;
  }
  return { records, goodBytes: at };
}

async function movedSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('webhook_spool_state').select('moved_seq').executeTakeFirst();
  return row ? Number(row.moved_seq) : 0;
}
