import type { ActivityKind } from '../../db/types.ts';
import type { ConversationState } from './conversations.rules.ts';

/** The state of a conversation that its activity log records changes of. */
export interface LoggedState extends ConversationState {
  teamId: string | null;
}

/**
 * The activity entries that describe an update: one per changed field, with the previous and new value, so
 * the conversation's history shows who assigned, moved, snoozed, resolved or re-prioritised it.
 */
export function activitiesForChange(
  before: LoggedState,
  after: LoggedState,
): Array<{ kind: ActivityKind; data: Record<string, unknown> }> {
  const out: Array<{ kind: ActivityKind; data: Record<string, unknown> }> = [];
  if (before.assigneeId !== after.assigneeId)
    out.push({ kind: 'assigned', data: { from: before.assigneeId, to: after.assigneeId } });
  if (before.teamId !== after.teamId)
    out.push({ kind: 'team', data: { from: before.teamId, to: after.teamId } });
  const snoozeChanged = before.snoozedUntil?.getTime() !== after.snoozedUntil?.getTime();
  if (before.status !== after.status || snoozeChanged)
    out.push({
      kind: 'status',
      data: {
        from: before.status,
        to: after.status,
        snoozedUntil: after.snoozedUntil?.toISOString() ?? null,
      },
    });
  if (before.priority !== after.priority)
    out.push({ kind: 'priority', data: { from: before.priority, to: after.priority } });
  return out;
}
