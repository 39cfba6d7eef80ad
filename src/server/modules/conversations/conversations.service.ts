import type { z } from 'zod';
import type {
  ConversationDto,
  ConversationListQuerySchema,
  ConversationUpdate,
} from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { ContactRow, ConversationRow, Db, DbOrTx } from '../../db/types.ts';
import { publishEvents } from '../../events.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { activityEvent, conversationChangeEvents, conversationEvent } from './conversation-events.rules.ts';
import { findTagsOfContacts } from '../contacts/contact-tags.repository.ts';
import { parseSearchQuery } from '../search/search-key.rules.ts';
import { findContactsByIds } from '../contacts/contacts.repository.ts';
import { toContactDto } from '../contacts/contacts.service.ts';
import { isWindowOpen, windowExpiresAt } from '../messages/messages.rules.ts';
import { activitiesForChange } from './activities.rules.ts';
import { insertActivities } from './activities.repository.ts';
import { canBeAssigned, planConversationUpdate } from './conversations.rules.ts';
import {
  findActiveMemberRole,
  findConversation,
  listConversations,
  markConversationReadRow,
  updateConversationRow,
  type ConversationFilters,
} from './conversations.repository.ts';
import { NullableTimeIdKeySchema, decodeCursor, toPage } from '../../lib/paging.rules.ts';
import { enqueueReadReceipt } from './read-receipts.jobs.ts';

/** What the conversation service functions use. */
export interface ConversationsDeps {
  db: Db;
  clock: Clock;
}

/** Who asks: the list's "mine" view and the activity log need the signed-in user. */
export interface Actor {
  workspaceId: string;
  userId: string | null;
}

/** What is inlined in a conversation: its contact (with tags) and its number's badge. */
interface Inlined {
  contact?: ContactRow | undefined;
  tags?: string[] | undefined;
  phoneNumber?: { display_phone_number: string; label: string | null } | undefined;
}

/**
 * The API representation of a conversation. The 24 h window fields are computed at `now`, so they are true
 * at the time of the response.
 */
