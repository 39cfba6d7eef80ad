import type { ConversationUpdate } from '../../../contracts/api.schemas.ts';
import type { ConversationStatus, MemberRole, Priority } from '../../db/types.ts';

/**
 * Pure rules of conversation updates: which status/snooze combinations are valid, and who may be assigned.
 */

/** The fields of a conversation that an update may change. */
export interface ConversationState {
  status: ConversationStatus;
  snoozedUntil: Date | null;
  assigneeId: string | null;
  priority: Priority;
}

/** The result of planning an update: the new state, or the field that makes it invalid and why. */
export type UpdatePlan =
  { ok: true; next: ConversationState } | { ok: false; field: string; message: string };

/**
 * Plans a PATCH against the current state at `now`. A snoozed conversation always has a wake-up time in the
 * future: setting status `snoozed` requires `snoozedUntil`, a bare `snoozedUntil` only reschedules a snoozed
 * conversation, and any other status clears it.
 */
export function planConversationUpdate(
  current: ConversationState,
  input: ConversationUpdate,
  now: Date,
): UpdatePlan {
  const status = input.status ?? current.status;
  let snoozedUntil: Date | null = null;
  if (status === 'snoozed') {
    const requested =
      input.snoozedUntil !== undefined
        ? input.snoozedUntil
        : input.status === 'snoozed'
          ? null
          : (current.snoozedUntil?.toISOString() ?? null);
    if (requested === null)
      return { ok: false, field: 'snoozedUntil', message: 'snoozedUntil is required when status is snoozed' };
    snoozedUntil = new Date(requested);
    if (snoozedUntil.getTime() <= now.getTime())
      return { ok: false, field: 'snoozedUntil', message: 'snoozedUntil must be in the future' };
  } else if (input.snoozedUntil !== undefined && input.snoozedUntil !== null) {
    return { ok: false, field: 'snoozedUntil', message: 'snoozedUntil can only be set with status snoozed' };
  }
  return {
    ok: true,
    next: {
      status,
      snoozedUntil,
      assigneeId: input.assigneeId !== undefined ? input.assigneeId : current.assigneeId,
      priority: input.priority ?? current.priority,
    },
  };
}

/** Roles that can be assigned a conversation: those that can reply (analysts only read). */
export function canBeAssigned(role: MemberRole): boolean {
  return role !== 'analyst';
}
