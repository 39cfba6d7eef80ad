/**
 * Short links and clicks (`campaign_links`, `campaign_clicks`, and the ledger's `clicked_at`): codes created
 * set-based per release batch, looked up by code for the public redirect, and a click recorded in one transaction.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';

/** A link wanted for a recipient: `code` is a fresh candidate, kept only if the link does not exist yet. */
export interface WantedLink {
  code: string;
  contactId: string;
  url: string;
}

/** Key of a link in `ensureLinks`'s answer. */
export const linkKey = (contactId: string, url: string) => `${contactId}|${url}`;

/**
 * The codes of a campaign's links for these (contact, url) pairs, created where missing (one insert, one read): a
 * retry or a second release of the same recipient keeps the code it was given first.
 */
export async function ensureLinks(
  tx: DbOrTx,
  key: { workspaceId: string; campaignId: string; now: Date },
  wanted: WantedLink[],
): Promise<Map<string, string>> {
  if (wanted.length === 0) return new Map();
  await sql`
    insert into campaign_links (code, workspace_id, campaign_id, contact_id, url, created_at)
    select t.code, ${key.workspaceId}::uuid, ${key.campaignId}::uuid, t.contact_id, t.url, ${key.now}::timestamptz
    from unnest(${wanted.map((w) => w.code)}::text[], ${wanted.map((w) => w.contactId)}::uuid[],
      ${wanted.map((w) => w.url)}::text[]) as t(code, contact_id, url)
    on conflict (campaign_id, contact_id, url) do nothing`.execute(tx);
  const rows = await sql<{ code: string; contact_id: string; url: string }>`
    select l.code, l.contact_id, l.url from campaign_links l
    join unnest(${wanted.map((w) => w.contactId)}::uuid[], ${wanted.map((w) => w.url)}::text[]) as t(contact_id, url)
      on l.contact_id = t.contact_id and l.url = t.url
    where l.campaign_id = ${key.campaignId}::uuid`.execute(tx);
  return new Map(rows.rows.map((r) => [linkKey(r.contact_id, r.url), r.code]));
}

/** A link by its public code (codes are unique across workspaces; the code itself is the capability). */
export function findLinkByCode(db: DbOrTx, code: string) {
  return db
    .selectFrom('campaign_links')
    .select(['code', 'workspace_id', 'campaign_id', 'contact_id', 'url', 'first_clicked_at'])
    .where('code', '=', code)
    .executeTakeFirst();
}

/**
 * Records one click: the click row, the link's count and first click, and the recipient's first click on the
 * ledger. Returns whether this was the recipient's first click on any link of the campaign.
 */
export async function recordClick(
  tx: DbOrTx,
  click: { id: string; code: string; workspaceId: string; campaignId: string; contactId: string; at: Date },
): Promise<boolean> {
  await tx
    .insertInto('campaign_clicks')
    .values({
      id: click.id,
      workspace_id: click.workspaceId,
      campaign_id: click.campaignId,
      contact_id: click.contactId,
      code: click.code,
      clicked_at: click.at,
    })
    .execute();
  await sql`
    update campaign_links set clicks = clicks + 1, first_clicked_at = coalesce(first_clicked_at, ${click.at}::timestamptz)
    where code = ${click.code}`.execute(tx);
  const first = await tx
    .updateTable('campaign_recipients')
    .set({ clicked_at: click.at, updated_at: click.at })
    .where('workspace_id', '=', click.workspaceId)
    .where('campaign_id', '=', click.campaignId)
    .where('contact_id', '=', click.contactId)
    .where('clicked_at', 'is', null)
    .executeTakeFirst();
  return Number(first.numUpdatedRows) > 0;
}

/** Links (by code) and clicks (by id) moved by a contact merge. */
export interface MovedLinks {
  codes: string[];
  clicks: string[];
}

/**
 * Contact merge: moves the short links of contact `fromId` to `toId` (except a link `toId` already has for the same
 * campaign and url) and every click of `fromId`; returns what moved.
 */
export async function moveLinksToContact(
  db: DbOrTx,
  workspaceId: string,
  fromId: string,
  toId: string,
): Promise<MovedLinks> {
  const links = await sql<{ code: string }>`
    update campaign_links l set contact_id = ${toId}::uuid
    where l.workspace_id = ${workspaceId}::uuid and l.contact_id = ${fromId}::uuid
      and not exists (select 1 from campaign_links o
        where o.campaign_id = l.campaign_id and o.contact_id = ${toId}::uuid and o.url = l.url)
    returning l.code`.execute(db);
  const clicks = await sql<{ id: string }>`
    update campaign_clicks set contact_id = ${toId}::uuid
    where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid
    returning id`.execute(db);
  return { codes: links.rows.map((r) => r.code), clicks: clicks.rows.map((r) => r.id) };
}

/** Undo of a contact merge: gives the links and clicks it moved back from contact `fromId` to `toId`. */
export async function moveLinksBack(
  db: DbOrTx,
  workspaceId: string,
  moved: MovedLinks,
  fromId: string,
  toId: string,
): Promise<void> {
  if (moved.codes.length > 0)
    await sql`
      update campaign_links set contact_id = ${toId}::uuid
      where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid
        and code = any(${moved.codes}::text[])`.execute(db);
  if (moved.clicks.length > 0)
    await sql`
      update campaign_clicks set contact_id = ${toId}::uuid
      where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid
        and id = any(${moved.clicks}::uuid[])`.execute(db);
}
