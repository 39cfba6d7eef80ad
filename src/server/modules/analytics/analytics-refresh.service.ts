/**
 * Keeps the analytics rollups equal to what the facts say. Three entry points, all recomputations (never increments),
 * so any of them may run twice or concurrently without changing a figure:
 * - `touch`: a domain event's delivery marks the day bucket and the conversation it affects as dirty;
 * - `refreshWorkspace`: recomputes what is dirty, plus what facts recorded since the last refresh touch (our own
 *   sends carry no event);
 * - `rebuildWorkspace`: recomputes everything from facts (`tsunagi analytics rebuild`).
 */
import type { BusinessHours } from '../../../contracts/business-hours.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { getAutomation } from '../automation/automation-config.service.ts';
import {
  allWorkspaceIds,
  conversationIdsPage,
  getWatermark,
  loadTimelines,
  markDirty,
  markRecentFacts,
  messageTouchFacts,
  recomputeMessageDays,
  replaceCases,
  setWatermark,
  takeDirty,
  workspaceTimeZone,
  type CaseRow,
} from './analytics-rollup.repository.ts';
import { localDate } from './analytics-time.rules.ts';
import { advanceTierEpoch, deleteTierSnapshots } from './analytics-tiers.repository.ts';
import { keepTiers } from './analytics-tiers.service.ts';
import { isLateMessage } from './audience.rules.ts';
import { REPLY_WINDOW_MS } from './message-outcome.rules.ts';
import { cutCases } from './service-cases.rules.ts';

/** What the refresh needs. */
export interface AnalyticsDeps {
  db: Db;
  clock: Clock;
}

/** Conversations recomputed per batch (each batch loads their whole histories). */
const CASE_BATCH = 2000;
/**
 * The watermark scan looks this far behind the last one: a row created (created_at) before a refresh but committed
 * after it is still seen. Marking twice is harmless.
 */
const SCAN_OVERLAP_MS = 5 * 60_000;

/** The business hours durations are measured in: those of the active automation document, if any. */
export async function workspaceBusinessHours(db: DbOrTx, workspaceId: string): Promise<BusinessHours | null> {
  return (await getAutomation({ db }, workspaceId)).config.businessHours ?? null;
}

/**
 * Marks what events touch: for a message, its local day (and, for a customer message, the day before, whose
 * messages it may be a reply to) and its conversation; for a conversation, the conversation. One read of the
 * messages and two set-based inserts, however many events the job carries. A customer message that arrives late, a
 * merge or an erasure (`tiersChanged`) may change past activity tiers: the tier epoch moves on.
 */
export async function touch(
  deps: AnalyticsDeps,
  workspaceId: string,
  target: {
    messageId?: string;
    conversationId?: string;
    messageIds?: string[];
    conversationIds?: string[];
    tiersChanged?: boolean;
  },
): Promise<void> {
  const { db } = deps;
  const messageIds = [...(target.messageId ? [target.messageId] : []), ...(target.messageIds ?? [])];
  const days: string[] = [];
  const conversations = [
    ...(target.conversationId ? [target.conversationId] : []),
    ...(target.conversationIds ?? []),
  ];
  let tiersChanged = target.tiersChanged === true;
  if (messageIds.length > 0) {
    const timeZone = await workspaceTimeZone(db, workspaceId);
    const now = deps.clock.now();
    for (const m of await messageTouchFacts(db, messageIds)) {
      if (m.workspaceId !== workspaceId) continue;
      days.push(localDate(m.occurredAt, timeZone));
      if (m.direction === 'inbound') {
        days.push(localDate(new Date(m.occurredAt.getTime() - REPLY_WINDOW_MS), timeZone));
        if (isLateMessage(m.occurredAt, now)) tiersChanged = true;
      }
      conversations.push(m.conversationId);
    }
  }
  await markDirty(db, workspaceId, days, conversations);
  if (tiersChanged) await advanceTierEpoch(db, workspaceId);
}

