/**
 * SQL of campaigns (`campaigns` and `campaign_prices`, written only by this module) and the reads the campaign
 * functions need from other owners' tables (numbers, the template cache, the workspace's time zone).
 */
import type { CampaignPrice } from '../../../contracts/campaign.schemas.ts';
import type { CampaignRow, CampaignStatus, DbOrTx } from '../../db/types.ts';

/** The jsonb documents and scalar fields of a campaign as stored. */
export interface CampaignValues {
  name: string;
  phone_number_ids: string;
  template: string;
  variant_b: string | null;
  audience: string;
  exclusions: string;
  schedule: string;
  quiet_hours: string;
  limits: string;
}

export function insertCampaignRow(
  db: DbOrTx,
  row: CampaignValues & { id: string; workspace_id: string; created_by: string | null; at: Date },
): Promise<CampaignRow> {
  const { at, ...values } = row;
  return db
    .insertInto('campaigns')
    .values({ ...values, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A campaign of the workspace, optionally locked (`update` for transitions, `share` for release batches). */
export function findCampaignRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  lock: 'update' | 'share' | null = null,
): Promise<CampaignRow | undefined> {
  let q = db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  if (lock === 'share') q = q.forShare();
  return q.executeTakeFirst();
}

/** Campaigns of a workspace, newest first, before the id `before` (UUIDv7) when given. */
export function listCampaignRows(
  db: DbOrTx,
  input: { workspaceId: string; before?: string; limit: number },
): Promise<CampaignRow[]> {
  let q = db.selectFrom('campaigns').selectAll().where('workspace_id', '=', input.workspaceId);
  if (input.before) q = q.where('id', '<', input.before);
  return q.orderBy('id', 'desc').limit(input.limit).execute();
}

/** Writes fields of a campaign; `fromStatuses` guards a transition (no row changed when the status moved on). */
export function updateCampaignRow(
  db: DbOrTx,
  workspaceId: string,
  id: string,
  set: Partial<CampaignValues> &
    Partial<{
      status: CampaignStatus;
      approved_by: string | null;
      plan_state: 'pending' | 'planning' | 'done';
      plan_cursor: string | null;
      planned_at: Date;
      launched_at: Date;
      paused_at: Date | null;
      completed_at: Date | null;
      cancelled_at: Date;
    }> & { updated_at: Date },
  fromStatuses?: readonly CampaignStatus[],
): Promise<CampaignRow | undefined> {
  let q = db.updateTable('campaigns').set(set).where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (fromStatuses) q = q.where('status', 'in', fromStatuses);
  return q.returningAll().executeTakeFirst();
}

export async function deleteCampaignRow(db: DbOrTx, workspaceId: string, id: string): Promise<number> {
  const res = await db
    .deleteFrom('campaigns')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Campaigns that may have rows to release (every workspace): the every-minute release fan-out. */
export function findActiveCampaigns(db: DbOrTx): Promise<{ id: string; workspace_id: string }[]> {
  return db
    .selectFrom('campaigns')
    .select(['id', 'workspace_id'])
    .where('status', 'in', ['scheduled', 'running'])
    .limit(10_000)
    .execute();
}

/** Which of these workspaces have launched a campaign (the listeners' filter). */
export async function workspacesWithCampaigns(db: DbOrTx, workspaceIds: string[]): Promise<Set<string>> {
  if (workspaceIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('campaigns')
    .select('workspace_id')
    .distinct()
    .where('workspace_id', 'in', workspaceIds)
    .where('launched_at', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.workspace_id));
}

/** The workspace's sending numbers among `ids` (live ones), with what pacing reads. */
export function findSendingNumbers(db: DbOrTx, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id', 'mps', 'messaging_tier', 'messaging_limit', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** The cached template rows of a name on a WABA (every language). */
export function findCachedTemplate(db: DbOrTx, workspaceId: string, wabaId: string, name: string) {
  return db
    .selectFrom('message_templates')
    .select(['language', 'category', 'status', 'components'])
    .where('workspace_id', '=', workspaceId)
    .where('waba_id', '=', wabaId)
    .where('name', '=', name)
    .execute();
}

export async function workspaceTimeZone(db: DbOrTx, workspaceId: string): Promise<string> {
  const row = await db
    .selectFrom('workspaces')
    .select('timezone')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.timezone ?? 'UTC';
}

/** The workspace's price table (empty when it never set one). */
export async function findPrices(db: DbOrTx, workspaceId: string): Promise<CampaignPrice[]> {
  const rows = await db
    .selectFrom('campaign_prices')
    .select(['category', 'country', 'price', 'currency'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('category')
    .orderBy('country')
    .execute();
  return rows.map((r) => ({
    category: r.category as CampaignPrice['category'],
    country: r.country,
    price: Number(r.price),
    currency: r.currency,
  }));
}

/** Replaces the workspace's price table. */
export async function replacePrices(tx: DbOrTx, workspaceId: string, prices: CampaignPrice[], at: Date) {
  await tx.deleteFrom('campaign_prices').where('workspace_id', '=', workspaceId).execute();
  if (prices.length === 0) return;
  await tx
    .insertInto('campaign_prices')
    .values(prices.map((p) => ({ workspace_id: workspaceId, ...p, updated_at: at })))
    .execute();
}
