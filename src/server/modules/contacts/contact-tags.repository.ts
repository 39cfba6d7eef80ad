import { sql } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';

/** The tags of each given contact (sorted by name), for inlining them in contact and conversation DTOs. */
export async function findTagsOfContacts(
  db: DbOrTx,
  workspaceId: string,
  contactIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (contactIds.length === 0) return out;
  const rows = await db
    .selectFrom('contact_tags')
    .select(['contact_id', 'tag'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', [...new Set(contactIds)])
    .orderBy('tag')
    .execute();
  for (const r of rows) {
    const list = out.get(r.contact_id);
    if (list) list.push(r.tag);
    else out.set(r.contact_id, [r.tag]);
  }
  return out;
}

/** Adds a tag to a contact; adding it twice is a no-op. */
export async function insertContactTag(
  db: DbOrTx,
  row: { workspaceId: string; contactId: string; tag: string; at: Date },
): Promise<void> {
  await db
    .insertInto('contact_tags')
    .values({ workspace_id: row.workspaceId, contact_id: row.contactId, tag: row.tag, created_at: row.at })
    .onConflict((oc) => oc.columns(['contact_id', 'tag']).doNothing())
    .execute();
}

export async function deleteContactTag(
  db: DbOrTx,
  workspaceId: string,
  contactId: string,
  tag: string,
): Promise<void> {
  await db
    .deleteFrom('contact_tags')
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .where('tag', '=', tag)
    .execute();
}

/** Every tag used in a workspace with how many contacts carry it, most used first. */
export function countTags(db: DbOrTx, workspaceId: string): Promise<Array<{ name: string; count: number }>> {
  return db
    .selectFrom('contact_tags')
    .select((eb) => ['tag as name', eb.fn.countAll<string>().as('count')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('tag')
    .orderBy('count', 'desc')
    .orderBy('tag')
    .limit(1000)
    .execute()
    .then((rows) => rows.map((r) => ({ name: r.name, count: Number(r.count) })));
}

/** Adds many (contact, tag) pairs of a workspace in one statement; pairs present already are left alone. */
export async function insertContactTags(
  db: DbOrTx,
  workspaceId: string,
  at: Date,
  pairs: ReadonlyArray<{ contactId: string; tag: string }>,
): Promise<void> {
  if (pairs.length === 0) return;
  await sql`
    insert into contact_tags (workspace_id, contact_id, tag, created_at)
    select ${workspaceId}::uuid, t.contact_id, t.tag, ${at}::timestamptz
    from unnest(${pairs.map((p) => p.contactId)}::uuid[], ${pairs.map((p) => p.tag)}::text[]) as t(contact_id, tag)
    on conflict (contact_id, tag) do nothing`.execute(db);
}
