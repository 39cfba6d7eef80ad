/**
 * Campaign use cases behind `/api/v1/campaigns`: drafts (create, read with live counters, edit, delete), the launch
 * with its approval step, pause, resume, cancel, the recipients' ledger and the price table. Planning and release
 * run as jobs (campaign-plan.service.ts, campaign-release.service.ts); a launch only enqueues the plan.
 */
import type { z } from 'zod';
import type { CampaignPricesInputSchema } from '../../../contracts/campaign.schemas.ts';
import {
  CampaignAudienceSchema,
  CampaignExclusionsSchema,
  CampaignLimitsSchema,
  CampaignScheduleSchema,
  CampaignTemplateSchema,
  CampaignVariantSchema,
  QuietHoursSchema,
  type CampaignDto,
  type CampaignInput,
  type CampaignUpdateSchema,
} from '../../../contracts/campaign.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { CampaignRow, Db, RecipientStatus } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import type { Principal } from '../auth/principal.rules.ts';
import { templateCategory } from '../consent/consent-send.rules.ts';
import { IdKeySchema, decodeCursor, toPage } from '../../lib/paging.rules.ts';
import { assertAudienceImport } from '../contacts/contact-imports.service.ts';
import { findUploadedMedia } from '../media/media.service.ts';
import type { GraphClient } from '../../whatsapp/graph-client.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { getSegment, resolveCondition } from '../segments/segments.service.ts';
import { launchNeedsApproval, launchedStatus, TRANSITIONS } from './campaign-access.rules.ts';
import { DEFAULT_PRICES } from './campaign-estimate.rules.ts';
import { csvVariablesMisplaced, templateMismatch } from './campaign-template-check.rules.ts';
import { countLedger, countLedgers, pageLedger, skipPlannedRows } from './campaign-ledger.repository.ts';
import { errorMeaning } from './campaign-outcome.rules.ts';
import { countEngagement, countEngagements } from './campaign-results.repository.ts';
import {
  deleteCampaignRow,
  findCachedTemplate,
  findCampaignRow,
  findPrices,
  findSendingNumbers,
  insertCampaignRow,
  listCampaignRows,
  replacePrices,
  updateCampaignRow,
  type CampaignValues,
} from './campaigns.repository.ts';

/** What the campaign use cases use. */
export interface CampaignsDeps {
  db: Db;
  clock: Clock;
  /**
   * The public origin of short links (`TSUNAGI_PUBLIC_URL`, else the listen address; http/links.ts). Needed to
   * launch or release a campaign with tracked links; without it, tracked buttons are not checked at launch.
   */
  publicOrigin?: () => string;
  /** The Graph client and secrets, to upload header media for a sending number at release (jobs only). */
  graph?: () => GraphClient;
  secrets?: SecretBox;
}

/** A stored campaign with its documents parsed. */
export interface Campaign {
  row: CampaignRow;
  numbers: string[];
  template: z.infer<typeof CampaignTemplateSchema>;
  variantB: z.infer<typeof CampaignVariantSchema> | null;
  audience: z.infer<typeof CampaignAudienceSchema>;
  exclusions: z.infer<typeof CampaignExclusionsSchema>;
  schedule: z.infer<typeof CampaignScheduleSchema>;
  quietHours: z.infer<typeof QuietHoursSchema>;
  limits: z.infer<typeof CampaignLimitsSchema>;
}

/** Parses a campaign row's documents (stored from the same schemas). */
export function toCampaign(row: CampaignRow): Campaign {
  return {
    row,
    numbers: row.phone_number_ids,
    template: CampaignTemplateSchema.parse(row.template),
    variantB: row.variant_b ? CampaignVariantSchema.parse(row.variant_b) : null,
    audience: CampaignAudienceSchema.parse(row.audience),
    exclusions: CampaignExclusionsSchema.parse(row.exclusions),
    schedule: CampaignScheduleSchema.parse(row.schedule),
    quietHours: QuietHoursSchema.parse(row.quiet_hours),
    limits: CampaignLimitsSchema.parse(row.limits),
  };
}

