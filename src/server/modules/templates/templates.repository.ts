/** The only writer of `message_templates`: the Graph API's template list cached per (workspace, WABA). */
import { sql, type Selectable } from 'kysely';
import type { DbOrTx, MessageTemplatesTable } from '../../db/types.ts';

/** One template as cached. The optional fields are left as they are when undefined. */
export interface CachedTemplate {
  name: string;
  language: string;
  category: string;
  status: string;
  components: unknown[];
  templateId?: string | null | undefined;
  parameterFormat?: string | null | undefined;
  qualityScore?: string | null | undefined;
  rejectedReason?: string | null | undefined;
}

/** The cached rows of a template name on a WABA (every language). */
export async function findTemplatesByName(
  db: DbOrTx,
  workspaceId: string,
  wabaId: string,
  name: string,
): Promise<Array<{ language: string; category: string; status: string }>> {
  return db
    .selectFrom('message_templates')
    .select(['language', 'category', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', '=', wabaId)
    .where('name', '=', name)
    .execute();
}

/** The cached rows of several template names on several WABAs (a batch send's consent check). */
export async function findTemplatesByNames(
  db: DbOrTx,
  workspaceId: string,
  wabaIds: string[],
  names: string[],
): Promise<Array<{ waba_id: string; name: string; language: string; category: string; status: string }>> {
  if (wabaIds.length === 0 || names.length === 0) return [];
  return db
    .selectFrom('message_templates')
    .select(['waba_id', 'name', 'language', 'category', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', 'in', wabaIds)
    .where('name', 'in', names)
    .execute();
}

/**
 * Replaces a WABA's cached list with a complete listing: every template upserted with `syncedAt`, and the ones
 * the listing no longer has (deleted at Meta) removed.
 */
export async function replaceTemplates(
  tx: DbOrTx,
  workspaceId: string,
  wabaId: string,
  templates: CachedTemplate[],
  syncedAt: Date,
): Promise<void> {
  for (const t of templates) await upsertTemplate(tx, workspaceId, wabaId, t, syncedAt);
  await tx
    .deleteFrom('message_templates')
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', '=', wabaId)
    .where('synced_at', '<', syncedAt)
    .execute();
}

/** Inserts or updates one template. */
export async function upsertTemplate(
  db: DbOrTx,
  workspaceId: string,
  wabaId: string,
  t: CachedTemplate,
  syncedAt: Date,
): Promise<void> {
  const components = JSON.stringify(t.components);
  const extra = {
    ...(t.templateId !== undefined ? { template_id: t.templateId } : {}),
    ...(t.parameterFormat !== undefined ? { parameter_format: t.parameterFormat } : {}),
    ...(t.qualityScore !== undefined ? { quality_score: t.qualityScore } : {}),
    ...(t.rejectedReason !== undefined ? { rejected_reason: t.rejectedReason } : {}),
  };
  await db
    .insertInto('message_templates')
    .values({
      workspace_id: workspaceId,
      waba_id: wabaId,
      name: t.name,
      language: t.language,
      category: t.category,
      status: t.status,
      components,
      synced_at: syncedAt,
      ...extra,
    })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'waba_id', 'name', 'language'])
        .doUpdateSet({ category: t.category, status: t.status, components, synced_at: syncedAt, ...extra }),
    )
    .execute();
}

/**
 * Updates what a template webhook says (status and/or category) of a cached template; when it is not cached
 * yet and the category is known, caches it without components (the next sync fills them). Returns whether a
 * row was written.
 */
export async function patchTemplate(
  db: DbOrTx,
  key: { workspaceId: string; wabaId: string; name: string; language: string },
  patch: {
    status?: string | undefined;
    category?: string | undefined;
    qualityScore?: string | undefined;
    rejectedReason?: string | null | undefined;
    templateId?: string | undefined;
  },
  at: Date,
): Promise<boolean> {
  const set = {
    ...(patch.status ? { status: patch.status } : {}),
    ...(patch.category ? { category: patch.category } : {}),
    ...(patch.qualityScore ? { quality_score: patch.qualityScore } : {}),
    ...(patch.rejectedReason !== undefined ? { rejected_reason: patch.rejectedReason } : {}),
    ...(patch.templateId ? { template_id: patch.templateId } : {}),
  };
  if (Object.keys(set).length === 0) return false;
  const res = await db
    .updateTable('message_templates')
    .set(set)
    .where('workspace_id', '=', key.workspaceId)
    .where('waba_id', '=', key.wabaId)
    .where('name', '=', key.name)
    .where('language', '=', key.language)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) > 0) return true;
  if (!patch.category) return false;
  await upsertTemplate(
    db,
    key.workspaceId,
    key.wabaId,
    {
      name: key.name,
      language: key.language,
      category: patch.category,
      status: patch.status ?? 'UNKNOWN',
      components: [],
      templateId: patch.templateId,
      qualityScore: patch.qualityScore,
      rejectedReason: patch.rejectedReason,
    },
    at,
  );
  return true;
}

