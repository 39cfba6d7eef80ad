/**
 * Planning: the audience resolved into the ledger in keyset-paged, checkpointed batches. Each batch is one
 * transaction that locks the campaign row (so two planners take turns), reads the next page of candidates after
 * the checkpoint (`plan_cursor`), applies the exclusion rules, inserts ledger rows with `on conflict do nothing`
 * and moves the checkpoint. A crash loses at most the batch in flight (rolled back); a rerun or a duplicate job
 * continues from the checkpoint and can never write a second row for a contact. The estimate runs the same
 * candidate pages without writing.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { CampaignEstimateDto } from '../../../contracts/campaign.schemas.ts';
import type { DbOrTx } from '../../db/types.ts';
import { notFound } from '../../lib/app-error.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { compileCondition } from '../conditions/condition-sql.rules.ts';
import { audienceImportMembership } from '../contacts/contact-imports.service.ts';
import { resolveCondition, segmentMembership } from '../segments/segments.service.ts';
import { estimateCost, DEFAULT_PRICES } from './campaign-estimate.rules.ts';
import {
  AUDIENCE_ALIAS,
  analyzeLedger,
  insertLedgerRows,
  selectCandidates,
  type CandidateRow,
  type PlannedRow,
} from './campaign-ledger.repository.ts';
import {
  dueAt,
  exclusionReason,
  recipientTimeZone,
  requiresOptIn,
  senderFor,
  variantOf,
  type ExclusionPolicy,
} from './campaign-plan.rules.ts';
import { findCampaignRow, findPrices, updateCampaignRow, workspaceTimeZone } from './campaigns.repository.ts';
import {
  assertTemplatesApproved,
  toCampaign,
  type Campaign,
  type CampaignsDeps,
} from './campaigns.service.ts';

/** Contacts per planning batch (one transaction each). */
export const PLAN_BATCH = 5000;

/** The SQL pieces of a campaign's audience, compiled once per planning run at the clock's now. */
interface AudienceSql {
  audience: RawBuilder<SqlBool>;
  excluded: RawBuilder<SqlBool> | null;
  capSince: Date | null;
}

async function compileAudience(deps: CampaignsDeps, c: Campaign): Promise<AudienceSql> {
  const ws = c.row.workspace_id;
  const segDeps = { db: deps.db, clock: deps.clock };
  const a = c.audience;
  const audience =
    'segmentId' in a
      ? await segmentMembership(segDeps, ws, a.segmentId, AUDIENCE_ALIAS)
      : 'condition' in a
        ? compileCondition(resolveCondition(a.condition).tree, {
            now: deps.clock.now(),
            contactAlias: AUDIENCE_ALIAS,
          })
        : 'importId' in a
          ? audienceImportMembership(a.importId, AUDIENCE_ALIAS)
          : sql<SqlBool>`c.id = any(${a.contactIds}::uuid[])`;
  const segments = await Promise.all(
    c.exclusions.segmentIds.map((id) => segmentMembership(segDeps, ws, id, AUDIENCE_ALIAS)),
  );
  const excluded = segments.length > 0 ? sql<SqlBool>`(${sql.join(segments, sql` or `)})` : null;
  const cap = c.exclusions.frequencyCap;
  const capSince = cap ? new Date(deps.clock.nowMs() - cap.days * 86_400_000) : null;
  return { audience, excluded, capSince };
}

/** What planning a page of candidates needs besides the candidates. */
interface PlanContext {
  c: Campaign;
  policy: ExclusionPolicy;
  workspaceTimeZone: string;
  now: Date;
}

/** Ledger rows for a page of candidates (pure apart from reading the context). */
function planRows(ctx: PlanContext, candidates: CandidateRow[]): PlannedRow[] {
  const { c, policy, now } = ctx;
  return candidates.map((k) => {
    const reason = exclusionReason(
      {
        contactId: k.id,
        waId: k.wa_id,
        marketing: k.marketing,
        unreachable: k.unreachable,
        inExcludedSegment: k.in_excluded,
        recentCampaignMessages: k.recent,
      },
      policy,
    );
    const timeZone = recipientTimeZone(k, ctx.workspaceTimeZone);
    return {
      contactId: k.id,
      status: reason ? 'skipped' : 'planned',
      skipReason: reason,
      phoneNumberId: reason ? null : senderFor(c.numbers, k.last_number, k.id),
      variant: variantOf(c.row.id, k.id, c.variantB ? c.variantB.splitPercent : null),
      timeZone,
      country: k.country,
      dueAt: reason ? null : dueAt(c.schedule, timeZone, c.quietHours, now),
    };
  });
}

