/**
 * Automatic assignment: the candidates of a team (or of the whole workspace) with their presence and load, the
 * chosen agent written with its log entry, and the unread timeout that passes a conversation on when its
 * assignee does not open a new customer message in time.
 */
import { sql } from 'kysely';
import type { AutomationReason } from '../../../contracts/automation.schemas.ts';
import type { RealtimeEvent } from '../../../contracts/realtime.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { ConversationRow, Db, DbOrTx } from '../../db/types.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { publishEvents } from '../../events.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import {
  activityEvent,
  conversationChangeEvents,
  conversationEvent,
} from '../conversations/conversation-events.rules.ts';
import { insertActivities } from '../conversations/activities.repository.ts';
import { updateConversationRow } from '../conversations/conversations.repository.ts';
import { reason, reasonText } from './automation-reason.rules.ts';
import {
  chooseAgent,
  isAvailable,
  unreadTimedOut,
  type Candidate,
  type Strategy,
} from './assignment.rules.ts';

export const UNREAD_TIMEOUT_JOB = 'automation.unread_timeout' as const;

/**
 * The agents who may take a conversation of `teamId` (its members; without a team, every owner, admin and
 * agent), with presence, capacity, open conversations and when the team last gave them one.
 */
export async function loadCandidates(
  db: DbOrTx,
  workspaceId: string,
  teamId: string | null,
): Promise<Candidate[]> {
  const rows = await sql<{
    user_id: string;
    availability: Candidate['availability'];
    last_seen_at: Date | null;
    capacity: number;
    open_count: string;
    last_assigned_at: Date | null;
  }>`
    select m.user_id, m.availability, m.last_seen_at, m.capacity,
      (select count(*) from conversations c
        where c.workspace_id = m.workspace_id and c.assignee_id = m.user_id and c.status in ('open', 'pending')) as open_count,
      ${teamId ? sql`tm.last_assigned_at` : sql`null::timestamptz`} as last_assigned_at
    from memberships m
    join users u on u.id = m.user_id and u.deactivated_at is null
    ${teamId ? sql`join team_members tm on tm.user_id = m.user_id and tm.team_id = ${teamId}` : sql``}
    where m.workspace_id = ${workspaceId} and m.deactivated_at is null and m.role in ('owner', 'admin', 'agent')`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    userId: r.user_id,
    availability: r.availability,
    lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at) : null,
    capacity: r.capacity,
    openCount: Number(r.open_count),
    lastAssignedAt: r.last_assigned_at ? new Date(r.last_assigned_at) : null,
  }));
}

/** The agent who last handled this contact (any of their conversations), for sticky assignment. */
export async function lastOwnerOf(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('conversations')
    .select('assignee_id')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('assignee_id', 'is not', null)
    .orderBy('assigned_at', (ob) => ob.desc().nullsLast())
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.assignee_id ?? null;
}

/** Conversations waiting for a person (open, unassigned, someone waiting) in a team's queue, or the workspace's. */
export async function queuedCount(db: DbOrTx, workspaceId: string, teamId: string | null): Promise<number> {
  let q = db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'open')
    .where('assignee_id', 'is', null)
    .where('waiting_since', 'is not', null);
  if (teamId) q = q.where('team_id', '=', teamId);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

export function countAvailable(candidates: readonly Candidate[], now: Date): number {
  return candidates.filter((c) => isAvailable(c, now)).length;
}

/**
 * Assigns the conversation to the chosen agent (logging why) and schedules its unread timeout. Returns the
 * updated row and the events to publish, or null when nobody is available (it stays in the queue).
 */
