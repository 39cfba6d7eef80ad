import { sql } from 'kysely';
import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Db, DbOrTx, PhoneNumberRow } from '../db/types.ts';
import { publishEvents } from '../events.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { applyUserPreferences } from '../modules/contacts/contacts.service.ts';
import { parseRawWebhook, type WebhookItem } from '../whatsapp/webhook-parse.ts';
import { applyInboundMessages, type InboundItem } from './inbound-apply.ts';
import { applyStatuses, type StatusItem } from './status-apply.ts';

export interface IngestDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

interface JournalRow {
  id: number;
  body: Buffer | Uint8Array;
  attempts: number;
}

interface DeadLetter {
  workspace_id: string | null;
  webhook_event_id: number;
  path: string | null;
  reason: string;
  payload: unknown;
}

/** How long a claimed journal row stays invisible to other workers before it is retried. */
const CLAIM_MS = 60_000;
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

  /** Claims and processes up to `limit` journal rows. Returns how many rows were processed. */
  async runOnce(limit = 500): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const claimed = await sql<JournalRow>`
      update webhook_events set locked_until = ${new Date(now.getTime() + CLAIM_MS)}, attempts = attempts + 1
      where id in (
        select id from webhook_events
        where processed_at is null and (locked_until is null or locked_until < ${now})
        order by id limit ${limit} for update skip locked)
      returning id, body, attempts`.execute(db);
    const rows = claimed.rows.sort((a, b) => a.id - b.id);
    if (rows.length === 0) return 0;
    try {
      await this.processRows(rows);
    } catch (err) {
      this.deps.logger.warn({ err, count: rows.length }, 'ingest batch failed; retrying events one by one');
      for (const row of rows) await this.processOneWithRetry(row);
    }
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
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.deps.logger.error({ err, webhookEventId: row.id }, 'webhook event failed');
      const { db, clock } = this.deps;
      if (row.attempts >= MAX_EVENT_ATTEMPTS) {
        await db.transaction().execute(async (tx) => {
          await insertDeadLetters(tx, clock, [
            {
              workspace_id: null,
              webhook_event_id: row.id,
              path: null,
              reason: `processing failed ${row.attempts} times: ${reason}`,
              payload: null,
            },
          ]);
          await tx
            .updateTable('webhook_events')
            .set({ processed_at: clock.now(), error: reason.slice(0, 2000), locked_until: null })
            .where('id', '=', row.id)
            .execute();
        });
        this.deps.metrics.deadLetters.inc({ reason: 'processing_failed' });
      } else {
        const backoff = 1000 * 2 ** row.attempts;
        await db
          .updateTable('webhook_events')
          .set({ error: reason.slice(0, 2000), locked_until: new Date(clock.nowMs() + backoff) })
          .where('id', '=', row.id)
          .execute();
      }
    }
  }

  private async processRows(rows: JournalRow[]): Promise<void> {
    const { db, clock, metrics } = this.deps;
    const parsed = rows.map((row) => ({ row, items: parseRawWebhook(Buffer.from(row.body)) }));
    const pnids = new Set<string>();
    for (const { items } of parsed)
      for (const item of items)
        if ('phoneNumberId' in item && item.phoneNumberId) pnids.add(item.phoneNumberId);
    const numbers = await loadNumbers(db, [...pnids]);

    const inbound: InboundItem[] = [];
    const statuses: StatusItem[] = [];
    const deadLetters: DeadLetter[] = [];
    const preferences: Array<{ number: PhoneNumberRow | null; wabaId: string | null; value: unknown }> = [];
    for (const { row, items } of parsed) {
      items.forEach((item, index) =>
        route(item, index, row.id, numbers, { inbound, statuses, deadLetters, preferences }),
      );
    }

    await db.transaction().execute(async (tx) => {
      const events: RealtimeEvent[] = [];
      const messages = await applyInboundMessages(tx, clock, inbound);
      events.push(...messages.events);
      const applied = await applyStatuses(tx, clock, statuses);
      events.push(...applied.events);
      for (const p of preferences) {
        const workspaceId = p.number?.workspace_id ?? (await workspaceOfWaba(tx, p.wabaId));
        if (workspaceId) await applyUserPreferences(tx, clock, workspaceId, p.value);
        else
          deadLetters.push({
            workspace_id: null,
            webhook_event_id: rows[0]?.id ?? 0,
            path: 'user_preferences',
            reason: 'user_preferences for an unknown WhatsApp Business Account',
            payload: p.value,
          });
      }
      await insertDeadLetters(tx, clock, deadLetters);
      await tx
        .updateTable('webhook_events')
        .set({ processed_at: clock.now(), locked_until: null, error: null })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      await publishEvents(tx, events);
      metrics.inboundMessages.inc(messages.inserted);
      metrics.statusesApplied.inc(applied.applied);
    });
    for (const d of deadLetters)
      metrics.deadLetters.inc({ reason: d.reason.split(':')[0]?.slice(0, 40) ?? 'unknown' });
    metrics.webhookEventsProcessed.inc(rows.length);
  }
}