function toDto(c: Campaign, counters?: CampaignDto['counters']): CampaignDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: c.row.id,
    name: c.row.name,
    status: c.row.status,
    phoneNumberIds: c.numbers,
    template: c.template,
    variantB: c.variantB,
    audience: c.audience,
    exclusions: c.exclusions,
    schedule: c.schedule,
    quietHours: c.quietHours,
    limits: c.limits,
    createdBy: c.row.created_by,
    approvedBy: c.row.approved_by,
    planState: c.row.plan_state,
    launchedAt: iso(c.row.launched_at),
    completedAt: iso(c.row.completed_at),
    createdAt: c.row.created_at.toISOString(),
    updatedAt: c.row.updated_at.toISOString(),
    ...(counters ? { counters } : {}),
  };
}

function values(input: Partial<CampaignInput>): Partial<CampaignValues> {
  const v: Partial<CampaignValues> = {};
  if (input.name !== undefined) v.name = input.name;
  if (input.phoneNumberIds !== undefined)
    v.phone_number_ids = JSON.stringify([...new Set(input.phoneNumberIds)]);
  if (input.template !== undefined) v.template = JSON.stringify(input.template);
  if (input.variantB !== undefined) v.variant_b = input.variantB ? JSON.stringify(input.variantB) : null;
  if (input.audience !== undefined) v.audience = JSON.stringify(input.audience);
  if (input.exclusions !== undefined) v.exclusions = JSON.stringify(input.exclusions);
  if (input.schedule !== undefined) v.schedule = JSON.stringify(input.schedule);
  if (input.quietHours !== undefined) v.quiet_hours = JSON.stringify(input.quietHours);
  if (input.limits !== undefined) v.limits = JSON.stringify(input.limits);
  return v;
}

async function load(deps: CampaignsDeps, workspaceId: string, id: string): Promise<Campaign> {
  const row = await findCampaignRow(deps.db, workspaceId, id);
  if (!row) throw notFound('Campaign');
  return toCampaign(row);
}

async function assertNumbers(deps: CampaignsDeps, workspaceId: string, ids: string[]) {
  const numbers = await findSendingNumbers(deps.db, workspaceId, [...new Set(ids)]);
  if (numbers.length !== new Set(ids).size)
    throw new AppError(
      'phone_number_unavailable',
      'A phone number of the campaign is not one of this workspace',
    );
  return numbers;
}

/**
 * The audience and exclusions must name the workspace's own segments and CSV import (404 otherwise; the import
 * must be an audience import that did not fail, 422) and a condition must parse (400 invalid_condition), so a
 * draft that saves can be planned. `doc` is the campaign as it will be: variables read from CSV columns need a CSV
 * audience (400).
 */
async function assertAudience(
  deps: CampaignsDeps,
  workspaceId: string,
  input: Pick<Partial<CampaignInput>, 'audience' | 'exclusions'>,
  doc: Pick<CampaignInput, 'audience' | 'template' | 'variantB'>,
): Promise<void> {
  const segmentIds = [
    ...(input.audience && 'segmentId' in input.audience ? [input.audience.segmentId] : []),
    ...(input.exclusions?.segmentIds ?? []),
  ];
  for (const id of segmentIds) await getSegment(deps, workspaceId, id);
  if (input.audience && 'condition' in input.audience) resolveCondition(input.audience.condition);
  if (input.audience && 'importId' in input.audience)
    await assertAudienceImport(deps, workspaceId, input.audience.importId, { ready: false });
  for (const t of [doc.template, ...(doc.variantB ? [doc.variantB.template] : [])])
    if (t.header && 'mediaId' in t.header && t.header.mediaId)
      await findUploadedMedia(deps.db, workspaceId, t.header.mediaId);
  const misplaced = csvVariablesMisplaced(doc);
  if (misplaced)
    throw new AppError('validation_failed', misplaced, {
      issues: [{ path: '/template/variables', message: misplaced }],
    });
}

