/**
 * Lifecycle reminders: a template sent to a contact `delayHours` after a trigger — the latest contact event of a
 * name, or a campaign message read without a reply since — when the reminder's condition holds.
 *
 * A run (scheduled every 5 minutes, `reminders.jobs.ts`) is two steps. First ONE `INSERT … SELECT … ON CONFLICT DO
 * NOTHING` writes a `reminder_sends` ledger row for every due trigger, keyed (reminder, contact, trigger key), so a
 * trigger yields at most one row whatever reruns, second workers or crashes happen. Then due pending rows are
 * released in batches, each ONE transaction that claims rows `FOR UPDATE SKIP LOCKED`, skips or defers them
 * (`reminders.rules.ts`: replied, unreachable, quiet hours in the contact's zone) and queues the rest through the
 * messages module's batch path (`queueToContactsInTransaction`: bulk lane, marketing consent checked, idempotency key
 * `reminder:<reminder>:<contact>:<trigger>`), marking the rows queued with their message in the same transaction.
 */
import type { z } from 'zod';
import type { QuietHours } from '../../../contracts/campaign.schemas.ts';
import {
  ReminderTemplateSchema,
  ReminderTriggerSchema,
  type ReminderDto,
  type ReminderInputSchema,
  type ReminderUpdateSchema,
  type ReminderTrigger,
} from '../../../contracts/reminders.schemas.ts';
import { QuietHoursSchema } from '../../../contracts/campaign.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx, ReminderRow } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { templateContent } from '../campaigns/campaign-message.rules.ts';
import { compileCondition } from '../conditions/condition-sql.rules.ts';
import { queueToContactsInTransaction, type ContactSendResult } from '../messages/messages-batch.service.ts';
import { resolveCondition } from '../segments/segments.service.ts';
import {
  claimDueSends,
  deleteReminderRow,
  findReminderRow,
  findSendingNumber,
  insertDueEventTriggers,
  insertDueReadNoReplyTriggers,
  insertReminderRow,
  listReminderRows,
  recordReminderRun,
  updateReminderRow,
  updateSends,
  type DueSend,
  type ReminderFields,
} from './reminders.repository.ts';
import { countSkip, decideSend } from './reminders.rules.ts';

/** What the reminder functions use. */
export interface RemindersDeps {
  db: Db;
  clock: Clock;
}

/** Ledger rows per release transaction. */
const RELEASE_BATCH = 200;
/** Release transactions per run; what is left goes on the next run (5 minutes later). */
const BATCHES_PER_RUN = 25;

function toDto(row: ReminderRow): ReminderDto {
  const last = row.last_run as { sent: number; skipped: Record<string, number>; deferred: number } | null;
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    trigger: ReminderTriggerSchema.parse(row.trigger),
    condition: row.condition,
    conditionText: row.condition_text,
    phoneNumberId: row.phone_number_id,
    template: ReminderTemplateSchema.parse(row.template),
    quietHours: QuietHoursSchema.parse(row.quiet_hours),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastRun: row.last_run_at && last ? { at: row.last_run_at.toISOString(), ...last } : null,
    totals: { sent: row.sent_total, skipped: row.skipped_total },
  };
}

export async function listReminders(
  deps: RemindersDeps,
  workspaceId: string,
): Promise<{ data: ReminderDto[] }> {
  return { data: (await listReminderRows(deps.db, workspaceId)).map(toDto) };
}

export async function getReminder(
  deps: RemindersDeps,
  workspaceId: string,
  id: string,
): Promise<ReminderDto> {
  const row = await findReminderRow(deps.db, workspaceId, id);
  if (!row) throw notFound('Reminder');
  return toDto(row);
}

/** The sending number must be one of the workspace's (404 otherwise, as for any id of another workspace). */
async function assertNumber(db: DbOrTx, workspaceId: string, phoneNumberId: string): Promise<void> {
  if (!(await findSendingNumber(db, workspaceId, phoneNumberId))) throw notFound('Phone number');
}

/** Creates a reminder (400 `invalid_condition` for condition text that does not parse; 404 for a foreign number). */
export async function createReminder(
  deps: RemindersDeps,
  workspaceId: string,
  createdBy: string | null,
  input: z.infer<typeof ReminderInputSchema>,
): Promise<ReminderDto> {
  const condition = input.condition === null ? null : resolveCondition(input.condition);
  await assertNumber(deps.db, workspaceId, input.phoneNumberId);
  const row = await insertReminderRow(deps.db, {
    id: newId(),
    workspaceId,
    createdBy,
    at: deps.clock.now(),
    name: input.name,
    enabled: input.enabled,
    trigger: input.trigger,
    condition: condition?.tree ?? null,
    conditionText: condition?.text ?? null,
    phoneNumberId: input.phoneNumberId,
    template: input.template,
    quietHours: input.quietHours,
  });
  return toDto(row);
}

/** Changes any of a reminder's fields. */
export async function updateReminder(
  deps: RemindersDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof ReminderUpdateSchema>,
): Promise<ReminderDto> {
  const condition =
    input.condition === undefined
      ? undefined
      : input.condition === null
        ? null
        : resolveCondition(input.condition);
  return deps.db.transaction().execute(async (tx) => {
    const before = await findReminderRow(tx, workspaceId, id, { lock: true });
    if (!before) throw notFound('Reminder');
    if (input.phoneNumberId !== undefined) await assertNumber(tx, workspaceId, input.phoneNumberId);
    const fields: ReminderFields = {
      name: input.name ?? before.name,
      enabled: input.enabled ?? before.enabled,
      trigger: input.trigger ?? before.trigger,
      condition: condition === undefined ? before.condition : (condition?.tree ?? null),
      conditionText: condition === undefined ? before.condition_text : (condition?.text ?? null),
      phoneNumberId: input.phoneNumberId ?? before.phone_number_id,
      template: input.template ?? before.template,
      quietHours: input.quietHours ?? before.quiet_hours,
    };
    const after = await updateReminderRow(tx, workspaceId, id, { ...fields, at: deps.clock.now() });
    if (!after) throw notFound('Reminder');
    return toDto(after);
  });
}