async function planContext(deps: CampaignsDeps, c: Campaign, category: string | null): Promise<PlanContext> {
  return {
    c,
    policy: {
      requireOptIn: requiresOptIn(c.exclusions.requireOptIn, category),
      frequencyCap: c.exclusions.frequencyCap,
    },
    workspaceTimeZone: await workspaceTimeZone(deps.db, c.row.workspace_id),
    now: deps.clock.now(),
  };
}

/**
 * Plans one batch of a launched campaign. Returns true when planning is finished (or there is nothing to plan:
 * the campaign is a draft, cancelled or gone).
 */
export async function planBatch(
  deps: CampaignsDeps,
  workspaceId: string,
  campaignId: string,
  prepared: { sql: AudienceSql; ctx: PlanContext },
  batchSize = PLAN_BATCH,
): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const row = await findCampaignRow(tx, workspaceId, campaignId, 'update');
    if (!row || row.plan_state === 'done') return true;
    if (!['scheduled', 'running', 'paused'].includes(row.status)) return true;
    const candidates = await selectCandidates(tx, {
      workspaceId,
      campaignId,
      ...prepared.sql,
      numbers: prepared.ctx.c.numbers,
      after: row.plan_cursor,
      limit: batchSize,
    });
    const now = deps.clock.now();
    await insertLedgerRows(tx, workspaceId, campaignId, now, planRows(prepared.ctx, candidates));
    const done = candidates.length < batchSize;
    await updateCampaignRow(tx, workspaceId, campaignId, {
      plan_cursor: candidates.at(-1)?.id ?? row.plan_cursor,
      plan_state: done ? 'done' : 'planning',
      ...(done ? { planned_at: now } : {}),
      updated_at: now,
    });
    if (done) {
      await analyzeLedger(tx);
      await enqueueRelease(tx, deps, workspaceId, campaignId, now);
    }
    return done;
  });
}

/** Enqueues a release of the campaign at `at` (deduplicated per instant). */
export async function enqueueRelease(
  tx: DbOrTx,
  deps: CampaignsDeps,
  workspaceId: string,
  campaignId: string,
  at: Date,
): Promise<void> {
  await enqueueJob(
    tx,
    deps.clock,
    'campaign.release',
    { campaignId },
    { workspaceId, runAt: at, dedupeKey: `release:${campaignId}:${at.toISOString()}` },
  );
}

/**
 * The `campaign.plan` job: plans batch after batch until done; safe to run twice or concurrently. `batchSize` is
 * for tests that want many checkpoints from a small audience.
 */
export async function planCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  campaignId: string,
  batchSize = PLAN_BATCH,
): Promise<void> {
  const row = await findCampaignRow(deps.db, workspaceId, campaignId);
  if (!row || row.plan_state === 'done') return;
  const c = toCampaign(row);
  const category = await assertTemplatesApproved(deps, c).catch(() => null);
  const prepared = { sql: await compileAudience(deps, c), ctx: await planContext(deps, c, category) };
  while (!(await planBatch(deps, workspaceId, campaignId, prepared, batchSize))) {
    // each batch committed its checkpoint
  }
}

/**
 * What a launch would do now: the audience, eligible recipients, exclusions by reason, and the cost of the
 * eligible ones (template category × recipient country from the price table). Reads pages like the planner,
 * writes nothing.
 */
export async function estimateCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  campaignId: string,
): Promise<CampaignEstimateDto> {
  const row = await findCampaignRow(deps.db, workspaceId, campaignId);
  if (!row) throw notFound('Campaign');
  const c = toCampaign(row);
  const category = await assertTemplatesApproved(deps, c).catch(() => null);
  const audienceSql = await compileAudience(deps, c);
  const ctx = await planContext(deps, c, category);
  const exclusions: Record<string, number> = {};
  const byCountry = new Map<string | null, number>();
  let audience = 0;
  let eligible = 0;
  let after: string | null = null;
  for (;;) {
    const page = await selectCandidates(deps.db, {
      workspaceId,
      campaignId,
      ...audienceSql,
      numbers: c.numbers,
      after,
      limit: PLAN_BATCH,
    });
    for (const r of planRows(ctx, page)) {
      audience++;
      if (r.skipReason) exclusions[r.skipReason] = (exclusions[r.skipReason] ?? 0) + 1;
      else {
        eligible++;
        byCountry.set(r.country, (byCountry.get(r.country) ?? 0) + 1);
      }
    }
    if (page.length < PLAN_BATCH) break;
    after = page.at(-1)?.id ?? null;
  }
  const prices = await findPrices(deps.db, workspaceId);
  const cost = estimateCost(byCountry, category, prices.length > 0 ? prices : DEFAULT_PRICES);
  return { audience, eligible, exclusions, category, cost };
}
