import type { RealtimeEvent } from '../../../contracts/realtime.schemas.ts';
import type { AnyDomainEvent } from '../../domain-events/domain-events.schemas.ts';

/** The columns of a conversation that its `conversation.updated` event carries. */
export interface ConversationSummaryRow {
  id: string;
  workspace_id: string;
  status: string;
  assignee_id: string | null;
  unread_count: number;
  last_message_at: Date | null;
  last_message_preview: string | null;
  priority?: string;
  team_id?: string | null;
  waiting_since?: Date | null;
  automation_paused_reason?: string | null;
}

/** The columns to `RETURNING` for a {@link conversationEvent}. */
export const CONVERSATION_SUMMARY_COLUMNS = [
  'id',
  'workspace_id',
  'status',
  'assignee_id',
  'unread_count',
  'last_message_at',
  'last_message_preview',
  'priority',
  'team_id',
  'waiting_since',
  'automation_paused_reason',
] as const;

/** The `conversation.updated` event for a conversation row. */
export function conversationEvent(c: ConversationSummaryRow): RealtimeEvent {
  return {
    type: 'conversation.updated',
    workspaceId: c.workspace_id,
    data: {
      id: c.id,
      status: c.status,
      assigneeId: c.assignee_id,
      unreadCount: c.unread_count,
      lastMessageAt: c.last_message_at ? new Date(c.last_message_at).toISOString() : null,
      lastMessagePreview: c.last_message_preview,
      ...(c.priority !== undefined ? { priority: c.priority } : {}),
      ...(c.team_id !== undefined ? { teamId: c.team_id } : {}),
      ...(c.automation_paused_reason !== undefined ? { automationPaused: c.automation_paused_reason } : {}),
      ...(c.waiting_since !== undefined
        ? { waitingSince: c.waiting_since ? new Date(c.waiting_since).toISOString() : null }
        : {}),
    },
  };
}

/** The `activity.created` event for an activity log entry. */
export function activityEvent(a: {
  id: string;
  workspace_id: string;
  conversation_id: string;
  kind: string;
  author_user_id: string | null;
}): RealtimeEvent {
  return {
    type: 'activity.created',
    workspaceId: a.workspace_id,
    data: { id: a.id, conversationId: a.conversation_id, kind: a.kind, authorUserId: a.author_user_id },
  };
}

/** What a conversation was, and what it is, for {@link conversationChangeEvents}. */
interface ConversationState {
  id: string;
  workspace_id: string;
  status: string;
  assignee_id: string | null;
  team_id?: string | null | undefined;
}

/**
 * The domain events of one change to a conversation: `conversation.status_changed` when its status moved,
 * `conversation.assigned` when its assignee or team did. Keyed by the conversation and the time of the change, so
 * a retried transaction publishes the same keys and a listener gets each change once.
 */
export function conversationChangeEvents(
  before: ConversationState,
  after: ConversationState,
  at: Date,
): AnyDomainEvent[] {
  const events: AnyDomainEvent[] = [];
  const when = at.getTime();
  if (after.status !== before.status)
    events.push({
      type: 'conversation.status_changed',
      workspaceId: after.workspace_id,
      key: `${after.id}:${after.status}:${when}`,
      data: { conversationId: after.id, status: after.status, previousStatus: before.status },
    });
  const teamBefore = before.team_id ?? null;
  const teamAfter = after.team_id === undefined ? teamBefore : after.team_id;
  if (after.assignee_id !== before.assignee_id || teamAfter !== teamBefore)
    events.push({
      type: 'conversation.assigned',
      workspaceId: after.workspace_id,
      key: `${after.id}:${after.assignee_id ?? '-'}:${teamAfter ?? '-'}:${when}`,
      data: { conversationId: after.id, assigneeId: after.assignee_id, teamId: teamAfter },
    });
  return events;
}
