import { z } from 'zod';

/**
 * Events streamed to consoles and API clients (`GET /api/v1/events`, Server-Sent Events). They cross
 * processes through Postgres NOTIFY, so a payload stays small: ids plus the fields a list view needs.
 */
export const MessageEventDataSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  status: z.string(),
  wamid: z.string().nullable(),
  preview: z.string().nullable(),
  errorCode: z.number().nullable().optional(),
});

export const ConversationEventDataSchema = z.object({
  id: z.string(),
  status: z.string(),
  assigneeId: z.string().nullable(),
  unreadCount: z.number(),
  lastMessageAt: z.string().nullable(),
  lastMessagePreview: z.string().nullable(),
  priority: z.string().optional(),
  teamId: z.string().nullable().optional(),
  waitingSince: z.string().nullable().optional(),
  /** Why automation stopped answering (handoff, loop_guard), or null. */
  automationPaused: z.string().nullable().optional(),
});

/** An entry of a conversation's activity log (internal note, assignment, status change, automation). */
export const ActivityEventDataSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  kind: z.string(),
  authorUserId: z.string().nullable(),
});

export const RealtimeEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.created'), workspaceId: z.string(), data: MessageEventDataSchema }),
  z.object({ type: z.literal('message.updated'), workspaceId: z.string(), data: MessageEventDataSchema }),
  z.object({
    type: z.literal('conversation.updated'),
    workspaceId: z.string(),
    data: ConversationEventDataSchema,
  }),
  z.object({ type: z.literal('activity.created'), workspaceId: z.string(), data: ActivityEventDataSchema }),
]);

export type RealtimeEvent = z.infer<typeof RealtimeEventSchema>;
export type RealtimeEventType = RealtimeEvent['type'];