/** Every (workspace, WABA) pair with a live number: what the scheduled refresh syncs. */
export async function listWabasToSync(db: DbOrTx): Promise<Array<{ workspaceId: string; wabaId: string }>> {
  const rows = await db
    .selectFrom('phone_numbers')
    .select(['workspace_id', 'waba_id'])
    .where('deleted_at', 'is', null)
    .groupBy(['workspace_id', 'waba_id'])
    .orderBy('workspace_id')
    .orderBy('waba_id')
    .execute();
  return rows.map((r) => ({ workspaceId: r.workspace_id, wabaId: r.waba_id }));
}

/** A live number of the workspace on the WABA (verified first): whose token lists the WABA's templates. */
export async function findNumberOfWaba(
  db: DbOrTx,
  workspaceId: string,
  wabaId: string,
): Promise<{ access_token_enc: string } | undefined> {
  return db
    .selectFrom('phone_numbers')
    .select('access_token_enc')
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', '=', wabaId)
    .where('deleted_at', 'is', null)
    .orderBy((eb) => eb('verified_at', 'is', null))
    .orderBy('created_at')
    .executeTakeFirst();
}

/** A cached template row. */
export type TemplateRow = Selectable<MessageTemplatesTable>;

/** Filters of a template listing. */
export interface TemplateFilter {
  status?: string | undefined;
  category?: string | undefined;
  language?: string | undefined;
  /** Part of the name. */
  name?: string | undefined;
}

/** The cached templates of the given WABAs of a workspace, by name then language. */
export async function listCachedTemplates(
  db: DbOrTx,
  workspaceId: string,
  wabaIds: string[],
  filter: TemplateFilter,
): Promise<TemplateRow[]> {
  if (wabaIds.length === 0) return [];
  let q = db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', 'in', wabaIds);
  if (filter.status) q = q.where('status', '=', filter.status.toUpperCase());
  if (filter.category) q = q.where('category', '=', filter.category.toUpperCase());
  if (filter.language) q = q.where('language', '=', filter.language);
  if (filter.name) q = q.where(sql<boolean>`strpos(name, ${filter.name}) > 0`);
  return q.orderBy('name').orderBy('language').limit(5000).execute();
}

/** The cached template with Meta's id `templateId` on one of the given WABAs of the workspace. */
export async function findCachedTemplate(
  db: DbOrTx,
  workspaceId: string,
  wabaIds: string[],
  templateId: string,
): Promise<TemplateRow | undefined> {
  if (wabaIds.length === 0) return undefined;
  return db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', 'in', wabaIds)
    .where('template_id', '=', templateId)
    .executeTakeFirst();
}

/** The cached row of (WABA, name, language), if any. */
export async function findCachedByKey(
  db: DbOrTx,
  key: { workspaceId: string; wabaId: string; name: string; language: string },
): Promise<TemplateRow | undefined> {
  return db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', key.workspaceId)
    .where('waba_id', '=', key.wabaId)
    .where('name', '=', key.name)
    .where('language', '=', key.language)
    .executeTakeFirst();
}

/** Every cached row of a WABA of the workspace (what a sync compares the new listing with). */
export async function listCachedOfWaba(
  db: DbOrTx,
  workspaceId: string,
  wabaId: string,
): Promise<TemplateRow[]> {
  return db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', '=', wabaId)
    .execute();
}

/** Sets a template's components and/or category and status after an edit. */
export async function updateEditedTemplate(
  db: DbOrTx,
  workspaceId: string,
  row: { waba_id: string; name: string; language: string },
  change: { components?: unknown[] | undefined; category?: string | undefined; status: string },
): Promise<void> {
  await db
    .updateTable('message_templates')
    .set({
      status: change.status,
      rejected_reason: null,
      ...(change.components ? { components: JSON.stringify(change.components) } : {}),
      ...(change.category ? { category: change.category } : {}),
    })
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', '=', row.waba_id)
    .where('name', '=', row.name)
    .where('language', '=', row.language)
    .execute();
}

/** Removes the cached rows of a name on a WABA (every language, or the one with Meta's id). Returns how many. */
export async function deleteCachedTemplates(
  db: DbOrTx,
  workspaceId: string,
  wabaId: string,
  name: string,
  templateId?: string,
): Promise<number> {
  let q = db
    .deleteFrom('message_templates')
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', '=', wabaId)
    .where('name', '=', name);
  if (templateId !== undefined) q = q.where('template_id', '=', templateId);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * The WABAs of the workspace's verified, live numbers: the WABAs whose templates it may see and manage, each
 * with the sealed token of its earliest verified number.
 */
export async function listWorkspaceWabas(
  db: DbOrTx,
  workspaceId: string,
): Promise<Array<{ wabaId: string; phoneNumberId: string; accessTokenEnc: string }>> {
  const rows = await db
    .selectFrom('phone_numbers')
    .select(['waba_id', 'id', 'access_token_enc', 'verified_at'])
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .where('verified_at', 'is not', null)
    .orderBy('verified_at')
    .orderBy('created_at')
    .execute();
  const out = new Map<string, { wabaId: string; phoneNumberId: string; accessTokenEnc: string }>();
  for (const r of rows)
    if (!out.has(r.waba_id))
      out.set(r.waba_id, { wabaId: r.waba_id, phoneNumberId: r.id, accessTokenEnc: r.access_token_enc });
  return [...out.values()];
}
