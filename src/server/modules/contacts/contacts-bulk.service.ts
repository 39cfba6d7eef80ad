/**
 * Bulk actions on contacts (admins): add or remove a tag, set an attribute, or opt out of marketing, over chosen
 * contact ids, a saved segment or every contact. Starting one checks everything that can be checked up front (the
 * segment is the workspace's, the attribute value fits the schema), stores the action and enqueues its
 * `contacts.bulk` job in one transaction; the job does the work (contacts-bulk.jobs.ts).
 */
import {
  BulkActionSchema,
  type BulkAction,
  type BulkTarget,
  type ContactBulkActionDto,
} from '../../../contracts/contact-bulk.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ContactBulkActionRow, Db } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import { getSegment } from '../segments/segments.service.ts';
import { assertAttributesValid } from './contact-attributes.service.ts';
import {
  deleteBulkContacts,
  findBulkAction,
  insertBulkAction,
  updateBulkAction,
} from './contacts-bulk.repository.ts';

/** What starting and reading bulk actions uses. */
export interface ContactBulkDeps {
  db: Db;
  clock: Clock;
}

/**
 * Starts a bulk action: 404 for a segment the workspace does not have, `400 attribute_invalid` for a value that
 * does not fit the attribute schema — before anything is stored. The contacts it applies to are fixed when its
 * job starts (see `startBulkRun`). `actor` (a user or an API key) is kept for the consent history and the audit
 * entry.
 */
export async function startBulkAction(
  deps: ContactBulkDeps,
  workspaceId: string,
  actor: AuditActor,
  input: { target: BulkTarget; action: BulkAction },
): Promise<{ id: string }> {
  const { target, action } = input;
  if ('segmentId' in target) await getSegment(deps, workspaceId, target.segmentId);
  if (action.type === 'set_attribute')
    await assertAttributesValid(deps.db, workspaceId, { [action.key]: action.value });
  const id = newId();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await insertBulkAction(tx, {
      id,
      workspace_id: workspaceId,
      status: 'queued',
      action: JSON.stringify(action),
      target: JSON.stringify(target),
      actor_type: actor.type === 'api_key' ? 'api_key' : 'user',
      actor_id: actor.id,
      actor_ip: actor.ip,
      actor_user_agent: actor.userAgent,
      created_at: now,
      updated_at: now,
    });
    await enqueueJob(
      tx,
      deps.clock,
      'contacts.bulk',
      { bulkActionId: id, slice: 0 },
      { workspaceId, dedupeKey: `${id}:0`, maxAttempts: 5 },
    );
  });
  return { id };
}

/** A bulk action's stored target, read back. */
export function targetOf(row: ContactBulkActionRow): BulkTarget {
  return row.target as BulkTarget;
}

/** A bulk action's stored action, read back (parsed: it was validated by the same schema when stored). */
export function actionOf(row: ContactBulkActionRow): BulkAction {
  return BulkActionSchema.parse(row.action);
}

function toDto(row: ContactBulkActionRow): ContactBulkActionDto {
  const target = targetOf(row);
  return {
    id: row.id,
    status: row.status,
    action: actionOf(row),
    target:
      'contactIds' in target
        ? { type: 'contacts', segmentId: null, requested: target.contactIds.length }
        : 'segmentId' in target
          ? { type: 'segment', segmentId: target.segmentId, requested: null }
          : { type: 'all', segmentId: null, requested: null },
    total: row.total,
    processed: row.processed,
    changed: row.changed,
    message: row.error_message,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** A bulk action's progress and outcome (404 for another workspace's). */
export async function getBulkAction(
  deps: ContactBulkDeps,
  workspaceId: string,
  id: string,
): Promise<ContactBulkActionDto> {
  const row = await findBulkAction(deps.db, workspaceId, id);
  if (!row) throw notFound('Bulk action');
  return toDto(row);
}

/**
 * Cancels a queued or running bulk action: no batch runs after this (each takes the action's row lock and checks
 * its status), the batches committed before stay as they are, and `processed` and `changed` say how far it got.
 * Audited as `contact.bulk_action_cancelled` (counts only). Cancelling a cancelled action again answers it as it is;
 * a finished one (done or failed) is `409 bulk_action_finished`; another workspace's is 404.
 */
export async function cancelBulkAction(
  deps: ContactBulkDeps,
  workspaceId: string,
  actor: AuditActor,
  id: string,
): Promise<ContactBulkActionDto> {
  const row = await deps.db.transaction().execute(async (tx) => {
    const row = await findBulkAction(tx, workspaceId, id, { forUpdate: true });
    if (!row) throw notFound('Bulk action');
    if (row.status === 'cancelled') return row;
    if (row.status === 'done' || row.status === 'failed')
      throw new AppError(
        'bulk_action_finished',
        `The bulk action has ${row.status === 'done' ? 'finished' : 'failed'} already`,
        {
          status: row.status,
        },
      );
    const now = deps.clock.now();
    await updateBulkAction(tx, id, { status: 'cancelled', updated_at: now, finished_at: now });
    await deleteBulkContacts(tx, id);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'contact.bulk_action_cancelled',
      target: { type: 'contact_bulk_action', id },
      data: { total: row.total, processed: row.processed, changed: row.changed },
    });
    return { ...row, status: 'cancelled' as const, updated_at: now, finished_at: now };
  });
  return toDto(row);
}