export async function createCampaign(
  deps: CampaignsDeps,
  p: Principal,
  input: CampaignInput,
): Promise<CampaignDto> {
  await assertNumbers(deps, p.workspaceId, input.phoneNumberIds);
  await assertAudience(deps, p.workspaceId, input, input);
  const row = await insertCampaignRow(deps.db, {
    ...(values(input) as CampaignValues),
    id: newId(),
    workspace_id: p.workspaceId,
    created_by: p.userId,
    at: deps.clock.now(),
  });
  return toDto(toCampaign(row));
}

/** Campaigns, newest first, each with its live counters (one grouped count over the page's ledgers). */
export async function listCampaigns(
  deps: CampaignsDeps,
  workspaceId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ data: CampaignDto[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, IdKeySchema) : null;
  const rows = await listCampaignRows(deps.db, {
    workspaceId,
    limit: query.limit + 1,
    ...(after ? { before: after.id } : {}),
  });
  const page = rows.slice(0, query.limit).map((r) => r.id);
  const counts = await countLedgers(deps.db, workspaceId, page);
  const engagement = await countEngagements(deps.db, workspaceId, page);
  return toPage(
    rows,
    query.limit,
    (r) =>
      toDto(
        toCampaign(r),
        countersOf(
          counts.filter((c) => c.campaign_id === r.id),
          engagement.get(r.id) ?? { clicked: 0, converted: 0 },
        ),
      ),
    (r) => [r.id],
  );
}

/**
 * The live counters of a campaign from its ledger's counts by status, skip reason and error code, and its
 * recipients who clicked or converted.
 */
function countersOf(
  counts: { status: RecipientStatus; skip_reason: string | null; error_code: number | null; n: number }[],
  engagement: { clicked: number; converted: number },
): NonNullable<CampaignDto['counters']> {
  const by = (s: RecipientStatus) => counts.filter((r) => r.status === s).reduce((n, r) => n + r.n, 0);
  const skipped: Record<string, number> = {};
  for (const r of counts.filter((x) => x.status === 'skipped'))
    skipped[r.skip_reason ?? 'unknown'] = (skipped[r.skip_reason ?? 'unknown'] ?? 0) + r.n;
  const failed = new Map<number | null, number>();
  for (const r of counts.filter((x) => x.status === 'failed'))
    failed.set(r.error_code, (failed.get(r.error_code) ?? 0) + r.n);
  const total = counts.reduce((n, r) => n + r.n, 0);
  return {
    eligible: total - by('skipped') + (skipped.cancelled ?? 0),
    planned: by('planned'),
    skipped,
    queued: by('queued'),
    sent: by('sent'),
    delivered: by('delivered'),
    read: by('read'),
    replied: by('replied'),
    clicked: engagement.clicked,
    converted: engagement.converted,
    failed: [...failed.entries()].map(([code, count]) => ({ code, meaning: errorMeaning(code), count })),
  };
}

/** A campaign with its live counters from the ledger. */
export async function getCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  id: string,
): Promise<CampaignDto> {
  const c = await load(deps, workspaceId, id);
  return toDto(
    c,
    countersOf(await countLedger(deps.db, workspaceId, id), await countEngagement(deps.db, workspaceId, id)),
  );
}

function notDraft(c: Campaign): AppError {
  return new AppError('campaign_not_draft', `The campaign is ${c.row.status}: only a draft can be changed`, {
    status: c.row.status,
  });
}

export async function updateCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof CampaignUpdateSchema>,
): Promise<CampaignDto> {
  const c = await load(deps, workspaceId, id);
  if (c.row.status !== 'draft') throw notDraft(c);
  if (input.phoneNumberIds) await assertNumbers(deps, workspaceId, input.phoneNumberIds);
  await assertAudience(deps, workspaceId, input, {
    audience: input.audience ?? c.audience,
    template: input.template ?? c.template,
    variantB: input.variantB !== undefined ? input.variantB : c.variantB,
  });
  const row = await updateCampaignRow(
    deps.db,
    workspaceId,
    id,
    { ...values(input), updated_at: deps.clock.now() },
    ['draft'],
  );
  if (!row) throw notDraft(c);
  return toDto(toCampaign(row));
}

export async function deleteCampaign(deps: CampaignsDeps, workspaceId: string, id: string): Promise<void> {
  const c = await load(deps, workspaceId, id);
  if ((await deleteCampaignRow(deps.db, workspaceId, id)) === 0) throw notDraft(c);
}