export async function assignAutomatically(
  tx: DbOrTx,
  clock: Clock,
  input: {
    conversation: ConversationRow;
    strategy: Strategy;
    sticky: string | null;
    exclude?: string[];
    /** Why (kept structured in the activity's `data.reason`, in English in its body). */
    reason: AutomationReason;
    unreadTimeoutMinutes: number;
    /** The customer message whose reading the unread timeout watches. */
    messageId: string;
  },
): Promise<{ row: ConversationRow; events: RealtimeEvent[] } | null> {
  const conv = input.conversation;
  const now = clock.now();
  const candidates = await loadCandidates(tx, conv.workspace_id, conv.team_id);
  const chosen = chooseAgent({
    strategy: input.strategy,
    candidates,
    now,
    sticky: input.sticky,
    exclude: input.exclude ?? [],
  });
  if (!chosen) return null;
  const row = await updateConversationRow(tx, conv.workspace_id, conv.id, {
    assignee_id: chosen,
    assigned_at: now,
    assignee_read_at: null,
    updated_at: now,
  });
  if (!row) return null;
  await domainEvents.publish(tx, clock, conversationChangeEvents(conv, row, now));
  if (conv.team_id)
    await tx
      .updateTable('team_members')
      .set({ last_assigned_at: now })
      .where('team_id', '=', conv.team_id)
      .where('user_id', '=', chosen)
      .execute();
  const logged = await insertActivities(tx, [
    {
      workspaceId: conv.workspace_id,
      conversationId: conv.id,
      kind: 'assigned',
      authorUserId: null,
      body: reasonText(input.reason),
      data: {
        from: conv.assignee_id,
        to: chosen,
        automatic: true,
        strategy: input.strategy,
        reason: input.reason,
      },
      at: now,
    },
  ]);
  await scheduleUnreadTimeout(tx, clock, row, input.messageId, input.unreadTimeoutMinutes);
  return { row, events: [conversationEvent(row), ...logged.map(activityEvent)] };
}

/** Schedules the check "did the assignee open this customer message in time?" for the current assignee. */
export async function scheduleUnreadTimeout(
  tx: DbOrTx,
  clock: Clock,
  conv: ConversationRow,
  messageId: string,
  minutes: number,
): Promise<void> {
  if (minutes <= 0 || !conv.assignee_id) return;
  await enqueueJob(
    tx,
    clock,
    UNREAD_TIMEOUT_JOB,
    { conversationId: conv.id, messageId, assigneeId: conv.assignee_id },
    {
      workspaceId: conv.workspace_id,
      runAt: new Date(clock.now().getTime() + minutes * 60_000),
      dedupeKey: `${conv.id}:${messageId}:${conv.assignee_id}`,
    },
  );
}

/**
 * The unread timeout: if the same agent still has the conversation and has not opened the customer's message,
 * pass it to the next available agent of the team (never back to them) and log it. When nobody else is
 * available it stays, with a log entry saying so.
 */
export async function handleUnreadTimeout(
  deps: { db: Db; clock: Clock },
  input: {
    conversationId: string;
    messageId: string;
    assigneeId: string;
    strategy: Strategy;
    minutes: number;
  },
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const conv = await tx
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', input.conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conv || conv.assignee_id !== input.assigneeId || conv.status === 'resolved') return;
    const message = await tx
      .selectFrom('messages')
      .select('occurred_at')
      .where('id', '=', input.messageId)
      .executeTakeFirst();
    if (!message) return;
    const now = deps.clock.now();
    const timedOut = unreadTimedOut({
      messageAt: message.occurred_at,
      assigneeReadAt: conv.assignee_read_at,
      now,
      timeoutMs: input.minutes * 60_000,
    });
    if (!timedOut) return;
    const reassigned = await assignAutomatically(tx, deps.clock, {
      conversation: conv,
      strategy: input.strategy === 'manual' ? 'round_robin' : input.strategy,
      sticky: null,
      exclude: [input.assigneeId],
      reason: reason('unread_reassigned', { minutes: input.minutes }),
      unreadTimeoutMinutes: input.minutes,
      messageId: input.messageId,
    });
    if (reassigned) {
      await publishEvents(tx, reassigned.events);
      return;
    }
    const logged = await insertActivities(tx, [
      {
        workspaceId: conv.workspace_id,
        conversationId: conv.id,
        kind: 'automation',
        authorUserId: null,
        body: reasonText(reason('unread_no_agent', { minutes: input.minutes })),
        data: {
          decision: 'unread_timeout',
          assigneeId: input.assigneeId,
          reason: reason('unread_no_agent', { minutes: input.minutes }),
        },
        at: now,
      },
    ]);
    await publishEvents(tx, logged.map(activityEvent));
  });
}
