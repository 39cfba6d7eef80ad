import type { RealtimeEvent } from '../../../contracts/realtime.schemas.ts';

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
