/**
 * The automation engine at work on one customer message (job `automation.inbound`, enqueued by ingest in the
 * same transaction as the message): gather the inputs, plan (automation-plan.rules.ts), and apply the plan in
 * one transaction — the decision record, the automatic replies (sent later by `automation.reply`, after a
 * human-like delay), pausing, the pending menu, routing, assignment, escalation, the log on the conversation.
 * Idempotent: a message decided once is never decided again (unique run per message).
 */
import type { RealtimeEvent } from '../../../contracts/realtime.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { ConversationRow, Db, DbOrTx } from '../../db/types.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { publishEvents } from '../../events.ts';
import { notFound } from '../../lib/app-error.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import {
  activityEvent,
  conversationChangeEvents,
  conversationEvent,
} from '../conversations/conversation-events.rules.ts';
import { insertActivities } from '../conversations/activities.repository.ts';
import { updateConversationRow } from '../conversations/conversations.repository.ts';
import { consentKeywordOf } from '../consent/consent-keywords.service.ts';
import { expectedWaitMinutes } from './assignment.rules.ts';
import {
  assignAutomatically,
  countAvailable,
  lastOwnerOf,
  loadCandidates,
  queuedCount,
  scheduleUnreadTimeout,
} from './assignment.service.ts';
import type { CompiledAutomation } from './automation-compile.service.ts';
import { getAutomation, type CompiledAutomationCache } from './automation-config.service.ts';
import {
  loadConditionSubject,
  loadInbound,
  loadReplyHistory,
  lockConversation,
  previousTexts,
  type InboundContext,
} from './automation-context.repository.ts';
import {
  builtInText,
  historyWindowMs,
  planAutomation,
  type Plan,
  type PlanInput,
} from './automation-plan.rules.ts';
import { reason, reasonText } from './automation-reason.rules.ts';
import { isOpen, openingText } from './business-hours.rules.ts';
import { customerInput } from './menu-render.rules.ts';
import { classifySentiment } from './sentiment.rules.ts';

export const REPLY_JOB = 'automation.reply' as const;

/** What the engine uses. `random` picks the reply delay (injected so tests can fix it). */
export interface AutomationDeps {
  db: Db;
  clock: Clock;
  cache: CompiledAutomationCache;
  random: () => number;
}

/** Decides and applies automation for one inbound message. */
export async function runAutomationForMessage(deps: AutomationDeps, messageId: string): Promise<void> {
  const ctx = await loadInbound(deps.db, messageId);
  if (!ctx) return;
  const done = await deps.db
    .selectFrom('automation_runs')
    .select('id')
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  if (done) return;
  const state = await getAutomation(deps, ctx.message.workspace_id);
  if (!state.enabled) return;
  // A consent keyword (STOP, 配信停止, …) is the consent module's to answer, with its confirmation only: no
  // automatic reply, menu or fallback on top of it.
  if (await consentKeywordOf(deps.db, ctx.message)) return;
  const automation = await deps.cache.get(ctx.message.workspace_id, state.version, state.config);
  const inputs = await gatherInputs(deps.db, ctx, automation);

  await deps.db.transaction().execute(async (tx) => {
    const conv = await lockConversation(tx, ctx.message.conversation_id);
    if (!conv) return;
    const again = await tx
      .selectFrom('automation_runs')
      .select('id')
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    if (again) return;
    const now = deps.clock.now();
    const { history, lastAwayAt } = await loadReplyHistory(tx, conv.id, now, historyWindowMs(automation));
    const plan = planAutomation({
      ...inputs,
      now,
      history,
      lastAwayAt,
      conversation: {
        paused: conv.automation_paused_at !== null,
        menu: menuState(conv),
        priority: conv.priority,
        assigneeId: conv.assignee_id,
        teamId: conv.team_id,
      },
    });
    await applyPlan(deps, tx, { ctx, conv, plan, automation, now });
  });
}

/** Reads everything the planner needs outside the decision transaction (no locks held while reading). */
async function gatherInputs(
  db: DbOrTx,
  ctx: InboundContext,
  automation: CompiledAutomation,
): Promise<Omit<PlanInput, 'now' | 'history' | 'lastAwayAt' | 'conversation'>> {
  const { message, contact } = ctx;
  const hours = automation.config.businessHours;
  const [subject, texts] = await Promise.all([
    loadConditionSubject(
      db,
      { workspaceId: message.workspace_id, contactId: contact.id },
      { at: message.occurred_at, excludeId: message.id },
    ),
    previousTexts(db, message, automation.config.escalation.negativeStreak - 1),
  ]);
  return {
    automation,
    input: customerInput(message.content),
    phoneNumberId: ctx.cloudPhoneNumberId,
    inBusinessHours: hours ? isOpen(hours, message.occurred_at) : true,
    contact: { attributes: contact.attributes, tags: subject.tags, events: subject.events },
    previousInboundAt: subject.previousInboundAt,
    previousSentiments: texts.map((t) => classifySentiment(t).label),
  };
}