export function toConversationDto(row: ConversationRow, inlined: Inlined, now: Date): ConversationDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const pn = inlined.phoneNumber;
  return {
    id: row.id,
    contactId: row.contact_id,
    phoneNumberId: row.phone_number_id,
    status: row.status,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    priority: row.priority,
    snoozedUntil: iso(row.snoozed_until),
    lastInboundAt: iso(row.last_inbound_at),
    lastMessageAt: iso(row.last_message_at),
    lastMessagePreview: row.last_message_preview,
    unreadCount: row.unread_count,
    waitingSince: iso(row.waiting_since),
    automationPaused:
      row.automation_paused_at &&
      (row.automation_paused_reason === 'handoff' || row.automation_paused_reason === 'loop_guard')
        ? row.automation_paused_reason
        : null,
    ...(pn ? { phoneNumber: { displayPhoneNumber: pn.display_phone_number, label: pn.label } } : {}),
    windowOpen: isWindowOpen(row.last_inbound_at, now),
    windowExpiresAt: iso(windowExpiresAt(row.last_inbound_at, now)),
    ...(inlined.contact ? { contact: toContactDto(inlined.contact, inlined.tags ?? []) } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Presents conversation rows with their contacts, tags and number badges (three queries for any page size). */
async function present(db: DbOrTx, workspaceId: string, rows: ConversationRow[], now: Date) {
  const contactIds = [...new Set(rows.map((r) => r.contact_id))];
  const [contacts, tags, numbers] = await Promise.all([
    findContactsByIds(db, workspaceId, contactIds),
    findTagsOfContacts(db, workspaceId, contactIds),
    db
      .selectFrom('phone_numbers')
      .select(['id', 'display_phone_number', 'label'])
      .where('workspace_id', '=', workspaceId)
      .execute(),
  ]);
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const pnById = new Map(numbers.map((n) => [n.id, n]));
  return (r: ConversationRow): ConversationDto =>
    toConversationDto(
      r,
      {
        contact: byId.get(r.contact_id),
        tags: tags.get(r.contact_id),
        phoneNumber: pnById.get(r.phone_number_id),
      },
      now,
    );
}

/** The repository filters of a list query; the "mine" view needs a signed-in user. */
function filtersOf(actor: Actor, query: z.infer<typeof ConversationListQuerySchema>): ConversationFilters {
  if (query.view === 'mine' && !actor.userId) {
    throw new AppError('validation_failed', 'view=mine needs a signed-in user (an API key has no inbox)', {
      issues: [{ path: '/view', message: 'not available to API keys' }],
    });
  }
  const assigneeId =
    query.view === 'mine'
      ? actor.userId
      : query.view === 'unassigned'
        ? null
        : query.assigneeId === 'none'
          ? null
          : query.assigneeId;
  const search = parseSearchQuery(query.q);
  return {
    ...(query.status ? { status: query.status } : {}),
    ...(assigneeId !== undefined ? { assigneeId } : {}),
    ...(query.phoneNumberId ? { phoneNumberId: query.phoneNumberId } : {}),
    ...(query.unread !== undefined ? { unread: query.unread } : {}),
    ...(query.teamId ? { teamId: query.teamId } : {}),
    ...(query.tag ? { tag: query.tag } : {}),
    ...(query.contactId ? { contactId: query.contactId } : {}),
    ...(search ? { search } : {}),
  };
}

/** A page of conversations, most recent activity first, filtered, each with its contact. */
export async function listWorkspaceConversations(
  deps: ConversationsDeps,
  actor: Actor,
  query: z.infer<typeof ConversationListQuerySchema>,
): Promise<{ data: ConversationDto[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, NullableTimeIdKeySchema) : undefined;
  const rows = await listConversations(deps.db, {
    workspaceId: actor.workspaceId,
    filters: filtersOf(actor, query),
    limit: query.limit + 1,
    ...(after ? { after } : {}),
  });
  const toDto = await present(deps.db, actor.workspaceId, rows.slice(0, query.limit), deps.clock.now());
  return toPage(rows, query.limit, toDto, (r) => [r.last_message_at?.toISOString() ?? null, r.id]);
}

export async function getConversation(
  deps: ConversationsDeps,
  workspaceId: string,
  id: string,
): Promise<ConversationDto> {
  const row = await findConversation(deps.db, workspaceId, id);
  if (!row) throw notFound('Conversation');
  return (await present(deps.db, workspaceId, [row], deps.clock.now()))(row);
}

/** Throws `invalid_assignee` unless the user is an active member who can reply. */
async function checkAssignee(tx: DbOrTx, workspaceId: string, userId: string): Promise<void> {
  const role = await findActiveMemberRole(tx, workspaceId, userId);
  if (!role || !canBeAssigned(role)) {
    throw new AppError(
      'invalid_assignee',
      'The assignee must be an active member of this workspace who can reply (owner, admin or agent)',
      { assigneeId: userId },
    );
  }
}

async function checkTeam(tx: DbOrTx, workspaceId: string, teamId: string): Promise<void> {
  const team = await tx
    .selectFrom('teams')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', teamId)
    .executeTakeFirst();
  if (!team)
    throw new AppError('validation_failed', 'No such team in this workspace', {
      issues: [{ path: '/teamId', message: 'unknown team' }],
    });
}

/**
 * Changes a conversation's status, snooze time, assignee, team or priority (see `planConversationUpdate`).
 * Each changed field is logged on the conversation's activity with who changed it; the change, the log and
 * the realtime events commit together.
 */
export async function updateConversation(
  deps: ConversationsDeps,
  actor: Actor,
  id: string,
  input: ConversationUpdate,
): Promise<ConversationDto> {
  const { workspaceId } = actor;
  const row = await deps.db.transaction().execute(async (tx) => {
    const current = await findConversation(tx, workspaceId, id, { forUpdate: true });
    if (!current) throw notFound('Conversation');
    const now = deps.clock.now();
    const before = {
      status: current.status,
      snoozedUntil: current.snoozed_until,
      assigneeId: current.assignee_id,
      priority: current.priority,
    };
    const plan = planConversationUpdate(before, input, now);
    if (!plan.ok)
      throw new AppError('validation_failed', plan.message, {
        issues: [{ path: `/${plan.field}`, message: plan.message }],
      });
    const assigneeId = plan.next.assigneeId;
    if (assigneeId !== null && assigneeId !== current.assignee_id)
      await checkAssignee(tx, workspaceId, assigneeId);
    const teamId = input.teamId !== undefined ? input.teamId : current.team_id;
    if (teamId !== null && teamId !== current.team_id) await checkTeam(tx, workspaceId, teamId);
    const updated = await updateConversationRow(tx, workspaceId, id, {
      status: plan.next.status,
      snoozed_until: plan.next.snoozedUntil,
      assignee_id: assigneeId,
      ...(assigneeId !== current.assignee_id ? { assigned_at: now, assignee_read_at: null } : {}),
      team_id: teamId,
      priority: plan.next.priority,
      updated_at: now,
    });
    if (!updated) throw notFound('Conversation');
    const logged = await insertActivities(
      tx,
      activitiesForChange({ ...before, teamId: current.team_id }, { ...plan.next, teamId }).map((a) => ({
        ...a,
        workspaceId,
        conversationId: id,
        authorUserId: actor.userId,
        at: now,
      })),
    );
    await publishEvents(tx, [conversationEvent(updated), ...logged.map(activityEvent)]);
    await domainEvents.publish(tx, deps.clock, conversationChangeEvents(current, updated, now));
    return updated;
  });
  return (await present(deps.db, workspaceId, [row], deps.clock.now()))(row);
}

/**
 * Marks every message of a conversation as read by the team (unread count 0) and tells the consoles; the
 * customer's latest message is marked read on WhatsApp too (blue ticks), by a job so a slow Graph API never
 * delays the console.
 */
export async function markConversationRead(
  deps: ConversationsDeps,
  actor: Actor,
  id: string,
): Promise<ConversationDto> {
  const { workspaceId } = actor;
  const row = await deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const updated = await markConversationReadRow(tx, workspaceId, id, actor.userId, now);
    if (!updated) throw notFound('Conversation');
    await enqueueReadReceipt(tx, deps.clock, updated, { typing: false });
    await publishEvents(tx, [conversationEvent(updated)]);
    return updated;
  });
  return (await present(deps.db, workspaceId, [row], deps.clock.now()))(row);
}

/**
 * Shows the customer the typing indicator (and marks their latest message read), at most once per 20 s; false
 * when there is nothing to show it on. 404 for another workspace's conversation.
 */
export async function showTyping(deps: ConversationsDeps, workspaceId: string, id: string): Promise<boolean> {
  const conv = await findConversation(deps.db, workspaceId, id);
  if (!conv) throw notFound('Conversation');
  return enqueueReadReceipt(deps.db, deps.clock, conv, { typing: true });
}
