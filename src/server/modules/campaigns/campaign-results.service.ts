/**
 * What campaigns achieved: conversions reported by the business (`POST /api/v1/conversions`), attributed to the
 * campaign message the contact last read or clicked within the attribution window; the funnel sent → delivered →
 * read → clicked → replied → converted with revenue, cost and cost per acquisition; and the workspace settings
 * they use (attribution window, margin, alert share).
 */
import {
  CampaignSettingsSchema,
  type CampaignFunnelDto,
  type CampaignSettings,
  type ConversionDto,
  type ConversionInput,
} from '../../../contracts/campaign.schemas.ts';
import { newId } from '../../../lib/ids.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import { findContact, findContactByWaIds } from '../contacts/contacts.repository.ts';
import { parsePhone, waIdVariants } from '../contacts/contacts.rules.ts';
import { DEFAULT_PRICES } from './campaign-estimate.rules.ts';
import { funnelFigures } from './campaign-funnel.rules.ts';
import {
  countFunnel,
  countFunnelsInWindow,
  deliveredByCountry,
  deliveredByCountryInWindow,
  findCampaignSettings,
  findConversionByExternalId,
  findLastTouch,
  insertConversion,
  markConverted,
  revenueInWindow,
  revenueOf,
  saveCampaignSettings,
  type ConversionRow,
  type FunnelCountsRow,
  type ReleaseWindow,
} from './campaign-results.repository.ts';
import { findCampaignRow, findPrices } from './campaigns.repository.ts';
import { assertTemplatesApproved, toCampaign, type CampaignsDeps } from './campaigns.service.ts';

const DAY_MS = 86_400_000;
/** How far in the future a reported conversion time may be (clock skew of the caller). */
const FUTURE_SKEW_MS = 5 * 60_000;

/** The workspace's campaign settings (defaults until set). */
export async function getCampaignSettings(
  deps: CampaignsDeps,
  workspaceId: string,
): Promise<CampaignSettings> {
  const stored = await findCampaignSettings(deps.db, workspaceId);
  const parsed = CampaignSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : CampaignSettingsSchema.parse({});
}

/** Saves the workspace's campaign settings. */
export async function putCampaignSettings(
  deps: CampaignsDeps,
  workspaceId: string,
  settings: CampaignSettings,
): Promise<CampaignSettings> {
  await saveCampaignSettings(deps.db, workspaceId, settings, deps.clock.now());
  return settings;
}

async function resolveContactId(deps: CampaignsDeps, workspaceId: string, input: ConversionInput) {
  if (input.contactId) {
    const contact = await findContact(deps.db, workspaceId, input.contactId);
    if (!contact) throw notFound('Contact');
    return contact.id;
  }
  const phone = parsePhone(input.phone ?? '');
  if (!phone)
    throw new AppError(
      'invalid_recipient',
      `"${input.phone ?? ''}" is not a valid phone number; include the country code, e.g. +819012345678`,
    );
  const contact = await findContactByWaIds(deps.db, workspaceId, waIdVariants(phone.waId));
  if (!contact) throw notFound('Contact');
  return contact.id;
}

function toDto(row: ConversionRow): ConversionDto {
  return {
    id: row.id,
    contactId: row.contact_id,
    campaignId: row.campaign_id,
    attributedBy: row.campaign_id ? row.attributed_by : null,
    touchedAt: row.campaign_id && row.touched_at ? row.touched_at.toISOString() : null,
    value: Number(row.value),
    currency: row.currency,
    at: row.occurred_at.toISOString(),
    externalId: row.external_id,
  };
}

/**
 * Records a conversion and attributes it: to the campaign whose message the contact last read (a reply counts as
 * read) or clicked in the attribution window before `at`, or to none. Idempotent by `externalId`: a second report
 * answers the first one's result (`replayed`), whatever its body says.
 */
export async function recordConversion(
  deps: CampaignsDeps,
  workspaceId: string,
  input: ConversionInput,
): Promise<{ conversion: ConversionDto; replayed: boolean }> {
  const settings = await getCampaignSettings(deps, workspaceId);
  const windowMs = settings.attributionDays * DAY_MS;
  if (input.externalId) {
    const existing = await findConversionByExternalId(deps.db, workspaceId, input.externalId);
    if (existing) return { conversion: toDto(existing), replayed: true };
  }
  const contactId = await resolveContactId(deps, workspaceId, input);
  const now = deps.clock.now();
  const at = input.at ? new Date(input.at) : now;
  if (at.getTime() > now.getTime() + FUTURE_SKEW_MS)
    throw new AppError('validation_failed', 'A conversion cannot happen in the future', {
      issues: [{ path: '/at', message: 'after the current time' }],
    });
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const touch = await findLastTouch(tx, {
      workspaceId,
      contactId,
      from: new Date(at.getTime() - windowMs),
      to: at,
    });
    const row = await insertConversion(tx, {
      id: newId(),
      workspace_id: workspaceId,
      contact_id: contactId,
      campaign_id: touch?.campaign_id ?? null,
      attributed_by: touch?.by ?? null,
      touched_at: touch?.touched_at ?? null,
      external_id: input.externalId ?? null,
      value: input.value,
      currency: input.currency,
      occurred_at: at,
      created_at: now,
    });
    if (row && touch)
      await markConverted(tx, { workspaceId, campaignId: touch.campaign_id, contactId }, at, now);
    return { row, touch };
  });
  if (!outcome.row) {
    // A concurrent report with the same external id won: answer its result.
    const existing = await findConversionByExternalId(deps.db, workspaceId, input.externalId ?? '');
    if (!existing) throw new AppError('conflict', 'The conversion could not be recorded; retry');
    return { conversion: toDto(existing), replayed: true };
  }
  return { conversion: toDto(outcome.row), replayed: false };
}