function menuState(conv: ConversationRow): { menuId: string; at: Date } | null {
  const m = conv.menu_state as { menuId?: unknown; at?: unknown } | null;
  return m && typeof m.menuId === 'string' && typeof m.at === 'string'
    ? { menuId: m.menuId, at: new Date(m.at) }
    : null;
}

/** The reply delay for the i-th reply of a decision: random within the configured range, then 1.5 s apart. */
function replyDelayMs(deps: AutomationDeps, automation: CompiledAutomation, i: number): number {
  const { min, max } = automation.config.replyDelayMs;
  return Math.round(min + deps.random() * (max - min)) + i * 1500;
}

async function applyPlan(
  deps: AutomationDeps,
  tx: DbOrTx,
  input: {
    ctx: InboundContext;
    conv: ConversationRow;
    plan: Plan;
    automation: CompiledAutomation;
    now: Date;
  },
): Promise<void> {
  const { ctx, plan, automation, now } = input;
  let conv = input.conv;
  const events: RealtimeEvent[] = [];
  const runId = newId();
  await tx
    .insertInto('automation_runs')
    .values({
      id: runId,
      workspace_id: conv.workspace_id,
      conversation_id: conv.id,
      message_id: ctx.message.id,
      config_version: automation.version,
      decision: plan.decision,
      rule_id: plan.match?.ruleId ?? plan.routing?.ruleId ?? null,
      keyword: plan.match?.keyword ?? null,
      reason: reasonText(plan.reason) || null,
      normalized_text: plan.unmatched,
      created_at: now,
    })
    .execute();

  // Conversation state: paused, pending menu, routing (team only while unassigned), priority.
  const teamId = !conv.assignee_id && plan.routing?.teamId ? plan.routing.teamId : conv.team_id;
  const set = {
    ...(plan.pause ? { automation_paused_at: now, automation_paused_reason: plan.pause } : {}),
    ...(plan.menu !== undefined
      ? { menu_state: plan.menu ? JSON.stringify({ menuId: plan.menu.menuId, at: now.toISOString() }) : null }
      : {}),
    ...(teamId !== conv.team_id ? { team_id: teamId } : {}),
    ...(plan.priority ? { priority: plan.priority } : {}),
  };
  if (Object.keys(set).length > 0) {
    const before = conv;
    conv = (await updateConversationRow(tx, conv.workspace_id, conv.id, { ...set, updated_at: now })) ?? conv;
    await domainEvents.publish(tx, deps.clock, conversationChangeEvents(before, conv, now));
    events.push(conversationEvent(conv));
  }

  const wait = await waitText(tx, conv, automation, now);
  for (const [i, reply] of plan.replies.entries()) {
    const content =
      reply.content ??
      (reply.text
        ? {
            type: 'text',
            text: {
              body: builtInText(
                automation.config,
                reply.text,
                wait,
                openingText(automation.config.businessHours, now, reply.text.language),
              ),
            },
          }
        : null);
    if (!content) continue;
    const replyId = newId();
    const dueAt = new Date(now.getTime() + replyDelayMs(deps, automation, i));
    await tx
      .insertInto('automation_replies')
      .values({
        id: replyId,
        workspace_id: conv.workspace_id,
        conversation_id: conv.id,
        run_id: runId,
        kind: reply.kind,
        rule_id: reply.ruleId,
        layer: reply.layer,
        content: JSON.stringify(content),
        due_at: dueAt,
        created_at: now,
      })
      .execute();
    await enqueueJob(
      tx,
      deps.clock,
      REPLY_JOB,
      { replyId },
      { workspaceId: conv.workspace_id, runAt: dueAt, dedupeKey: replyId },
    );
  }

  const log = logEntries(plan, automation, teamId !== input.conv.team_id ? teamId : null, input.conv);
  const logged = await insertActivities(
    tx,
    log.map((l) => ({
      ...l,
      workspaceId: conv.workspace_id,
      conversationId: conv.id,
      authorUserId: null,
      at: now,
    })),
  );
  events.push(...logged.map(activityEvent));

  // A person takes over: assign (sticky owner first) when nobody is assigned; otherwise watch the assignee.
  const assignment = automation.config.assignment;
  const routedTo = plan.routing?.assigneeId ?? null;
  if (!conv.assignee_id && (plan.needsPerson || plan.routing)) {
    const sticky =
      routedTo ?? (assignment.sticky ? await lastOwnerOf(tx, conv.workspace_id, conv.contact_id) : null);
    const assigned = await assignAutomatically(tx, deps.clock, {
      conversation: conv,
      strategy: routedTo ? 'least_open' : assignment.strategy,
      sticky,
      reason: plan.routing ? reason('routing_rule', { rule: plan.routing.ruleId }) : plan.reason,
      unreadTimeoutMinutes: assignment.unreadTimeoutMinutes,
      messageId: ctx.message.id,
    });
    if (assigned) events.push(...assigned.events);
  } else if (conv.assignee_id) {
    await scheduleUnreadTimeout(tx, deps.clock, conv, ctx.message.id, assignment.unreadTimeoutMinutes);
  }
  await publishEvents(tx, events);
}

