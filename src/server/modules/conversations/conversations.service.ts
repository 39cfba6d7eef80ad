import type { z } from 'zod';
import type {
  ConversationDto,
  ConversationListQuerySchema,
  ConversationUpdate,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { ContactRow, ConversationRow, Db } from '../../db/types.ts';
import { publishEvents } from '../../events.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { conversationEvent } from '../../pipeline/inbound-apply.ts';
import { findContact, findContactsByIds } from '../contacts/contacts.repository.ts';
import { toContactDto } from '../contacts/contacts.service.ts';
import { isWindowOpen, windowExpiresAt } from '../messages/messages.rules.ts';
import { canBeAssigned, planConversationUpdate } from './conversations.rules.ts';
import {
  findActiveMemberRole,
  findConversation,
  listConversations,
  updateConversationRow,
} from './conversations.repository.ts';
import { NullableTimeIdKeySchema, decodeCursor, toPage } from './paging.rules.ts';

/** What the conversation service functions use. */
export interface ConversationsDeps {
  db: Db;
  clock: Clock;
}

/**
 * The API representation of a conversation, with its contact inline when given. The 24 h window fields are
 * computed at `now`, so they are true at the time of the response.
 */
export function toConversationDto(
  row: ConversationRow,
  contact: ContactRow | undefined,
  now: Date,
): ConversationDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    contactId: row.contact_id,
    phoneNumberId: row.phone_number_id,
    status: row.status,
    assigneeId: row.assignee_id,
    priority: row.priority,
    snoozedUntil: iso(row.snoozed_until),
    lastInboundAt: iso(row.last_inbound_at),
    lastMessageAt: iso(row.last_message_at),
    lastMessagePreview: row.last_message_preview,
    unreadCount: row.unread_count,
    windowOpen: isWindowOpen(row.last_inbound_at, now),
    windowExpiresAt: iso(windowExpiresAt(row.last_inbound_at, now)),
    ...(contact ? { contact: toContactDto(contact) } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A page of conversations, most recent activity first, filtered, each with its contact. */
export async function listWorkspaceConversations(
  deps: ConversationsDeps,
  workspaceId: string,
  query: z.infer<typeof ConversationListQuerySchema>,
): Promise<{ data: ConversationDto[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, NullableTimeIdKeySchema) : undefined;
  const rows = await listConversations(deps.db, {
    workspaceId,
    filters: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.assigneeId ? { assigneeId: query.assigneeId === 'none' ? null : query.assigneeId } : {}),
      ...(query.phoneNumberId ? { phoneNumberId: query.phoneNumberId } : {}),
      ...(query.unread !== undefined ? { unread: query.unread } : {}),
    },
    limit: query.limit + 1,
    ...(after ? { after } : {}),
  });
  const contacts = new Map(
    (await findContactsByIds(deps.db, workspaceId, [...new Set(rows.map((r) => r.contact_id))])).map((c) => [
      c.id,
      c,
    ]),
  );
  const now = deps.clock.now();
  return toPage(
    rows,
    query.limit,
    (r) => toConversationDto(r, contacts.get(r.contact_id), now),
    (r) => [r.last_message_at?.toISOString() ?? null, r.id],
  );
}

export async function getConversation(
  deps: ConversationsDeps,
  workspaceId: string,
  id: string,
): Promise<ConversationDto> {
  const row = await findConversation(deps.db, workspaceId, id);
  if (!row) throw notFound('Conversation');
  return toConversationDto(row, await findContact(deps.db, workspaceId, row.contact_id), deps.clock.now());
}

/**
 * Changes a conversation's status, snooze time, assignee or priority (see `planConversationUpdate`). A new
 * assignee must be an active member of the workspace who can reply. The change and its
 * `conversation.updated` event commit together.
 */
export async function updateConversation(
  deps: ConversationsDeps,
  workspaceId: string,
  id: string,
  input: ConversationUpdate,
): Promise<ConversationDto> {
  const row = await deps.db.transaction().execute(async (tx) => {
    const current = await findConversation(tx, workspaceId, id, { forUpdate: true });
    if (!current) throw notFound('Conversation');
    const now = deps.clock.now();
    const plan = planConversationUpdate(
      {
        status: current.status,
        snoozedUntil: current.snoozed_until,
        assigneeId: current.assignee_id,
        priority: current.priority,
      },
      input,
      now,
    );
    if (!plan.ok)
      throw new AppError('validation_failed', plan.message, {
        issues: [{ path: `/${plan.field}`, message: plan.message }],
      });
    const assigneeId = plan.next.assigneeId;
    if (assigneeId !== null && assigneeId !== current.assignee_id) {
      const role = await findActiveMemberRole(tx, workspaceId, assigneeId);
      if (!role || !canBeAssigned(role)) {
        throw new AppError(
          'invalid_assignee',
          'The assignee must be an active member of this workspace who can reply (owner, admin or agent)',
          { assigneeId },
        );
      }
    }
    const updated = await updateConversationRow(tx, workspaceId, id, {
      status: plan.next.status,
      snoozed_until: plan.next.snoozedUntil,
      assignee_id: assigneeId,
      priority: plan.next.priority,
      updated_at: now,
    });
    if (!updated) throw notFound('Conversation');
    await publishEvents(tx, [conversationEvent(updated)]);
    return updated;
  });
  return toConversationDto(row, await findContact(deps.db, workspaceId, row.contact_id), deps.clock.now());
}

/** Marks every message of a conversation as read by the team (unread count 0) and tells the consoles. */
export async function markConversationRead(
  deps: ConversationsDeps,
  workspaceId: string,
  id: string,
): Promise<ConversationDto> {
  const row = await deps.db.transaction().execute(async (tx) => {
    const updated = await updateConversationRow(tx, workspaceId, id, {
      unread_count: 0,
      updated_at: deps.clock.now(),
    });
    if (!updated) throw notFound('Conversation');
    await publishEvents(tx, [conversationEvent(updated)]);
    return updated;
  });
  return toConversationDto(row, await findContact(deps.db, workspaceId, row.contact_id), deps.clock.now());
}