/**
 * The campaign's template (and variant b) must be approved, in its language, on the WABA of every sending
 * number, and its header, variables and buttons must fit the template's (422 `template_header_mismatch` or
 * `template_variables_mismatch`, details naming the component and a button's index); returns the category of the
 * main template (null when unknown).
 */
export async function assertTemplatesApproved(deps: CampaignsDeps, c: Campaign): Promise<string | null> {
  const numbers = await assertNumbers(deps, c.row.workspace_id, c.numbers);
  let category: string | null = null;
  for (const t of [c.template, ...(c.variantB ? [c.variantB.template] : [])]) {
    for (const waba of new Set(numbers.map((n) => n.waba_id))) {
      const rows = await findCachedTemplate(deps.db, c.row.workspace_id, waba, t.name);
      const row = rows.find((r) => r.language === t.language);
      if (!row || row.status.toUpperCase() !== 'APPROVED')
        throw new AppError(
          'template_not_approved',
          `Template "${t.name}" (${t.language}) is not approved on WhatsApp Business account ${waba}`,
          { template: t.name, language: t.language, wabaId: waba, status: row?.status ?? null },
        );
      const mismatch = templateMismatch(t, row.components, deps.publicOrigin ? deps.publicOrigin() : null);
      if (mismatch)
        throw new AppError(mismatch.code, `Template "${t.name}" (${t.language}): ${mismatch.message}`, {
          template: t.name,
          language: t.language,
          component: mismatch.component,
          ...(mismatch.index !== undefined ? { index: mismatch.index } : {}),
        });
      if (t === c.template) category ??= templateCategory(rows, t.language);
    }
  }
  return category;
}

/** A CSV audience must be a finished audience import to launch (409 while it runs, 422 when it failed). */
async function assertAudienceReady(deps: CampaignsDeps, c: Campaign): Promise<void> {
  if ('importId' in c.audience)
    await assertAudienceImport(deps, c.row.workspace_id, c.audience.importId, { ready: true });
}

/** Moves a campaign from `from` to `to` under a row lock; 409 campaign_invalid_state otherwise. */
async function transition(
  deps: CampaignsDeps,
  workspaceId: string,
  id: string,
  from: readonly CampaignRow['status'][],
  set: Parameters<typeof updateCampaignRow>[3],
): Promise<Campaign> {
  return deps.db.transaction().execute(async (tx) => {
    const row = await findCampaignRow(tx, workspaceId, id, 'update');
    if (!row) throw notFound('Campaign');
    if (!from.includes(row.status))
      throw new AppError('campaign_invalid_state', `The campaign is ${row.status}`, {
        status: row.status,
        allowed: [...from],
      });
    const updated = await updateCampaignRow(tx, workspaceId, id, set);
    const c = toCampaign(updated as CampaignRow);
    if (set.status === 'running' || set.status === 'scheduled') {
      // Planning and release are idempotent: a duplicate of either job continues, never duplicates.
      const at = deps.clock.now().toISOString();
      // The plan enqueues a release when it is done; this one serves a resume (or a plan that is done already).
      const opts = (name: string) => ({ workspaceId, dedupeKey: `${name}:${id}:${at}` });
      await enqueueJob(tx, deps.clock, 'campaign.plan', { campaignId: id }, opts('plan'));
      await enqueueJob(tx, deps.clock, 'campaign.release', { campaignId: id }, opts('transition'));
    }
    if (set.status === 'cancelled') await skipPlannedRows(tx, workspaceId, id, deps.clock.now());
    return c;
  });
}

/**
 * Launch: owners and admins let the campaign go (running, or scheduled for a later time) and are recorded as its
 * approver; other roles move it to `awaiting_approval`. The template must be approved at WhatsApp either way.
 */