function route(
  item: WebhookItem,
  index: number,
  eventId: number,
  numbers: Map<string, PhoneNumberRow>,
  out: {
    inbound: InboundItem[];
    statuses: StatusItem[];
    deadLetters: DeadLetter[];
    preferences: Array<{ number: PhoneNumberRow | null; wabaId: string | null; value: unknown }>;
  },
): void {
  const dead = (
    reason: string,
    path: string | null,
    payload: unknown,
    workspaceId: string | null = null,
  ): void => {
    out.deadLetters.push({ workspace_id: workspaceId, webhook_event_id: eventId, path, reason, payload });
  };
  switch (item.kind) {
    case 'message': {
      const number = numbers.get(item.phoneNumberId);
      if (!number)
        return dead(`unknown phone number id ${item.phoneNumberId}`, `item[${index}]`, item.message.raw);
      const m = item.message;
      const content: Record<string, unknown> = { ...m.raw };
      delete content.id;
      delete content.from;
      delete content.timestamp;
      out.inbound.push({
        number,
        wamid: m.wamid,
        from: m.from,
        profileName: item.contact?.name ?? null,
        timestamp: m.timestamp,
        type: m.type,
        content,
      });
      return;
    }
    case 'status': {
      const s = item.status;
      out.statuses.push({
        phoneNumberId: item.phoneNumberId,
        wamid: s.wamid,
        status: s.status,
        timestamp: s.timestamp,
        bizOpaqueCallbackData: s.bizOpaqueCallbackData,
        errors: s.errors,
        pricing: s.pricing,
      });
      return;
    }
    case 'account_error': {
      const number = item.phoneNumberId ? numbers.get(item.phoneNumberId) : undefined;
      const first = item.errors[0];
      return dead(
        `account error ${first?.code ?? ''}: ${first?.title ?? first?.message ?? 'unknown'}`,
        `item[${index}]`,
        item.errors,
        number?.workspace_id ?? null,
      );
    }
    case 'field': {
      if (item.field === 'user_preferences') {
        out.preferences.push({ number: null, wabaId: item.wabaId, value: item.value });
        return;
      }
      return dead(`unhandled webhook field ${item.field}`, `item[${index}]`, item.value);
    }
    case 'invalid':
      return dead(`invalid: ${item.reason}`, item.path, item.raw);
  }
}

async function loadNumbers(db: DbOrTx, pnids: string[]): Promise<Map<string, PhoneNumberRow>> {
  if (pnids.length === 0) return new Map();
  const rows = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('phone_number_id', 'in', pnids)
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.phone_number_id, r]));
}

async function workspaceOfWaba(db: DbOrTx, wabaId: string | null): Promise<string | null> {
  if (!wabaId) return null;
  const row = await db
    .selectFrom('phone_numbers')
    .select('workspace_id')
    .where('waba_id', '=', wabaId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row?.workspace_id ?? null;
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
        payload: d.payload === undefined ? null : JSON.stringify(d.payload),
        created_at: clock.now(),
      })),
    )
    .execute();
}