/** Recomputes the service cases of some conversations (all of the workspace's when null). */
async function recomputeCases(
  tx: DbOrTx,
  workspaceId: string,
  timeZone: string,
  hours: BusinessHours | null,
  conversationIds: string[],
): Promise<number> {
  let cases = 0;
  for (let i = 0; i < conversationIds.length; i += CASE_BATCH) {
    const ids = conversationIds.slice(i, i + CASE_BATCH);
    const t = await loadTimelines(tx, workspaceId, ids);
    const byConversation = new Map(
      t.conversations.map((c) => [
        c.id,
        {
          phoneNumberId: c.phoneNumberId,
          messages: [] as Parameters<typeof cutCases>[0][number][],
          resolved: [] as Date[],
        },
      ]),
    );
    for (const m of t.messages)
      byConversation.get(m.conversation_id)?.messages.push({
        direction: m.direction,
        origin: m.origin,
        authorUserId: m.author_user_id,
        at: m.occurred_at,
        failed: m.status === 'failed',
      });
    for (const r of t.resolutions) byConversation.get(r.conversation_id)?.resolved.push(r.created_at);
    const rows: CaseRow[] = [];
    for (const [conversationId, c] of byConversation)
      for (const sc of cutCases(c.messages, c.resolved, hours))
        rows.push({
          conversationId,
          phoneNumberId: c.phoneNumberId,
          startDay: localDate(sc.startedAt, timeZone),
          resolvedDay: sc.resolvedAt ? localDate(sc.resolvedAt, timeZone) : null,
          c: sc,
        });
    await replaceCases(tx, workspaceId, ids, rows);
    cases += rows.length;
  }
  return cases;
}

/** Counts of one refresh or rebuild. */
export interface RefreshResult {
  workspaceId: string;
  rebuilt: boolean;
  days: number;
  conversations: number;
  cases: number;
}

/**
 * Recomputes the dirty days and conversations of a workspace in one transaction (the watermark row is locked, so
 * concurrent refreshes of one workspace queue up). A workspace never refreshed is rebuilt.
 */
export async function refreshWorkspace(deps: AnalyticsDeps, workspaceId: string): Promise<RefreshResult> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const timeZone = await workspaceTimeZone(tx, workspaceId);
    const watermark = await getWatermark(tx, workspaceId);
    if (!watermark) return rebuildInTransaction(tx, workspaceId, timeZone, now);
    await markRecentFacts(tx, workspaceId, timeZone, new Date(watermark.getTime() - SCAN_OVERLAP_MS));
    const dirty = await takeDirty(tx, workspaceId);
    await recomputeMessageDays(tx, workspaceId, timeZone, dirty.days);
    const hours = dirty.conversationIds.length > 0 ? await workspaceBusinessHours(tx, workspaceId) : null;
    const cases = await recomputeCases(tx, workspaceId, timeZone, hours, dirty.conversationIds);
    await setWatermark(tx, workspaceId, now);
    return {
      workspaceId,
      rebuilt: false,
      days: dirty.days.length,
      conversations: dirty.conversationIds.length,
      cases,
    };
  });
}

async function rebuildInTransaction(
  tx: DbOrTx,
  workspaceId: string,
  timeZone: string,
  now: Date,
): Promise<RefreshResult> {
  await takeDirty(tx, workspaceId);
  await deleteTierSnapshots(tx, workspaceId);
  await recomputeMessageDays(tx, workspaceId, timeZone, null);
  await replaceCases(tx, workspaceId, null, []);
  const hours = await workspaceBusinessHours(tx, workspaceId);
  let after: string | null = null;
  let conversations = 0;
  let cases = 0;
  for (;;) {
    const ids = await conversationIdsPage(tx, workspaceId, after, CASE_BATCH);
    if (ids.length === 0) break;
    cases += await recomputeCases(tx, workspaceId, timeZone, hours, ids);
    conversations += ids.length;
    after = ids[ids.length - 1] as string;
  }
  await setWatermark(tx, workspaceId, now);
  return { workspaceId, rebuilt: true, days: -1, conversations, cases };
}

/** Recomputes every rollup of a workspace from facts, in one transaction. */
export async function rebuildWorkspace(deps: AnalyticsDeps, workspaceId: string): Promise<RefreshResult> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    await getWatermark(tx, workspaceId);
    return rebuildInTransaction(tx, workspaceId, await workspaceTimeZone(tx, workspaceId), now);
  });
}

/**
 * Refreshes (or, with `rebuild`, rebuilds) every workspace, one transaction each; a refresh then counts the
 * activity tiers of the present and keeps those the dashboard's presets start with.
 */
export async function refreshAll(
  deps: AnalyticsDeps,
  opts: { rebuild?: boolean } = {},
): Promise<RefreshResult[]> {
  const out: RefreshResult[] = [];
  for (const id of await allWorkspaceIds(deps.db)) {
    if (opts.rebuild) out.push(await rebuildWorkspace(deps, id));
    else {
      out.push(await refreshWorkspace(deps, id));
      await keepTiers(deps, id);
    }
  }
  return out;
}
