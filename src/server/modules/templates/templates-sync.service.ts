/**
 * Keeps `message_templates` — the Graph API's template list per WABA — current, so the send path can read a
 * template's category without calling Meta: a full sync when a number is registered and on a schedule (the
 * `templates.refresh` job fans out one `templates.sync` per WABA), and the template webhooks
 * (`message_template_status_update`, `message_template_quality_update`, `template_category_update`) applied as they arrive.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { enqueueJob, enqueueJobs } from '../../jobs/queue.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { GraphClient } from '../../whatsapp/graph-client.ts';
import {
  applyTemplateUpdate,
  recordTemplateChanges,
  type ObservedChange,
} from './template-events.service.ts';
import {
  findNumberOfWaba,
  listCachedOfWaba,
  listWabasToSync,
  replaceTemplates,
  type CachedTemplate,
} from './templates.repository.ts';

/** What a sync uses. */
export interface TemplatesSyncDeps {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  secrets: SecretBox;
}

/** Most templates one sync reads (a WABA holds at most a few hundred; Meta's cap is 6,000 with many languages). */
const MAX_TEMPLATES = 10_000;

/**
 * Reads every template of the WABA with the token of one of the workspace's numbers on it and replaces the
 * cached list. Returns how many templates were cached; 0 when the workspace has no live number on the WABA.
 * A Graph failure throws (the job retries).
 */
export async function syncWabaTemplates(
  deps: TemplatesSyncDeps,
  workspaceId: string,
  wabaId: string,
): Promise<number> {
  const number = await findNumberOfWaba(deps.db, workspaceId, wabaId);
  if (!number) return 0;
  const token = deps.secrets.open(number.access_token_enc);
  const templates: CachedTemplate[] = [];
  let after: string | undefined;
  do {
    const page = await deps.graph.listTemplates(wabaId, token, { limit: 100, ...(after ? { after } : {}) });
    for (const t of page.templates)
      templates.push({
        name: t.name,
        language: t.language,
        category: t.category ?? 'UNKNOWN',
        status: t.status,
        components: t.components ?? [],
        templateId: t.id,
        parameterFormat: t.parameter_format ?? null,
        qualityScore: t.quality_score?.score ?? null,
        rejectedReason: t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null,
      });
    after = page.nextCursor ?? undefined;
  } while (after && templates.length < MAX_TEMPLATES);
  const syncedAt = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const before = new Map(
      (await listCachedOfWaba(tx, workspaceId, wabaId)).map((r) => [`${r.name}\u0000${r.language}`, r]),
    );
    await replaceTemplates(tx, workspaceId, wabaId, templates, syncedAt);
    // A change the webhooks did not bring (missed, or not sent) is recorded like one.
    for (const t of templates) {
      const old = before.get(`${t.name}\u0000${t.language}`);
      if (!old) continue;
      const changes: ObservedChange[] = [];
      if (old.status !== t.status)
        changes.push({
          kind: 'status',
          value: t.status,
          previous: old.status,
          reason: t.rejectedReason ?? null,
        });
      if (t.qualityScore && old.quality_score && old.quality_score !== t.qualityScore)
        changes.push({ kind: 'quality', value: t.qualityScore, previous: old.quality_score, reason: null });
      if (old.category !== t.category && t.category !== 'UNKNOWN')
        changes.push({ kind: 'category', value: t.category, previous: old.category, reason: null });
      await recordTemplateChanges(
        tx,
        deps.clock,
        workspaceId,
        { wabaId, templateId: t.templateId ?? null, name: t.name, language: t.language },
        changes,
      );
    }
  });
  return templates.length;
}

/**
 * Enqueues a sync of the WABA's templates for the workspace, in `db`'s transaction. Requests made at the same
 * instant (template webhooks of one ingest batch) share one job; job dedupe keys outlive the job, so the key names
 * the instant.
 */
export async function requestTemplateSync(
  db: DbOrTx,
  clock: Clock,
  workspaceId: string,
  wabaId: string,
): Promise<void> {
  await enqueueJob(
    db,
    clock,
    'templates.sync',
    { wabaId },
    { workspaceId, dedupeKey: `${workspaceId}:${wabaId}@${clock.now().toISOString()}`, maxAttempts: 5 },
  );
}

/** The scheduled refresh: one sync job per (workspace, WABA) with a live number. */
export async function requestAllTemplateSyncs(db: Db, clock: Clock, scheduledFor: string): Promise<number> {
  const pairs = await listWabasToSync(db);
  await enqueueJobs(
    db,
    clock,
    'templates.sync',
    pairs.map((p) => ({
      payload: { wabaId: p.wabaId },
      workspaceId: p.workspaceId,
      dedupeKey: `${p.workspaceId}:${p.wabaId}@${scheduledFor}`,
    })),
    { maxAttempts: 5 },
  );
  return pairs.length;
}

/**
 * Applies a template webhook (status, quality or category update) for one workspace in the ingest transaction:
 * the cached template is patched, what changed is recorded as template events (alerts) and a full sync is
 * requested as well, so components and templates missed meanwhile follow. Returns false for a value of an
 * unexpected shape.
 */
export async function applyTemplateWebhook(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  wabaId: string,
  value: unknown,
): Promise<boolean> {
  if (!(await applyTemplateUpdate(tx, clock, workspaceId, wabaId, value))) return false;
  await requestTemplateSync(tx, clock, workspaceId, wabaId);
  return true;
}
