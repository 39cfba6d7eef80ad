/**
 * Template management for a workspace: list and read the cached templates of its WABAs, lint, submit, edit and
 * delete through the Graph API, sync now, and the template alerts. A workspace sees the WABAs of its verified
 * numbers only; a template of any other WABA is `not_found`.
 */
import type { z } from 'zod';
import type {
  TemplateCreateSchema,
  TemplateDraft,
  TemplateDto,
  TemplateEditSchema,
  TemplateEventDto,
  TemplateListQuerySchema,
} from '../../../contracts/template.schemas.ts';
import { lintPasses, lintTemplate } from '../../../contracts/template-lint.rules.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { GraphClient } from '../../whatsapp/graph-client.ts';
import { record, type AuditActor } from '../audit/audit.service.ts';
import { viaGraph } from '../phone-numbers/phone-numbers-graph.service.ts';
import { findPhoneNumber } from '../phone-numbers/phone-numbers.repository.ts';
import {
  acknowledgeAlert,
  listEditTimes,
  listEventsOfTemplate,
  listOpenAlerts,
} from './template-events.repository.ts';
import { presentTemplateEvent, recordTemplateChanges } from './template-events.service.ts';
import { syncWabaTemplates } from './templates-sync.service.ts';
import {
  deleteCachedTemplates,
  findCachedTemplate,
  listCachedTemplates,
  listWorkspaceWabas,
  updateEditedTemplate,
  upsertTemplate,
  type TemplateRow,
} from './templates.repository.ts';
import { editRefusal } from './templates.rules.ts';

/** What template management uses. */
export interface TemplatesDeps {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  secrets: SecretBox;
}

const DAY_MS = 24 * 3600 * 1000;

/** A template as the API shows it. */
export function presentTemplate(r: TemplateRow): TemplateDto {
  return {
    id: r.template_id,
    wabaId: r.waba_id,
    name: r.name,
    language: r.language,
    category: r.category,
    status: r.status,
    parameterFormat: r.parameter_format,
    components: Array.isArray(r.components) ? (r.components as Array<Record<string, unknown>>) : [],
    qualityScore: r.quality_score,
    rejectedReason: r.rejected_reason,
    syncedAt: r.synced_at.toISOString(),
  };
}

/** The WABAs the workspace may see, with a token for each. */
async function wabasOf(deps: TemplatesDeps, workspaceId: string) {
  return listWorkspaceWabas(deps.db, workspaceId);
}

/** The WABA named by id or by one of the workspace's verified numbers; `not_found` when it is not the workspace's. */
async function resolveWaba(
  deps: TemplatesDeps,
  workspaceId: string,
  by: { wabaId?: string | undefined; phoneNumberId?: string | undefined },
): Promise<{ wabaId: string; token: string }> {
  const wabas = await wabasOf(deps, workspaceId);
  let wabaId = by.wabaId;
  if (by.phoneNumberId !== undefined) {
    const number = await findPhoneNumber(deps.db, workspaceId, by.phoneNumberId);
    if (!number) throw notFound('Phone number');
    if (wabaId !== undefined && wabaId !== number.waba_id)
      throw new AppError('validation_failed', 'The number is not on that WhatsApp Business Account');
    wabaId = number.waba_id;
  }
  if (wabaId === undefined) {
    if (wabas.length !== 1)
      throw new AppError(
        'validation_failed',
        'Say which WhatsApp Business Account: wabaId or phoneNumberId',
        {
          issues: [{ path: '/wabaId', message: 'required' }],
        },
      );
    wabaId = wabas[0]!.wabaId;
  }
  const waba = wabas.find((w) => w.wabaId === wabaId);
  if (!waba) throw notFound('WhatsApp Business Account');
  return { wabaId, token: deps.secrets.open(waba.accessTokenEnc) };
}

/** The cached templates of the workspace's WABAs (or one of them), filtered. */
export async function listTemplates(
  deps: TemplatesDeps,
  workspaceId: string,
  q: z.infer<typeof TemplateListQuerySchema>,
): Promise<{ data: TemplateDto[] }> {
  const wabaIds =
    q.wabaId !== undefined || q.phoneNumberId !== undefined
      ? [(await resolveWaba(deps, workspaceId, q)).wabaId]
      : (await wabasOf(deps, workspaceId)).map((w) => w.wabaId);
  const rows = await listCachedTemplates(deps.db, workspaceId, wabaIds, q);
  return { data: rows.map(presentTemplate) };
}