export async function launchCampaign(deps: CampaignsDeps, p: Principal, id: string): Promise<CampaignDto> {
  const c = await load(deps, p.workspaceId, id);
  if (c.row.status !== 'draft') throw notDraft(c);
  await assertTemplatesApproved(deps, c);
  await assertAudienceReady(deps, c);
  const now = deps.clock.now();
  const set = launchNeedsApproval(p.role)
    ? { status: 'awaiting_approval' as const, updated_at: now }
    : {
        status: launchedStatus(c.schedule.kind),
        approved_by: p.userId,
        launched_at: now,
        updated_at: now,
      };
  return toDto(await transition(deps, p.workspaceId, id, TRANSITIONS.launch, set));
}

/** Approval of a campaign an agent asked to launch (owners and admins). */
export async function approveCampaign(deps: CampaignsDeps, p: Principal, id: string): Promise<CampaignDto> {
  const c = await load(deps, p.workspaceId, id);
  await assertTemplatesApproved(deps, c);
  await assertAudienceReady(deps, c);
  const now = deps.clock.now();
  return toDto(
    await transition(deps, p.workspaceId, id, TRANSITIONS.approve, {
      status: launchedStatus(c.schedule.kind),
      approved_by: p.userId,
      launched_at: now,
      updated_at: now,
    }),
  );
}

/** Pause: no new message leaves (a release batch in flight finishes first: it holds the campaign row). */
export async function pauseCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  id: string,
): Promise<CampaignDto> {
  const now = deps.clock.now();
  return toDto(
    await transition(deps, workspaceId, id, TRANSITIONS.pause, {
      status: 'paused',
      paused_at: now,
      updated_at: now,
    }),
  );
}

export async function resumeCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  id: string,
): Promise<CampaignDto> {
  const now = deps.clock.now();
  const c = await transition(deps, workspaceId, id, TRANSITIONS.resume, {
    status: 'running',
    paused_at: null,
    updated_at: now,
  });
  return toDto(c);
}

/** Cancel: nothing more is sent; rows not yet released are skipped with reason `cancelled`. */
export async function cancelCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  id: string,
): Promise<CampaignDto> {
  const now = deps.clock.now();
  return toDto(
    await transition(deps, workspaceId, id, TRANSITIONS.cancel, {
      status: 'cancelled',
      cancelled_at: now,
      updated_at: now,
    }),
  );
}

/** A page of the campaign's ledger, by contact id. */
export async function listRecipients(
  deps: CampaignsDeps,
  workspaceId: string,
  id: string,
  query: { status?: RecipientStatus | undefined; limit: number; cursor?: string | undefined },
) {
  await load(deps, workspaceId, id);
  const after = query.cursor ? decodeCursor(query.cursor, IdKeySchema) : null;
  const rows = await pageLedger(deps.db, {
    workspaceId,
    campaignId: id,
    limit: query.limit + 1,
    ...(query.status ? { status: query.status } : {}),
    ...(after ? { after: after.id } : {}),
  });
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return toPage(
    rows,
    query.limit,
    (r) => ({
      contactId: r.contact_id,
      contactName: r.contact_name,
      contactPhone: r.contact_phone,
      status: r.status,
      skipReason: r.skip_reason,
      phoneNumberId: r.phone_number_id,
      variant: r.variant,
      dueAt: iso(r.due_at),
      attempt: r.attempt,
      messageId: r.message_id,
      errorCode: r.error_code,
      queuedAt: iso(r.queued_at),
      repliedAt: iso(r.replied_at),
    }),
    (r) => [r.contact_id],
  );
}

/** The workspace's price table, or the example defaults when it has none. */
export async function getPrices(deps: CampaignsDeps, workspaceId: string) {
  const prices = await findPrices(deps.db, workspaceId);
  return prices.length > 0
    ? { source: 'workspace' as const, prices }
    : { source: 'default' as const, prices: [...DEFAULT_PRICES] };
}

export async function putPrices(
  deps: CampaignsDeps,
  workspaceId: string,
  input: z.infer<typeof CampaignPricesInputSchema>,
) {
  const keys = new Set(input.prices.map((p) => `${p.category}:${p.country}`));
  if (keys.size !== input.prices.length)
    throw new AppError('validation_failed', 'Each (category, country) may appear once');
  await deps.db.transaction().execute((tx) => replacePrices(tx, workspaceId, input.prices, deps.clock.now()));
  return getPrices(deps, workspaceId);
}