/** Deletes a reminder and its ledger (messages already queued stay). */
export async function deleteReminder(deps: RemindersDeps, workspaceId: string, id: string): Promise<void> {
  if ((await deleteReminderRow(deps.db, workspaceId, id)) === 0) throw notFound('Reminder');
}

/** What one run did. */
export interface ReminderRunCounts {
  sent: number;
  skipped: Record<string, number>;
  deferred: number;
}

/**
 * One run of a reminder (the `reminders.run` job): due triggers into the ledger, then due rows released in
 * batches; the counts are stored on the reminder. A reminder deleted or disabled since the job was enqueued is
 * skipped (null).
 */
export async function runReminder(
  deps: RemindersDeps,
  workspaceId: string,
  id: string,
): Promise<ReminderRunCounts | null> {
  const found = await deps.db.transaction().execute(async (tx) => {
    const row = await findReminderRow(tx, workspaceId, id, { lock: true });
    if (!row?.enabled) return null;
    await insertDueTriggers(tx, row, deps.clock.now());
    return row;
  });
  if (!found) return null;
  const counts: ReminderRunCounts = { sent: 0, skipped: {}, deferred: 0 };
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const claimed = await deps.db.transaction().execute((tx) => releaseBatch(tx, deps, found, counts));
    if (claimed < RELEASE_BATCH) break;
  }
  await recordReminderRun(deps.db, workspaceId, id, { at: deps.clock.now(), ...counts });
  return counts;
}

/** The set-based step: a ledger row per due trigger not seen before. */
async function insertDueTriggers(tx: DbOrTx, row: ReminderRow, now: Date): Promise<number> {
  const trigger = ReminderTriggerSchema.parse(row.trigger);
  const q = {
    workspaceId: row.workspace_id,
    reminderId: row.id,
    since: row.created_at,
    delayHours: trigger.delayHours,
    now,
    where: row.condition ? compileCondition(row.condition, { now, contactAlias: 'c' }) : null,
  };
  return trigger.kind === 'event'
    ? insertDueEventTriggers(tx, { ...q, event: trigger.event })
    : insertDueReadNoReplyTriggers(tx, q);
}

/** One release transaction; returns the rows it claimed. */
async function releaseBatch(
  tx: DbOrTx,
  deps: RemindersDeps,
  reminder: ReminderRow,
  counts: ReminderRunCounts,
): Promise<number> {
  const ws = reminder.workspace_id;
  const live = await findReminderRow(tx, ws, reminder.id, { lock: true });
  if (!live?.enabled) return 0;
  const now = deps.clock.now();
  const trigger: ReminderTrigger = ReminderTriggerSchema.parse(live.trigger);
  const quiet: QuietHours = QuietHoursSchema.parse(live.quiet_hours);
  const rows = await claimDueSends(tx, { workspaceId: ws, reminderId: live.id, now, limit: RELEASE_BATCH });
  if (rows.length === 0) return 0;
  const number = await findSendingNumber(tx, ws, live.phone_number_id);
  const key = { workspaceId: ws, reminderId: live.id, now };
  const updates: Parameters<typeof updateSends>[2] = [];
  const release: DueSend[] = [];
  for (const r of rows) {
    const d = number
      ? decideSend(trigger, r, quiet, number.workspaceTimeZone, now)
      : ({ kind: 'skip', reason: 'no_phone_number' } as const);
    const ref = { contactId: r.contact_id, triggerKey: r.trigger_key };
    if (d.kind === 'skip') {
      updates.push({ ...ref, set: { status: 'skipped', reason: d.reason } });
      countSkip(counts.skipped, d.reason);
    } else if (d.kind === 'defer') {
      updates.push({ ...ref, set: { dueAt: d.at } });
      counts.deferred++;
    } else release.push(r);
  }
  if (number && release.length > 0) {
    const template = ReminderTemplateSchema.parse(live.template);
    const sends = release.map((r) => ({
      contactId: r.contact_id,
      phoneNumber: { id: number.id, waba_id: number.waba_id },
      content: templateContent(template, {
        name: r.name,
        profileName: r.profile_name,
        phone: r.phone_e164,
        country: r.country,
        attributes: r.attributes,
      }),
      idempotencyKey: `reminder:${live.id}:${r.contact_id}:${r.trigger_key}`,
      idempotencyHash: null,
    }));
    const results = await queueToContactsInTransaction(tx, deps.clock, ws, sends, {
      origin: 'automation',
      authorUserId: null,
    });
    release.forEach((r, i) => {
      const res = results[i] as ContactSendResult;
      const ref = { contactId: r.contact_id, triggerKey: r.trigger_key };
      if ('id' in res) {
        updates.push({ ...ref, set: { status: 'queued', messageId: res.id } });
        counts.sent++;
      } else if ('raced' in res)
        // The ledger row is claimed, so only corrupt state gets here: fail the batch, send nothing twice.
        throw new AppError('conflict', `Reminder message ${sends[i]?.idempotencyKey ?? ''} exists already`);
      else if (res.error.code === 'contact_opted_out') {
        updates.push({ ...ref, set: { status: 'skipped', reason: 'opted_out' } });
        countSkip(counts.skipped, 'opted_out');
      } else throw res.error;
    });
  }
  await updateSends(tx, key, updates);
  return rows.length;
}