/** One template of the workspace by Meta's id, with the token of its WABA. */
async function templateOf(
  deps: TemplatesDeps,
  workspaceId: string,
  id: string,
): Promise<{ row: TemplateRow; token: string }> {
  const wabas = await wabasOf(deps, workspaceId);
  const row = await findCachedTemplate(
    deps.db,
    workspaceId,
    wabas.map((w) => w.wabaId),
    id,
  );
  const waba = row && wabas.find((w) => w.wabaId === row.waba_id);
  if (!row || !waba) throw notFound('Template');
  return { row, token: deps.secrets.open(waba.accessTokenEnc) };
}

/** One template. */
export async function getTemplate(
  deps: TemplatesDeps,
  workspaceId: string,
  id: string,
): Promise<TemplateDto> {
  return presentTemplate((await templateOf(deps, workspaceId, id)).row);
}

/** The history of a template (status, quality, category changes and edits), newest first. */
export async function listTemplateEvents(
  deps: TemplatesDeps,
  workspaceId: string,
  id: string,
): Promise<{ data: TemplateEventDto[] }> {
  const { row } = await templateOf(deps, workspaceId, id);
  const rows = await listEventsOfTemplate(deps.db, {
    workspaceId,
    wabaId: row.waba_id,
    name: row.name,
    language: row.language,
  });
  return { data: rows.map(presentTemplateEvent) };
}

/** Throws `template_invalid` with the findings when the draft breaks a rule (warnings pass). */
function assertLints(draft: TemplateDraft): void {
  const findings = lintTemplate(draft);
  if (!lintPasses(findings))
    throw new AppError('template_invalid', 'The template breaks WhatsApp template rules', { findings });
}

/**
 * Lints, then submits a template through the Graph API and caches it with the status Meta answered (PENDING);
 * the review decision arrives by webhook.
 */
export async function createTemplate(
  deps: TemplatesDeps,
  workspaceId: string,
  actor: AuditActor,
  input: z.infer<typeof TemplateCreateSchema>,
): Promise<TemplateDto> {
  const { wabaId: _w, phoneNumberId: _p, allowCategoryChange, ...draft } = input;
  assertLints(draft);
  const waba = await resolveWaba(deps, workspaceId, input);
  const body: Record<string, unknown> = {
    name: draft.name,
    language: draft.language,
    category: draft.category,
    components: draft.components,
    ...(draft.parameterFormat ? { parameter_format: draft.parameterFormat.toLowerCase() } : {}),
    ...(allowCategoryChange !== undefined ? { allow_category_change: allowCategoryChange } : {}),
  };
  const created = await viaGraph(() => deps.graph.createTemplate(waba.wabaId, waba.token, body));
  const key = { wabaId: waba.wabaId, templateId: created.id, name: draft.name, language: draft.language };
  return deps.db.transaction().execute(async (tx) => {
    await upsertTemplate(
      tx,
      workspaceId,
      waba.wabaId,
      {
        name: draft.name,
        language: draft.language,
        category: created.category ?? draft.category,
        status: created.status,
        components: draft.components,
        templateId: created.id,
        parameterFormat: draft.parameterFormat ?? 'POSITIONAL',
        qualityScore: null,
        rejectedReason: null,
      },
      deps.clock.now(),
    );
    await recordTemplateChanges(tx, deps.clock, workspaceId, key, [
      { kind: 'status', value: created.status, previous: null, reason: null },
    ]);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'template.created',
      target: { type: 'template', id: created.id },
      data: { wabaId: waba.wabaId, category: draft.category, language: draft.language },
    });
    const row = await findCachedTemplate(tx, workspaceId, [waba.wabaId], created.id);
    return presentTemplate(row!);
  });
}

/**
 * Edits a template the way Meta allows (components wholesale and/or category; APPROVED, REJECTED or PAUSED only;
 * an approved one keeps its category and is edited at most once a day and 10 times in 30 days), then marks it
 * PENDING: it goes through review again.
 */
