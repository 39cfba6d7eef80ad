/**
 * SQL of lifecycle reminders: the `reminders` table and its `reminder_sends` ledger (both written only here), every
 * query scoped by workspace. Due triggers become ledger rows in ONE `INSERT … SELECT … ON CONFLICT DO NOTHING` per
 * run; the ledger's key (reminder, contact, trigger key) is what makes a trigger yield at most one reminder.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type { DbOrTx, ReminderRow } from '../../db/types.ts';

export function listReminderRows(db: DbOrTx, workspaceId: string): Promise<ReminderRow[]> {
  return db
    .selectFrom('reminders')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1000)
    .execute();
}

/** A reminder of the workspace; `lock` takes its row lock, so runs of one reminder happen one after the other. */
export function findReminderRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<ReminderRow | undefined> {
  let q = db.selectFrom('reminders').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Every enabled reminder of every workspace (what a scheduled tick runs). */
export function listEnabledReminders(db: DbOrTx): Promise<Array<{ id: string; workspaceId: string }>> {
  return db
    .selectFrom('reminders')
    .select(['id', 'workspace_id as workspaceId'])
    .where('enabled', '=', true)
    .orderBy('id')
    .execute();
}

/** The stored columns of a reminder (documents as JSON text). */
export interface ReminderFields {
  name: string;
  enabled: boolean;
  trigger: Record<string, unknown>;
  condition: ConditionNode | null;
  conditionText: string | null;
  phoneNumberId: string;
  template: Record<string, unknown>;
  quietHours: Record<string, unknown>;
}

export function insertReminderRow(
  db: DbOrTx,
  row: ReminderFields & { id: string; workspaceId: string; createdBy: string | null; at: Date },
): Promise<ReminderRow> {
  return db
    .insertInto('reminders')
    .values({
      id: row.id,
      workspace_id: row.workspaceId,
      name: row.name,
      enabled: row.enabled,
      trigger: JSON.stringify(row.trigger),
      condition: row.condition ? JSON.stringify(row.condition) : null,
      condition_text: row.conditionText,
      phone_number_id: row.phoneNumberId,
      template: JSON.stringify(row.template),
      quiet_hours: JSON.stringify(row.quietHours),
      created_by: row.createdBy,
      created_at: row.at,
      updated_at: row.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateReminderRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  change: ReminderFields & { at: Date },
): Promise<ReminderRow | undefined> {
  return db
    .updateTable('reminders')
    .set({
      name: change.name,
      enabled: change.enabled,
      trigger: JSON.stringify(change.trigger),
      condition: change.condition ? JSON.stringify(change.condition) : null,
      condition_text: change.conditionText,
      phone_number_id: change.phoneNumberId,
      template: JSON.stringify(change.template),
      quiet_hours: JSON.stringify(change.quietHours),
      updated_at: change.at,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteReminderRow(db: DbOrTx, workspaceId: string, id: string): Promise<number> {
  const r = await db
    .deleteFrom('reminders')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The workspace's number (its WABA owns the template) and the workspace's time zone; undefined when not its own. */
export function findSendingNumber(
  db: DbOrTx,
  workspaceId: string,
  id: string,
): Promise<{ id: string; waba_id: string; workspaceTimeZone: string } | undefined> {
  return db
    .selectFrom('phone_numbers as p')
    .innerJoin('workspaces as w', 'w.id', 'p.workspace_id')
    .select(['p.id', 'p.waba_id', 'w.timezone as workspaceTimeZone'])
    .where('p.workspace_id', '=', workspaceId)
    .where('p.id', '=', id)
    .executeTakeFirst();
}

/** What a run needs to find a reminder's due triggers. */
export interface DueTriggerQuery {
  workspaceId: string;
  reminderId: string;
  /** Triggers due before the reminder existed are not sent (no backlog of past history on creation). */
  since: Date;
  delayHours: number;
  now: Date;
  /** The compiled condition over contacts aliased `c`, or null for none. */
  where: RawBuilder<SqlBool> | null;
}

/**
 * Ledger rows for every contact whose latest `event` is due (`occurred_at + delay <= now`), keyed by that event's
 * id: a newer event is a new trigger (and restarts the clock), a rerun inserts nothing. Returns rows inserted.
 */
export async function insertDueEventTriggers(
  tx: DbOrTx,
  q: DueTriggerQuery & { event: string },
): Promise<number> {
  const delay = sql`make_interval(hours => ${q.delayHours})`;
  const res = await sql`
    insert into reminder_sends
      (workspace_id, reminder_id, contact_id, trigger_key, triggered_at, due_at, status, created_at, updated_at)
    select ${q.workspaceId}, ${q.reminderId}, e.contact_id, e.id::text, e.occurred_at, e.occurred_at + ${delay},
      'pending', ${q.now}, ${q.now}
    from (
      select distinct on (contact_id) id, contact_id, occurred_at
      from contact_events
      where workspace_id = ${q.workspaceId} and name = ${q.event}
      order by contact_id, occurred_at desc, id desc
    ) e
    join contacts c on c.workspace_id = ${q.workspaceId} and c.id = e.contact_id and c.merged_into_id is null and c.archived_at is null
    where e.occurred_at + ${delay} <= ${q.now} and e.occurred_at + ${delay} >= ${q.since}
      and ${q.where ?? sql`true`}
    on conflict do nothing`.execute(tx);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * Ledger rows for every campaign message read `delay` ago or more whose contact sent no message since the read,
 * keyed by the message id. Returns rows inserted.
 */
export async function insertDueReadNoReplyTriggers(tx: DbOrTx, q: DueTriggerQuery): Promise<number> {
  const delay = sql`make_interval(hours => ${q.delayHours})`;
  const res = await sql`
    insert into reminder_sends
      (workspace_id, reminder_id, contact_id, trigger_key, triggered_at, due_at, status, created_at, updated_at)
    select ${q.workspaceId}, ${q.reminderId}, r.contact_id, r.message_id::text, r.read_at, r.read_at + ${delay},
      'pending', ${q.now}, ${q.now}
    from campaign_recipients r
    join contacts c on c.workspace_id = r.workspace_id and c.id = r.contact_id and c.merged_into_id is null and c.archived_at is null
    where r.workspace_id = ${q.workspaceId} and r.message_id is not null and r.read_at is not null
      and r.replied_at is null
      and r.read_at + ${delay} <= ${q.now} and r.read_at + ${delay} >= ${q.since}
      and not exists (
        select 1 from messages m
        where m.workspace_id = r.workspace_id and m.contact_id = r.contact_id and m.direction = 'inbound'
          and m.occurred_at > r.read_at)
      and ${q.where ?? sql`true`}
    on conflict do nothing`.execute(tx);
  return Number(res.numAffectedRows ?? 0);
}

/** A pending ledger row that is due, with what sending it needs to know about its contact. */
export interface DueSend {
  contact_id: string;
  trigger_key: string;
  triggered_at: Date;
  name: string | null;
  profile_name: string | null;
  phone_e164: string | null;
  country: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
  unreachable: boolean;
  /** The contact sent a message after the trigger (what a read-no-reply reminder is re-checked for). */
  replied: boolean;
}

/** Claims due pending rows of a reminder (`FOR UPDATE SKIP LOCKED`), oldest first. */
export async function claimDueSends(
  tx: DbOrTx,
  input: { workspaceId: string; reminderId: string; now: Date; limit: number },
): Promise<DueSend[]> {
  const res = await sql<DueSend>`
    select s.contact_id, s.trigger_key, s.triggered_at, c.name, c.profile_name, c.phone_e164, c.country,
      c.timezone, c.attributes, c.unreachable_at is not null as unreachable,
      exists (
        select 1 from messages m
        where m.workspace_id = s.workspace_id and m.contact_id = s.contact_id and m.direction = 'inbound'
          and m.occurred_at > s.triggered_at) as replied
    from reminder_sends s
    join contacts c on c.workspace_id = s.workspace_id and c.id = s.contact_id
    where s.workspace_id = ${input.workspaceId} and s.reminder_id = ${input.reminderId}
      and s.status = 'pending' and s.due_at <= ${input.now}
    order by s.due_at, s.contact_id
    limit ${input.limit}
    for update of s skip locked`.execute(tx);
  return res.rows;
}

/**
 * Moves ledger rows of a reminder in one statement: queued with their message, skipped with a reason, or carried to a
 * later time (still pending). Only pending rows move, so a stale update is a no-op.
 */
export async function updateSends(
  tx: DbOrTx,
  key: { workspaceId: string; reminderId: string; now: Date },
  rows: Array<{
    contactId: string;
    triggerKey: string;
    set: { status: 'queued'; messageId: string } | { status: 'skipped'; reason: string } | { dueAt: Date };
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (set: (typeof rows)[number]['set']) => T | null) => rows.map((r) => f(r.set));
  await sql`
    update reminder_sends s set
      status = coalesce(t.status, s.status), skip_reason = t.reason, message_id = t.message_id,
      due_at = coalesce(t.due_at, s.due_at), updated_at = ${key.now}
    from unnest(${rows.map((r) => r.contactId)}::uuid[], ${rows.map((r) => r.triggerKey)}::text[],
      ${col((x) => ('status' in x ? x.status : null))}::text[],
      ${col((x) => ('reason' in x ? x.reason : null))}::text[],
      ${col((x) => ('messageId' in x ? x.messageId : null))}::uuid[],
      ${col((x) => ('dueAt' in x ? x.dueAt.toISOString() : null))}::timestamptz[])
      as t(contact_id, trigger_key, status, reason, message_id, due_at)
    where s.workspace_id = ${key.workspaceId} and s.reminder_id = ${key.reminderId}
      and s.contact_id = t.contact_id and s.trigger_key = t.trigger_key and s.status = 'pending'`.execute(tx);
}

/** Stores a run's counts on the reminder and adds them to its totals. */
export async function recordReminderRun(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  run: { at: Date; sent: number; skipped: Record<string, number>; deferred: number },
): Promise<void> {
  const skipped = JSON.stringify(run.skipped);
  await sql`
    update reminders set
      last_run_at = ${run.at},
      last_run = ${JSON.stringify({ sent: run.sent, skipped: run.skipped, deferred: run.deferred })}::jsonb,
      sent_total = sent_total + ${run.sent},
      skipped_total = (
        select coalesce(jsonb_object_agg(k, coalesce((skipped_total ->> k)::int, 0)
          + coalesce((${skipped}::jsonb ->> k)::int, 0)), '{}'::jsonb)
        from (select jsonb_object_keys(skipped_total) as k
              union select jsonb_object_keys(${skipped}::jsonb)) keys)
    where workspace_id = ${workspaceId} and id = ${id}`.execute(db);
}
