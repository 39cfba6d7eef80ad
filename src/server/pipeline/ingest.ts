import { sql } from 'kysely';
import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Db, DbOrTx, PhoneNumberRow } from '../db/types.ts';
import { publishEvents } from '../events.ts';
import type { Logger } from '../lib/logger.ts';
import { mapInSlices } from '../lib/loop.ts';
import type { Metrics } from '../lib/metrics.ts';
import { applyUserPreferences } from '../modules/consent/consent.service.ts';
import { applyTemplateWebhook } from '../modules/templates/templates-sync.service.ts';
import { parseRawWebhook, type WebhookItem } from '../whatsapp/webhook-parse.ts';
import { applyInboundMessages } from './inbound-apply.ts';
import { applyStatuses } from '../modules/messages/message-status.service.ts';
import { workspacesOfPreference, workspacesOfWaba } from './waba-routing.ts';
import { applyHealthWebhook } from '../modules/phone-numbers/phone-numbers-health.service.ts';
import {
  deadLetterPayload,
  emptyRouted,
  routeItem,
  type DeadLetter,
  type RoutedItems,
} from './webhook-routing.ts';

export interface IngestDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /**
   * This is the only process and loop that ingests from this database (embedded PGlite: the data-directory lock
   * and one ingest loop guarantee it). Rows are then read without a claim and parsed before the transaction
   * takes the one connection; the transaction still locks them and skips any already processed.
   */
  exclusive?: boolean;
}

/** A journal row and the items of its body. */
interface ParsedRow {
  row: JournalRow;
  items: WebhookItem[];
}

interface JournalRow {
  id: number;
  body: Buffer | Uint8Array;
  attempts: number;
}

/**
 * How long PostgreSQL keeps an ingest transaction whose client has gone silent (its machine lost) before ending
 * the session and releasing the journal rows it claimed. A live batch never waits on its client for long.
 */
const CLAIM_IDLE_TIMEOUT = '60s';
/** After this many failed attempts at a whole event, it is dead-lettered instead of retried. */
const MAX_EVENT_ATTEMPTS = 5;

/**
 * The inbound half of the pipeline: claims journaled webhook bodies (`FOR UPDATE SKIP LOCKED`, so any number
 * of workers share the work), parses every entry/change/message/status, and applies them set-based in one
 * transaction per batch. Anything it cannot apply is dead-lettered with the reason — never dropped, never a
 * crash. If a whole batch fails, its events are retried one by one so one bad body cannot block the rest.
 */
export class InboundIngestor {
  constructor(private readonly deps: IngestDeps) {}

  /**
   * Claims and processes up to `limit` journal rows. Returns how many rows were processed.
   *
   * The claim is a row lock (`FOR UPDATE SKIP LOCKED`) held by the transaction that applies the batch: other
   * workers skip the rows while it runs, and a crash releases them with its connection. Nothing is written to
   * claim a row — an UPDATE-based lease wrote a new version of every ~1 KB journal row (and its index entries)
   * just to take it, one of the largest costs of ingest on PostgreSQL. A worker whose machine vanishes leaves
   * its session idle in the transaction: PostgreSQL ends it after `CLAIM_IDLE_TIMEOUT`, releasing the rows.
   */
  async runOnce(limit = 500): Promise<number> {
    const { db, clock } = this.deps;
    if (this.deps.exclusive) return this.processBatch(await pendingRows(db, clock.now(), limit, false));
    let claimed: JournalRow[] = [];
    try {
      const processed = await db.transaction().execute(async (tx) => {
        await sql`set local idle_in_transaction_session_timeout = ${sql.lit(CLAIM_IDLE_TIMEOUT)}`.execute(tx);
        claimed = await pendingRows(tx, clock.now(), limit, true);
        if (claimed.length > 0) await this.applyParsed(tx, await parseRows(claimed));
        return claimed.length;
      });
      this.deps.metrics.webhookEventsProcessed.inc(processed);
      return processed;
    } catch (err) {
      if (claimed.length === 0) throw err;
      return this.retryOneByOne(claimed, err);
    }
  }

  /** Processes rows read without a claim (`exclusive`): parsed first, then applied under their row locks. */
  private async processBatch(rows: JournalRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    try {
      await this.processRows(rows);
    } catch (err) {
      return this.retryOneByOne(rows, err);
    }
    return rows.length;
  }

