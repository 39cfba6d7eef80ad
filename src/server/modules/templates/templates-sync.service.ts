/**
 * Keeps `message_templates` — the Graph API's template list per WABA — current, so the send path can read a
 * template's category without calling Meta: a full sync when a number is registered and on a schedule (the
 * `templates.refresh` job fans out one `templates.sync` per WABA), and the template webhooks
 * (`message_template_status_update`, `template_category_update`) applied as they arrive.
 */
import { z } from 'zod';
import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { enqueueJob, enqueueJobs } from '../../jobs/queue.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { GraphClient } from '../../whatsapp/graph-client.ts';
import {
  findNumberOfWaba,
  listWabasToSync,
  patchTemplate,
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
      });
    after = page.nextCursor ?? undefined;
  } while (after && templates.length < MAX_TEMPLATES);
  const syncedAt = deps.clock.now();
  await deps.db.transaction().execute((tx) => replaceTemplates(tx, workspaceId, wabaId, templates, syncedAt));
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

const TemplateUpdateSchema = z.looseObject({
  event: z.string().optional(),
  message_template_name: z.string().min(1),
  message_template_language: z.string().min(1),
  message_template_category: z.string().optional(),
  new_category: z.string().optional(),
});

/**
 * Applies a template webhook for one workspace in the ingest transaction: the status (`event`) and category
 * (`message_template_category`, or `new_category` — the category in force — of a category update) of the cached
 * template; a template not cached yet is cached when the category is known. A full sync is requested as well,
 * so components and templates missed meanwhile follow. Returns false for a value of an unexpected shape.
 */
export async function applyTemplateWebhook(
  tx: DbOrTx,
  clock: Clock,
  workspaceId: string,
  wabaId: string,
  value: unknown,
): Promise<boolean> {
  const parsed = TemplateUpdateSchema.safeParse(value);
  if (!parsed.success) return false;
  const v = parsed.data;
  await patchTemplate(
    tx,
    { workspaceId, wabaId, name: v.message_template_name, language: v.message_template_language },
    { status: v.event, category: v.new_category ?? v.message_template_category },
    clock.now(),
  );
  await requestTemplateSync(tx, clock, workspaceId, wabaId);
  return true;
}
