/**
 * Results of campaigns: `campaign_conversions`, `campaign_settings`, the ledger's `converted_at`, and the reads
 * behind the funnel (ledger steps, delivered recipients by country, revenue).
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';

/** The funnel's step counts over ledger rows: one definition for a campaign and for a window of releases. */
const FUNNEL_COUNTS = sql`
  count(*) filter (where coalesce(sent_at, delivered_at, read_at, replied_at) is not null
    or status in ('sent', 'delivered', 'read', 'replied'))::int as sent,
  count(*) filter (where coalesce(delivered_at, read_at, replied_at) is not null
    or status in ('delivered', 'read', 'replied'))::int as delivered,
  count(*) filter (where coalesce(read_at, replied_at) is not null or status in ('read', 'replied'))::int as read,
  count(*) filter (where clicked_at is not null)::int as clicked,
  count(*) filter (where replied_at is not null)::int as replied,
  count(*) filter (where converted_at is not null)::int as converted`;

const DELIVERED = sql`(coalesce(delivered_at, read_at, replied_at) is not null or status in ('delivered', 'read', 'replied'))`;

/** Step counts of the funnel. */
export interface FunnelCountsRow {
  sent: number;
  delivered: number;
  read: number;
  clicked: number;
  replied: number;
  converted: number;
}

/** Recipients at each step of the funnel (a later step implies the earlier ones). */
export async function countFunnel(db: DbOrTx, workspaceId: string, campaignId: string) {
  const res = await sql<FunnelCountsRow>`
    select ${FUNNEL_COUNTS}
    from campaign_recipients
    where workspace_id = ${workspaceId} and campaign_id = ${campaignId}`.execute(db);
  return res.rows[0] ?? { sent: 0, delivered: 0, read: 0, clicked: 0, replied: 0, converted: 0 };
}

/** Ledger rows released (queued) in `[start, end)`, optionally from one number: a cohort of recipients. */
export interface ReleaseWindow {
  workspaceId: string;
  start: Date;
  end: Date;
  phoneNumberId?: string;
}

function windowScope(w: ReleaseWindow, alias = '') {
  const a = alias ? sql.raw(`${alias}.`) : sql.raw('');
  return sql`${a}workspace_id = ${w.workspaceId} and ${a}queued_at >= ${w.start} and ${a}queued_at < ${w.end}
    ${w.phoneNumberId ? sql`and ${a}phone_number_id = ${w.phoneNumberId}` : sql``}`;
}

/** The funnel of the recipients released in a window, per campaign and A/B variant. */
export async function countFunnelsInWindow(
  db: DbOrTx,
  w: ReleaseWindow,
): Promise<Array<FunnelCountsRow & { campaign_id: string; variant: 'a' | 'b' }>> {
  const res = await sql<FunnelCountsRow & { campaign_id: string; variant: 'a' | 'b' }>`
    select campaign_id, variant, ${FUNNEL_COUNTS}
    from campaign_recipients where ${windowScope(w)}
    group by campaign_id, variant order by campaign_id, variant`.execute(db);
  return res.rows;
}

/** Delivered recipients of a window by campaign, variant and country (what the cost is computed from). */
export async function deliveredByCountryInWindow(
  db: DbOrTx,
  w: ReleaseWindow,
): Promise<Array<{ campaign_id: string; variant: 'a' | 'b'; country: string | null; n: number }>> {
  const res = await sql<{ campaign_id: string; variant: 'a' | 'b'; country: string | null; n: number }>`
    select campaign_id, variant, country, count(*)::int as n from campaign_recipients
    where ${windowScope(w)} and ${DELIVERED}
    group by campaign_id, variant, country`.execute(db);
  return res.rows;
}

/** Attributed conversions of the recipients of a window, per campaign, variant and currency. */
export async function revenueInWindow(
  db: DbOrTx,
  w: ReleaseWindow,
): Promise<
  Array<{ campaign_id: string; variant: 'a' | 'b'; currency: string; amount: number; conversions: number }>