/** The funnel of a campaign with revenue, cost, CPA and the alert. 404 for another workspace's campaign. */
export async function campaignFunnel(
  deps: CampaignsDeps,
  workspaceId: string,
  campaignId: string,
): Promise<CampaignFunnelDto> {
  const row = await findCampaignRow(deps.db, workspaceId, campaignId);
  if (!row) throw notFound('Campaign');
  const c = toCampaign(row);
  const [funnel, delivered, revenue, prices, settings, category] = await Promise.all([
    countFunnel(deps.db, workspaceId, campaignId),
    deliveredByCountry(deps.db, workspaceId, campaignId),
    revenueOf(deps.db, workspaceId, campaignId),
    findPrices(deps.db, workspaceId),
    getCampaignSettings(deps, workspaceId),
    assertTemplatesApproved(deps, c).catch(() => null),
  ]);
  const figures = funnelFigures({
    funnel,
    deliveredByCountry: delivered,
    category,
    prices: prices.length > 0 ? prices : DEFAULT_PRICES,
    revenue,
    settings,
  });
  return { campaignId, funnel, revenue, ...figures };
}

/** One A/B variant's results over a window of releases. */
export interface VariantWindowResult {
  variant: 'a' | 'b';
  /** The variant's template name. */
  template: string;
  funnel: FunnelCountsRow;
  revenue: CampaignFunnelDto['revenue'];
  cost: CampaignFunnelDto['cost'];
  costPerAcquisition: number | null;
}

/** A campaign's results over the recipients it released in a window, per variant. */
export interface CampaignWindowResult {
  campaignId: string;
  name: string;
  status: string;
  variants: VariantWindowResult[];
}

/**
 * What each campaign achieved with the recipients it released (queued) in `[start, end)`: the funnel counted as
 * {@link campaignFunnel} counts it, revenue of those recipients' attributed conversions, and the cost of their
 * delivered messages at the price table's rates (the main template's category), per A/B variant. For analytics.
 */
export async function campaignResultsInWindow(
  deps: CampaignsDeps,
  window: ReleaseWindow,
): Promise<CampaignWindowResult[]> {
  const [funnels, delivered, revenue] = await Promise.all([
    countFunnelsInWindow(deps.db, window),
    deliveredByCountryInWindow(deps.db, window),
    revenueInWindow(deps.db, window),
  ]);
  const ids = [...new Set(funnels.map((f) => f.campaign_id))];
  if (ids.length === 0) return [];
  const [rows, prices, settings] = await Promise.all([
    Promise.all(ids.map((id) => findCampaignRow(deps.db, window.workspaceId, id))),
    findPrices(deps.db, window.workspaceId),
    getCampaignSettings(deps, window.workspaceId),
  ]);
  const found = rows.filter((r) => r !== undefined);
  const categories = await Promise.all(
    found.map((row) => assertTemplatesApproved(deps, toCampaign(row)).catch(() => null)),
  );
  const out: CampaignWindowResult[] = [];
  for (const [i, row] of found.entries()) {
    const c = toCampaign(row);
    const category = categories[i] ?? null;
    const variants = funnels
      .filter((f) => f.campaign_id === row.id)
      .map((f): VariantWindowResult => {
        const { campaign_id: _id, variant, ...funnel } = f;
        const byCountry = new Map(
          delivered
            .filter((d) => d.campaign_id === row.id && d.variant === variant)
            .map((d) => [d.country, d.n]),
        );
        const money = revenue
          .filter((r) => r.campaign_id === row.id && r.variant === variant)
          .map((r) => ({ currency: r.currency, amount: r.amount, conversions: r.conversions }));
        const figures = funnelFigures({
          funnel,
          deliveredByCountry: byCountry,
          category,
          prices: prices.length > 0 ? prices : DEFAULT_PRICES,
          revenue: money,
          settings,
        });
        const template = variant === 'b' && c.variantB ? c.variantB.template.name : c.template.name;
        return {
          variant,
          template,
          funnel,
          revenue: money,
          cost: figures.cost,
          costPerAcquisition: figures.costPerAcquisition,
        };
      });
    out.push({ campaignId: row.id, name: row.name, status: row.status, variants });
  }
  return out;
}
