/**
 * The `contacts.bulk` job: runs a bulk action (contacts-bulk.service.ts) in two steps.
 *
 * 1. **Snapshot** (first run): in one transaction, the contacts the action applies to are written to
 *    `contact_bulk_action_contacts` by one INSERT … SELECT — the given ids of the workspace, the segment's
 *    condition compiled at the action's creation time, or every contact not archived — with `total`, status
 *    `running` and the audit entry. Membership is fixed from then on: contacts joining or leaving the segment
 *    meanwhile (also because of the action itself, e.g. removing the tag a segment selects on) neither join nor
 *    break the run, and `total` is exact from the start.
 * 2. **Batches**: each transaction locks the action row, takes the next {@link BULK_BATCH} contacts of the snapshot
 *    after the checkpoint (`cursor`, in id order), applies the action, and moves counters and checkpoint. A crash
 *    loses at most the batch in flight (rolled back); a rerun, a redelivered job or a second worker continues from
 *    the checkpoint, so no contact is handled twice. Each write is also a no-op for a contact already in the wanted
 *    state, so `changed` counts real changes. After {@link BULK_SLICE_BATCHES} batches a run hands over to a fresh
 *    job (enqueued in its last batch's transaction), so other jobs get their turn and leases stay short.
 */
import { sql, type SqlBool } from 'kysely';
import { bulkActionEnded, type BulkAction } from '../../../contracts/contact-bulk.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { ContactBulkActionRow, Db, DbOrTx } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import { enqueueJob, type JobDefinition } from '../../jobs/queue.ts';
import { record } from '../audit/audit.service.ts';
import { findConsentStates } from '../consent/consent.repository.ts';
import { recordConsentChanges } from '../consent/consent.service.ts';
import { segmentMembership } from '../segments/segments.service.ts';
import {
  BULK_CONTACT_ALIAS,
  addTagToContacts,
  deleteBulkContacts,
  findBulkActionById,
  lockContactsForConsent,
  nextBulkContacts,
  removeTagFromContacts,
  setAttributeOfContacts,
  snapshotBulkContacts,
  updateBulkAction,
} from './contacts-bulk.repository.ts';
import { actionOf, targetOf } from './contacts-bulk.service.ts';

/** Contacts per batch (one transaction, one checkpoint). */
export const BULK_BATCH = 1000;
/** Batches one run of the job does before handing over to the next. */
export const BULK_SLICE_BATCHES = 50;
/** Attempts of a run before the action is marked failed. */
const MAX_ATTEMPTS = 5;

/** What the bulk job uses. */
export interface ContactBulkJobDeps {
  db: Db;
  clock: Clock;
  /** Overrides of the batch and slice sizes (tests). */
  batchSize?: number;
  sliceBatches?: number;
}

/** The `contacts.bulk` job (see the file's comment). A run that fails its last attempt marks the action failed. */
export function contactBulkJob(deps: ContactBulkJobDeps): JobDefinition<'contacts.bulk'> {
  return {
    name: 'contacts.bulk',
    maxAttempts: MAX_ATTEMPTS,
    handle: async (payload, ctx) => {
      try {
        await runBulkSlice(deps, payload.bulkActionId, payload.slice);
      } catch (err) {
        if (ctx.attempt >= MAX_ATTEMPTS)
          await failBulkAction(deps, payload.bulkActionId, 'The action failed');
        throw err;
      }
    },
  };
}

/** Ends an action as failed with `message`; what committed batches did stays. */
async function failBulkAction(deps: ContactBulkJobDeps, id: string, message: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    await updateBulkAction(tx, id, {
      status: 'failed',
      error_message: message,
      updated_at: now,
      finished_at: now,
    });
    await deleteBulkContacts(tx, id);
  });
}

/**
 * One run of the job: takes the snapshot if the action is still queued, then does up to `sliceBatches` batches.
 * A finished, cancelled (or unknown) action is left alone, so a redelivered job changes nothing.
 */
export async function runBulkSlice(deps: ContactBulkJobDeps, id: string, slice: number): Promise<void> {
  const row = await findBulkActionById(deps.db, id);
  if (!row || bulkActionEnded(row.status)) return;
  if (row.status === 'queued' && !(await startBulkRun(deps, id))) return;
  const sliceBatches = deps.sliceBatches ?? BULK_SLICE_BATCHES;
  for (let batch = 1; ; batch++) {
    const outcome = await runBulkBatch(deps, id, batch === sliceBatches ? slice + 1 : null);
    if (outcome !== 'more' || batch === sliceBatches) return;
  }
}

/**
 * The snapshot step: fixes the contacts, `total`, status `running` and writes the audit entry, in one transaction
 * under the action's row lock (a second runner finds it running). Returns false when the action cannot run (its
 * segment was deleted since it was asked for: it ends as failed).
 */