/** The log of a decision on the conversation: what automation did and why. */
function logEntries(
  plan: Plan,
  automation: CompiledAutomation,
  newTeamId: string | null,
  before: ConversationRow,
) {
  const entries: Array<{
    kind: 'automation' | 'priority' | 'team';
    body: string;
    data: Record<string, unknown>;
  }> = [];
  if (plan.decision !== 'none' || plan.replies.length > 0) {
    entries.push({
      kind: 'automation',
      body: reasonText(plan.reason) || plan.decision,
      data: {
        decision: plan.decision,
        reason: plan.reason,
        language: plan.language,
        ruleId: plan.match?.ruleId ?? null,
        keyword: plan.match?.keyword ?? null,
        mode: plan.match?.mode ?? null,
        replies: plan.replies.map((r) => ({ kind: r.kind, layer: r.layer })),
        paused: plan.pause,
        configVersion: automation.version,
      },
    });
  }
  if (newTeamId)
    entries.push({
      kind: 'team',
      body: `routing rule ${plan.routing?.ruleId ?? ''}`,
      data: {
        from: before.team_id,
        to: newTeamId,
        automatic: true,
        reason: reason('routing_rule', { rule: plan.routing?.ruleId ?? '' }),
      },
    });
  if (plan.priority)
    entries.push({
      kind: 'priority',
      body: plan.escalated ? 'negative messages in a row' : `routing rule ${plan.routing?.ruleId ?? ''}`,
      data: {
        from: before.priority,
        to: plan.priority,
        automatic: true,
        reason: plan.escalated
          ? reason('negative_streak')
          : reason('routing_rule', { rule: plan.routing?.ruleId ?? '' }),
      },
    });
  return entries;
}

/** The expected wait in minutes as text, or null when nobody is available. */
async function waitText(
  tx: DbOrTx,
  conv: ConversationRow,
  automation: CompiledAutomation,
  now: Date,
): Promise<number | null> {
  const [candidates, queued] = await Promise.all([
    loadCandidates(tx, conv.workspace_id, conv.team_id),
    queuedCount(tx, conv.workspace_id, conv.team_id),
  ]);
  return expectedWaitMinutes({
    queued,
    availableAgents: countAvailable(candidates, now),
    averageHandleMinutes: automation.config.assignment.averageHandleMinutes,
  });
}

/**
 * Lets automation answer a paused conversation again (an agent decided the customer is fine with the bot).
 * Logged with who did it. Returns false when it was not paused.
 */
export async function resumeAutomation(
  deps: { db: Db; clock: Clock },
  actor: { workspaceId: string; userId: string | null },
  conversationId: string,
): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const conv = await tx
      .selectFrom('conversations')
      .select(['id', 'automation_paused_at'])
      .where('workspace_id', '=', actor.workspaceId)
      .where('id', '=', conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conv) throw notFound('Conversation');
    if (!conv.automation_paused_at) return false;
    const now = deps.clock.now();
    const row = await updateConversationRow(tx, actor.workspaceId, conversationId, {
      automation_paused_at: null,
      automation_paused_reason: null,
      menu_state: null,
      updated_at: now,
    });
    if (!row) throw notFound('Conversation');
    const logged = await insertActivities(tx, [
      {
        workspaceId: actor.workspaceId,
        conversationId,
        kind: 'automation',
        authorUserId: actor.userId,
        body: 'automation resumed',
        data: { decision: 'resumed', reason: reason('resumed') },
        at: now,
      },
    ]);
    await publishEvents(tx, [conversationEvent(row), ...logged.map(activityEvent)]);
    return true;
  });
}