export async function editTemplate(
  deps: TemplatesDeps,
  workspaceId: string,
  actor: AuditActor,
  id: string,
  input: z.infer<typeof TemplateEditSchema>,
): Promise<TemplateDto> {
  const { row, token } = await templateOf(deps, workspaceId, id);
  const now = deps.clock.now();
  const key = { workspaceId, wabaId: row.waba_id, name: row.name, language: row.language };
  const edits = await listEditTimes(deps.db, key, new Date(now.getTime() - 30 * DAY_MS));
  const refusal = editRefusal(
    row.status,
    { category: input.category, currentCategory: row.category },
    edits,
    now,
  );
  if (refusal)
    throw new AppError('template_not_editable', `WhatsApp does not allow this edit now (${refusal.reason})`, {
      reason: refusal.reason,
      status: row.status,
      ...(refusal.limit !== undefined ? { limit: refusal.limit } : {}),
    });
  const category = (input.category ?? row.category) as TemplateDraft['category'];
  if (input.components)
    assertLints({
      name: row.name,
      language: row.language,
      category,
      parameterFormat: row.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
      components: input.components,
    });
  await viaGraph(() =>
    deps.graph.editTemplate(id, token, {
      ...(input.components ? { components: input.components } : {}),
      ...(input.category ? { category: input.category } : {}),
    }),
  );
  return deps.db.transaction().execute(async (tx) => {
    await updateEditedTemplate(tx, workspaceId, row, {
      components: input.components,
      category: input.category,
      status: 'PENDING',
    });
    await recordTemplateChanges(tx, deps.clock, workspaceId, { ...key, templateId: id }, [
      { kind: 'edited', value: input.components ? 'components' : 'category', previous: null, reason: null },
      ...(row.status !== 'PENDING'
        ? [{ kind: 'status' as const, value: 'PENDING', previous: row.status, reason: null }]
        : []),
    ]);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'template.edited',
      target: { type: 'template', id },
      data: { components: input.components !== undefined, category: input.category ?? null },
    });
    return presentTemplate((await findCachedTemplate(tx, workspaceId, [row.waba_id], id))!);
  });
}

/**
 * Deletes a template through the Graph API: one translation (by Meta's id) or every language of a name on a
 * WABA. Meta blocks the name for 30 days after deleting an approved template.
 */
export async function deleteTemplate(
  deps: TemplatesDeps,
  workspaceId: string,
  actor: AuditActor,
  by: { id: string } | { wabaId: string; name: string },
): Promise<void> {
  let wabaId: string;
  let name: string;
  let token: string;
  let hsmId: string | undefined;
  if ('id' in by) {
    const t = await templateOf(deps, workspaceId, by.id);
    ({ waba_id: wabaId, name } = t.row);
    token = t.token;
    hsmId = by.id;
  } else {
    ({ wabaId, token } = await resolveWaba(deps, workspaceId, { wabaId: by.wabaId }));
    name = by.name;
    const cached = await listCachedTemplates(deps.db, workspaceId, [wabaId], {});
    if (!cached.some((t) => t.name === name)) throw notFound('Template');
  }
  await viaGraph(() => deps.graph.deleteTemplate(wabaId, token, { name, ...(hsmId ? { hsmId } : {}) }));
  await deps.db.transaction().execute(async (tx) => {
    const n = await deleteCachedTemplates(tx, workspaceId, wabaId, name, hsmId);
    await record(tx, deps.clock, {
      workspaceId,
      actor,
      action: 'template.deleted',
      target: { type: 'template', id: hsmId ?? null },
      data: { wabaId, name, languages: n },
    });
  });
}

/** Syncs now the templates of one WABA of the workspace, or of all of them. */
export async function syncTemplatesNow(
  deps: TemplatesDeps,
  workspaceId: string,
  wabaId: string | undefined,
): Promise<{ synced: number; wabas: number }> {
  const wabas =
    wabaId !== undefined
      ? [(await resolveWaba(deps, workspaceId, { wabaId })).wabaId]
      : (await wabasOf(deps, workspaceId)).map((w) => w.wabaId);
  let synced = 0;
  for (const w of wabas) synced += await viaGraph(() => syncWabaTemplates(deps, workspaceId, w));
  return { synced, wabas: wabas.length };
}

/** Unacknowledged template alerts of the workspace, newest first. */
export async function listTemplateAlerts(
  deps: TemplatesDeps,
  workspaceId: string,
): Promise<{ data: TemplateEventDto[] }> {
  const wabaIds = (await wabasOf(deps, workspaceId)).map((w) => w.wabaId);
  const rows = await listOpenAlerts(deps.db, workspaceId, wabaIds);
  return { data: rows.map(presentTemplateEvent) };
}

/** Acknowledges a template alert; `not_found` for an unknown id or another workspace's. */
export async function acknowledgeTemplateAlert(
  deps: TemplatesDeps,
  workspaceId: string,
  id: string,
  userId: string | null,
): Promise<void> {
  const wabaIds = (await wabasOf(deps, workspaceId)).map((w) => w.wabaId);
  if (!(await acknowledgeAlert(deps.db, workspaceId, wabaIds, id, userId, deps.clock.now())))
    throw notFound('Alert');
}