> {
  const res = await sql<{
    campaign_id: string;
    variant: 'a' | 'b';
    currency: string;
    amount: string;
    conversions: number;
  }>`
    select r.campaign_id, r.variant, v.currency, sum(v.value)::text as amount, count(*)::int as conversions
    from campaign_recipients r
    join campaign_conversions v on v.workspace_id = r.workspace_id and v.campaign_id = r.campaign_id
      and v.contact_id = r.contact_id
    where ${windowScope(w, 'r')}
    group by r.campaign_id, r.variant, v.currency order by r.campaign_id, r.variant, v.currency`.execute(db);
  return res.rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

/** Clicked and converted recipients of a campaign (the campaign's counters). */
export async function countEngagement(
  db: DbOrTx,
  workspaceId: string,
  campaignId: string,
): Promise<{ clicked: number; converted: number }> {
  const res = await sql<{ clicked: number; converted: number }>`
    select count(*) filter (where clicked_at is not null)::int as clicked,
      count(*) filter (where converted_at is not null)::int as converted
    from campaign_recipients where workspace_id = ${workspaceId} and campaign_id = ${campaignId}`.execute(db);
  return res.rows[0] ?? { clicked: 0, converted: 0 };
}

/** Recipients who clicked and who converted, for each of several campaigns (one grouped count). */
export async function countEngagements(
  db: DbOrTx,
  workspaceId: string,
  campaignIds: string[],
): Promise<Map<string, { clicked: number; converted: number }>> {
  if (campaignIds.length === 0) return new Map();
  const res = await sql<{ campaign_id: string; clicked: number; converted: number }>`
    select campaign_id, count(*) filter (where clicked_at is not null)::int as clicked,
      count(*) filter (where converted_at is not null)::int as converted
    from campaign_recipients where workspace_id = ${workspaceId} and campaign_id = any(${campaignIds}::uuid[])
    group by campaign_id`.execute(db);
  return new Map(res.rows.map((r) => [r.campaign_id, { clicked: r.clicked, converted: r.converted }]));
}

/** Delivered recipients (delivered, read or replied) by country: what the cost is computed from. */
export async function deliveredByCountry(
  db: DbOrTx,
  workspaceId: string,
  campaignId: string,
): Promise<Map<string | null, number>> {
  const res = await sql<{ country: string | null; n: number }>`
    select country, count(*)::int as n from campaign_recipients
    where workspace_id = ${workspaceId} and campaign_id = ${campaignId}
      and ${DELIVERED}
    group by country`.execute(db);
  return new Map(res.rows.map((r) => [r.country, r.n]));
}

/** Attributed conversions of a campaign per currency. */
export async function revenueOf(db: DbOrTx, workspaceId: string, campaignId: string) {
  const res = await sql<{ currency: string; amount: string; conversions: number }>`
    select currency, sum(value)::text as amount, count(*)::int as conversions from campaign_conversions
    where workspace_id = ${workspaceId} and campaign_id = ${campaignId}
    group by currency order by currency`.execute(db);
  return res.rows.map((r) => ({
    currency: r.currency,
    amount: Number(r.amount),
    conversions: r.conversions,
  }));
}

/** The campaign message a contact last read (or replied to) or clicked in [from, to], with how and when. */
export async function findLastTouch(
  db: DbOrTx,
  key: { workspaceId: string; contactId: string; from: Date; to: Date },
): Promise<{ campaign_id: string; touched_at: Date; by: 'read' | 'clicked' } | undefined> {
  const res = await sql<{ campaign_id: string; read_at: Date | null; clicked_at: Date | null }>`
    select campaign_id, r.read_at, r.clicked_at from (
      select campaign_id,
        case when coalesce(read_at, replied_at) between ${key.from} and ${key.to}
          then coalesce(read_at, replied_at) end as read_at,
        case when clicked_at between ${key.from} and ${key.to} then clicked_at end as clicked_at
      from campaign_recipients
      where workspace_id = ${key.workspaceId} and contact_id = ${key.contactId} and queued_at is not null
    ) r
    where r.read_at is not null or r.clicked_at is not null
    order by greatest(r.read_at, r.clicked_at) desc, campaign_id desc
    limit 1`.execute(db);
  const row = res.rows[0];
  if (!row) return undefined;
  const clicked = row.clicked_at !== null && (row.read_at === null || row.clicked_at >= row.read_at);
  return {
    campaign_id: row.campaign_id,
    touched_at: (clicked ? row.clicked_at : row.read_at) as Date,
    by: clicked ? 'clicked' : 'read',
  };
}

/** A conversion row as stored. */
export interface ConversionRow {
  id: string;
  workspace_id: string;
  contact_id: string;
  campaign_id: string | null;
  attributed_by: 'read' | 'clicked' | null;
  touched_at: Date | null;
  external_id: string | null;
  value: string;
  currency: string;
  occurred_at: Date;
  created_at: Date;
}

const CONVERSION_COLUMNS = sql.raw(
  'id, workspace_id, contact_id, campaign_id, attributed_by, touched_at, external_id, value::text as value, currency, occurred_at, created_at',
);

/** Stores a conversion; undefined when its external id is taken already (a concurrent or earlier report). */
export async function insertConversion(
  db: DbOrTx,
  row: Omit<ConversionRow, 'value'> & { value: number },
): Promise<ConversionRow | undefined> {
  const res = await sql<ConversionRow>`
    insert into campaign_conversions (id, workspace_id, contact_id, campaign_id, attributed_by, touched_at,
      external_id, value, currency, occurred_at, created_at)
    values (${row.id}, ${row.workspace_id}, ${row.contact_id}, ${row.campaign_id}, ${row.attributed_by},
      ${row.touched_at}, ${row.external_id}, ${row.value}, ${row.currency}, ${row.occurred_at}, ${row.created_at})
    on conflict (workspace_id, external_id) where external_id is not null do nothing
    returning ${CONVERSION_COLUMNS}`.execute(db);
  return res.rows[0];
}

/** A conversion by the caller's external id. */
export async function findConversionByExternalId(
  db: DbOrTx,
  workspaceId: string,
  externalId: string,
): Promise<ConversionRow | undefined> {
  const res = await sql<ConversionRow>`
    select ${CONVERSION_COLUMNS} from campaign_conversions where workspace_id = ${workspaceId} and external_id = ${externalId}`.execute(
    db,
  );
  return res.rows[0];
}

/** Marks the recipient converted (the earliest attributed conversion's time is kept). */
export async function markConverted(
  db: DbOrTx,
  key: { workspaceId: string; campaignId: string; contactId: string },
  at: Date,
  now: Date,
): Promise<void> {
  await sql`
    update campaign_recipients set converted_at = least(coalesce(converted_at, ${at}::timestamptz), ${at}::timestamptz),
      updated_at = ${now}
    where workspace_id = ${key.workspaceId} and campaign_id = ${key.campaignId} and contact_id = ${key.contactId}`.execute(
    db,
  );
}

/** The workspace's stored campaign settings document, or undefined. */
export async function findCampaignSettings(db: DbOrTx, workspaceId: string): Promise<unknown> {
  const row = await db
    .selectFrom('campaign_settings')
    .select('settings')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.settings;
}

export async function saveCampaignSettings(
  db: DbOrTx,
  workspaceId: string,
  settings: unknown,
  now: Date,
): Promise<void> {
  await db
    .insertInto('campaign_settings')
    .values({ workspace_id: workspaceId, settings: JSON.stringify(settings), updated_at: now })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet({ settings: JSON.stringify(settings), updated_at: now }),
    )
    .execute();
}

/** Contact merge: moves every conversion of contact `fromId` to `toId`; returns the ids moved. */
export async function moveConversionsToContact(
  db: DbOrTx,
  workspaceId: string,
  fromId: string,
  toId: string,
): Promise<string[]> {
  const res = await sql<{ id: string }>`
    update campaign_conversions set contact_id = ${toId}::uuid
    where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid
    returning id`.execute(db);
  return res.rows.map((r) => r.id);
}

/** Undo of a contact merge: gives the conversions `ids` back from contact `fromId` to `toId`. */
export async function moveConversionsBack(
  db: DbOrTx,
  workspaceId: string,
  ids: readonly string[],
  fromId: string,
  toId: string,
): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update campaign_conversions set contact_id = ${toId}::uuid
    where workspace_id = ${workspaceId}::uuid and contact_id = ${fromId}::uuid
      and id = any(${[...ids]}::uuid[])`.execute(db);
}