  private async retryOneByOne(rows: JournalRow[], err: unknown): Promise<number> {
    this.deps.logger.warn({ err, count: rows.length }, 'ingest batch failed; retrying events one by one');
    for (const row of rows) await this.processOneWithRetry(row);
    return rows.length;
  }

  /** Processes journal rows until none is left (tests and `tsunagi webhooks replay`). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
  }

  private async processOneWithRetry(row: JournalRow): Promise<void> {
    try {
      await this.processRows([row]);
    } catch (first) {
      try {
        if (!isTransient(first)) return await this.processItemsOneByOne(row);
        throw first;
      } catch (err) {
        await this.recordFailure(row, err);
      }
    }
  }

  /**
   * A body that failed for another reason (the database unavailable…): retried with backoff, then
   * dead-lettered. Only failures count as attempts; a crash during a batch releases its rows untouched.
   */
  private async recordFailure(row: JournalRow, err: unknown): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    this.deps.logger.error({ err, webhookEventId: row.id }, 'webhook event failed');
    const { db, clock } = this.deps;
    const attempts = row.attempts + 1;
    if (attempts >= MAX_EVENT_ATTEMPTS) {
      await db.transaction().execute(async (tx) => {
        await insertDeadLetters(tx, clock, [
          {
            workspace_id: null,
            webhook_event_id: row.id,
            path: null,
            reason: `processing failed ${attempts} times: ${reason}`,
            payload: null,
          },
        ]);
        await tx
          .updateTable('webhook_events')
          .set({ processed_at: clock.now(), attempts, error: reason.slice(0, 2000), locked_until: null })
          .where('id', '=', row.id)
          .execute();
      });
      this.deps.metrics.deadLetters.inc({ reason: 'processing_failed' });
    } else {
      const backoff = 1000 * 2 ** attempts;
      await db
        .updateTable('webhook_events')
        .set({ attempts, error: reason.slice(0, 2000), locked_until: new Date(clock.nowMs() + backoff) })
        .where('id', '=', row.id)
        .execute();
    }
  }

  /**
   * Parses rows, then applies them in a transaction of their own that locks them first (waiting, not skipping):
   * a row another worker took meanwhile is applied there, and left out here once that worker has committed.
   * Serves the exclusive loop and the retry of a failed batch.
   */
  private async processRows(rows: JournalRow[]): Promise<void> {
    const parsed = await parseRows(rows);
    const processed = await this.deps.db.transaction().execute(async (tx) => {
      const mine = await lockUnprocessed(
        tx,
        rows.map((r) => r.id),
      );
      const left = parsed.filter((p) => mine.has(p.row.id));
      if (left.length > 0) await this.applyParsed(tx, left);
      return left.length;
    });
    this.deps.metrics.webhookEventsProcessed.inc(processed);
  }

  /** Routes and applies parsed, locked journal rows in the caller's transaction, then marks them processed. */
  private async applyParsed(tx: DbOrTx, parsed: ParsedRow[]): Promise<void> {
    const numbers = await loadNumbers(
      tx,
      parsed.flatMap((p) => p.items),
    );
    const routed = emptyRouted();
    for (const { row, items } of parsed)
      items.forEach((item, index) => routeItem(item, index, row.id, numbers, routed));
    await this.apply(tx, routed);
    await markProcessed(
      tx,
      this.deps.clock,
      parsed.map((p) => p.row.id),
    );
  }

  /**
   * The last resort for a body that failed for a reason other than the database being unavailable (a value
   * the database refuses, a shape no code expected): each item is applied in its own transaction, and the
   * ones that still fail are dead-lettered with the reason, so one bad item never costs the good ones beside
   * it — before or after it. Only a transient failure (connection, serialization, shutdown) is rethrown, and
   * the whole body is retried later (items already applied are idempotent).
   */
  private async processItemsOneByOne(row: JournalRow): Promise<void> {
    const { db, clock } = this.deps;
    const items = parseRawWebhook(Buffer.from(row.body));
    const numbers = await loadNumbers(db, items);
    for (const [index, item] of items.entries()) {
      const routed = emptyRouted();
      try {
        routeItem(item, index, row.id, numbers, routed);
        await db.transaction().execute((tx) => this.apply(tx, routed));
      } catch (err) {
        if (isTransient(err)) throw err;
        const why = err instanceof Error ? err.message : String(err);
        const reason = isDataError(err) ? `not storable: ${why}` : `not applicable: ${why}`;
        const letter: DeadLetter = {
          workspace_id: null,
          webhook_event_id: row.id,
          path: `item[${index}]`,
          reason,
          payload: item,
        };
        // The payload is made storable, but if the database still refuses it, the reason alone is kept.
        await db
          .transaction()
          .execute((tx) => insertDeadLetters(tx, clock, [letter]))
          .catch((e: unknown) => {
            if (isTransient(e)) throw e;
            return db
              .transaction()
              .execute((tx) => insertDeadLetters(tx, clock, [{ ...letter, payload: undefined }]));
          });
        this.deps.metrics.deadLetters.inc({ reason: reason.slice(0, reason.indexOf(':')) });
      }
    }
    await markProcessed(db, clock, [row.id]);
    this.deps.metrics.webhookEventsProcessed.inc(1);
  }

  /** Applies routed items in the caller's transaction and publishes their events there. */
  private async apply(tx: DbOrTx, routed: RoutedItems): Promise<void> {
    const { clock, metrics } = this.deps;
    const events: RealtimeEvent[] = [];
    const messages = await applyInboundMessages(tx, clock, routed.inbound);
    events.push(...messages.events);
    const applied = await applyStatuses(tx, clock, routed.statuses);
    events.push(...applied.events);
    const deadLetters = [...routed.deadLetters];
    // Preferences are applied per workspace, in journal order, a few statements for the whole batch.
    const preferencesOf = new Map<string, unknown[]>();
    const workspacesOf = new Map<string, string[]>();
    for (const p of routed.preferences) {
      const key = `${p.phoneNumberId ?? ''}|${p.wabaId ?? ''}`;
      const workspaceIds = workspacesOf.get(key) ?? (await workspacesOfPreference(tx, p));
      workspacesOf.set(key, workspaceIds);
      for (const workspaceId of workspaceIds) {
        const values = preferencesOf.get(workspaceId);
        if (values) values.push(p.value);
        else preferencesOf.set(workspaceId, [p.value]);
      }
      if (workspaceIds.length === 0)
        deadLetters.push({
          workspace_id: null,
          webhook_event_id: p.webhookEventId,
          path: 'user_preferences',
          reason: 'user_preferences for an unknown WhatsApp Business Account',
          payload: p.value,
        });
    }
    for (const [workspaceId, values] of preferencesOf)
      await applyUserPreferences(tx, clock, workspaceId, values);
    for (const t of routed.templates) {
      const workspaceIds = await workspacesOfWaba(tx, t.wabaId);
      let applied = workspaceIds.length > 0;
      for (const workspaceId of workspaceIds)
        applied = (await applyTemplateWebhook(tx, clock, workspaceId, t.wabaId, t.value)) && applied;
      if (!applied)
        deadLetters.push({
          workspace_id: workspaceIds[0] ?? null,
          webhook_event_id: t.webhookEventId,
          path: t.path,
          reason:
            workspaceIds.length === 0
              ? 'template update for an unknown WhatsApp Business Account'
              : 'template update of an unexpected shape',
          payload: t.value,
        });
    }
    for (const h of routed.healthUpdates) {
      const workspaceIds = await workspacesOfWaba(tx, h.wabaId);
      const changed = await applyHealthWebhook(tx, clock, workspaceIds, { ...h, value: h.payload });
      if (changed === 0)
        deadLetters.push({
          workspace_id: workspaceIds[0] ?? null,
          webhook_event_id: h.webhookEventId,
          path: h.path,
          reason: h.reason,
          payload: h.payload,
        });
    }
    for (const l of routed.wabaLetters) {
      const workspaceIds = await workspacesOfWaba(tx, l.wabaId);
      for (const workspaceId of workspaceIds.length > 0 ? workspaceIds : [null])
        deadLetters.push({
          workspace_id: workspaceId,
          webhook_event_id: l.webhookEventId,
          path: l.path,
          reason: l.reason,
          payload: l.payload,
        });
    }
    await insertDeadLetters(tx, clock, deadLetters);
    await publishEvents(tx, events);
    metrics.inboundMessages.inc(messages.inserted);
    metrics.statusesApplied.inc(applied.applied);
    for (const d of deadLetters)
      metrics.deadLetters.inc({ reason: d.reason.split(/[:"]/)[0]?.trim().slice(0, 40) ?? 'unknown' });
  }
}

/**
 * Errors caused by the data rather than by the database being unavailable: SQLSTATE classes 22 (data
 * exception), 23 (integrity), 54 (program limit, e.g. an index row too large), and values JavaScript cannot
 * represent (an out-of-range date).
 */
function isDataError(err: unknown): boolean {
  if (err instanceof RangeError) return true;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/**
 * Failures worth retrying the whole body for later: the database unreachable or shutting down (SQLSTATE
 * classes 08, 57, 58), out of resources (53), a serialization failure or deadlock (40), or a network error of
 * the driver (`ECONNRESET`, a terminated connection). Anything else is about the item and is dead-lettered with it.
 */
function isTransient(err: unknown): boolean {
  if (isDataError(err)) return false;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return /^(08|40|53|57|58)[0-9A-Z]{3}$/.test(code) || /^E[A-Z]+$/.test(code);
  // The pg driver's own connection errors carry no code.
  return err instanceof Error && /connection|terminated|timeout/i.test(err.message);
}

/**
 * Journal rows due for ingest (unprocessed, not backing off after a failure), oldest first; `claim` locks them
 * for the caller's transaction, skipping rows another worker holds. Read by a database function (migration
 * 20261216100000) in the pending index's order, so each read marks the index entries of rows already processed and
 * the next one skips them; the bitmap scan the planner chose without statistics read every such entry every time.
 */
export async function pendingRows(
  db: DbOrTx,
  now: Date,
  limit: number,
  claim: boolean,
): Promise<JournalRow[]> {
  const res = await sql<JournalRow>`
    select id, body, attempts from tsunagi_pending_webhook_events(${now}, ${limit}, ${claim})`.execute(db);
  return res.rows;
}

function parseRow(row: JournalRow): ParsedRow {
  return { row, items: parseRawWebhook(Buffer.from(row.body)) };
}

/** Bodies parsed between two yields to the event loop (~15 µs each): a batch of 500 takes several milliseconds. */
const PARSE_SLICE = 64;

function parseRows(rows: JournalRow[]): Promise<ParsedRow[]> {
  return mapInSlices(rows, PARSE_SLICE, parseRow);
}

/** Locks the journal rows of a batch that are still unprocessed, in id order; returns their ids. */
async function lockUnprocessed(tx: DbOrTx, ids: number[]): Promise<Set<number>> {
  const locked = await sql<{ id: number | string }>`
    select id from webhook_events where id = any(${ids}::bigint[]) and processed_at is null
    order by id for update`.execute(tx);
  return new Set(locked.rows.map((r) => Number(r.id)));
}

async function markProcessed(db: DbOrTx, clock: Clock, ids: number[]): Promise<void> {
  await sql`update webhook_events set processed_at = ${clock.now()}, locked_until = null, error = null where id = any(${ids}::bigint[])`.execute(
    db,
  );
}

/** The registered numbers the items are addressed to, by Cloud API phone number id. */
async function loadNumbers(db: DbOrTx, items: WebhookItem[]): Promise<Map<string, PhoneNumberRow>> {
  const pnids = [
    ...new Set(items.flatMap((i) => ('phoneNumberId' in i && i.phoneNumberId ? [i.phoneNumberId] : []))),
  ];
  if (pnids.length === 0) return new Map();
  const rows = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('phone_number_id', 'in', pnids)
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.phone_number_id, r]));
}

async function insertDeadLetters(tx: DbOrTx, clock: Clock, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await tx
    .insertInto('dead_letters')
    .values(
      letters.map((d) => ({
        id: newId(),
        workspace_id: d.workspace_id,
        source: 'webhook',
        webhook_event_id: d.webhook_event_id,
        path: d.path,
        reason: d.reason.slice(0, 1000),
        payload: deadLetterPayload(d.payload),
        created_at: clock.now(),
      })),
    )
    .execute();
}