export async function startBulkRun(deps: ContactBulkJobDeps, id: string): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const row = await findBulkActionById(tx, id, { forUpdate: true });
    if (!row || row.status !== 'queued') return row?.status === 'running';
    const target = targetOf(row);
    const ws = row.workspace_id;
    const c = BULK_CONTACT_ALIAS;
    let where;
    if ('contactIds' in target)
      where = sql<SqlBool>`${sql.ref(`${c}.id`)} = any(${target.contactIds}::uuid[])`;
    else if ('all' in target) where = sql<SqlBool>`${sql.ref(`${c}.archived_at`)} is null`;
    else {
      try {
        const member = await segmentMembership(
          { db: tx, clock: deps.clock },
          ws,
          target.segmentId,
          c,
          row.created_at,
        );
        where = sql<SqlBool>`${sql.ref(`${c}.archived_at`)} is null and ${member}`;
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'not_found')) throw err;
        const now = deps.clock.now();
        await updateBulkAction(tx, id, {
          status: 'failed',
          error_message: 'The segment was deleted before the action started',
          updated_at: now,
          finished_at: now,
        });
        return false;
      }
    }
    const total = await snapshotBulkContacts(tx, id, ws, where);
    await updateBulkAction(tx, id, { status: 'running', total, updated_at: deps.clock.now() });
    const action = actionOf(row);
    await record(tx, deps.clock, {
      workspaceId: ws,
      actor: { type: row.actor_type, id: row.actor_id, ip: row.actor_ip, userAgent: row.actor_user_agent },
      action: 'contact.bulk_action',
      target: { type: 'contact_bulk_action', id },
      data: {
        type: action.type,
        ...('tag' in action ? { tag: action.tag } : {}),
        ...(action.type === 'set_attribute' ? { key: action.key } : {}),
        target: 'contactIds' in target ? 'contacts' : 'segmentId' in target ? 'segment' : 'all',
        ...('segmentId' in target ? { segmentId: target.segmentId } : {}),
        contacts: total,
      },
    });
    return true;
  });
}

/**
 * One batch in one transaction: the next contacts after the checkpoint, the action applied to them, counters and
 * checkpoint moved; when none are left the action is done (and its snapshot deleted). With `nextSlice`, the job's
 * next run is enqueued in the same transaction unless the action is done. Returns whether more batches follow.
 */
export async function runBulkBatch(
  deps: ContactBulkJobDeps,
  id: string,
  nextSlice: number | null,
): Promise<'more' | 'done' | 'stopped'> {
  const batchSize = deps.batchSize ?? BULK_BATCH;
  return deps.db.transaction().execute(async (tx) => {
    const row = await findBulkActionById(tx, id, { forUpdate: true });
    if (!row || row.status !== 'running') return 'stopped';
    const ids = await nextBulkContacts(tx, id, row.cursor, batchSize);
    const changed = await applyBulkAction(tx, deps.clock, row, actionOf(row), ids);
    const now = deps.clock.now();
    const done = ids.length < batchSize;
    await updateBulkAction(tx, id, {
      processed: row.processed + ids.length,
      changed: row.changed + changed,
      cursor: ids.at(-1) ?? row.cursor,
      updated_at: now,
      ...(done ? { status: 'done', finished_at: now } : {}),
    });
    if (done) await deleteBulkContacts(tx, id);
    else if (nextSlice !== null)
      await enqueueJob(
        tx,
        deps.clock,
        'contacts.bulk',
        { bulkActionId: id, slice: nextSlice },
        { workspaceId: row.workspace_id, dedupeKey: `${id}:${nextSlice}`, maxAttempts: MAX_ATTEMPTS },
      );
    return done ? 'done' : 'more';
  });
}

/** Applies the action to a batch of contacts; returns how many it changed. */
async function applyBulkAction(
  tx: DbOrTx,
  clock: Clock,
  row: ContactBulkActionRow,
  action: BulkAction,
  ids: string[],
): Promise<number> {
  const ws = row.workspace_id;
  switch (action.type) {
    case 'add_tag':
      return addTagToContacts(tx, ws, ids, action.tag, clock.now());
    case 'remove_tag':
      return removeTagFromContacts(tx, ws, ids, action.tag);
    case 'set_attribute':
      return setAttributeOfContacts(tx, ws, ids, action.key, action.value, clock.now());
    case 'opt_out': {
      // Those opted out already are left alone: no second history entry for them, whatever reruns happen.
      const existing = await lockContactsForConsent(tx, ws, ids);
      const states = await findConsentStates(tx, ws, action.purpose, existing, { forUpdate: true });
      const changing = existing.filter((id) => states.get(id)?.state !== 'opted_out');
      await recordConsentChanges(
        tx,
        clock,
        changing.map((contactId) => ({
          workspaceId: ws,
          contactId,
          purpose: action.purpose,
          state: 'opted_out' as const,
          source: 'bulk' as const,
          actor: { type: row.actor_type, id: row.actor_id },
          evidence: { bulkActionId: row.id },
        })),
      );
      return changing.length;
    }
  }
}
