/** The only writer of `message_templates`: the Graph API's template list cached per (workspace, WABA). */
import type { DbOrTx } from '../../db/types.ts';

/** One template as cached. */
export interface CachedTemplate {
  name: string;
  language: string;
  category: string;
  status: string;
  components: unknown[];
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
    })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'waba_id', 'name', 'language'])
        .doUpdateSet({ category: t.category, status: t.status, components, synced_at: syncedAt }),
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
  patch: { status?: string | undefined; category?: string | undefined },
  at: Date,
): Promise<boolean> {
  const set = {
    ...(patch.status ? { status: patch.status } : {}),
    ...(patch.category ? { category: patch.category } : {}),
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
