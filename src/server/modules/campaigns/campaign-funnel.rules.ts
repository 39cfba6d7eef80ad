/**
 * A campaign's results (pure): cost of what was delivered at the price table's rates (as the estimate prices a
 * campaign), cost per acquisition, and the alert when that cost takes more than a set share of the margin a
 * conversion brings. Counts come from the ledger and conversions; nothing here reads them.
 */
import type {
  CampaignFunnelDto,
  CampaignPrice,
  CampaignSettings,
} from '../../../contracts/campaign.schemas.ts';
import { estimateCost } from './campaign-estimate.rules.ts';

/** What the figures are computed from. */
export interface FunnelFacts {
  funnel: CampaignFunnelDto['funnel'];
  /** Delivered recipients by country (null: unknown country, priced at `*`). */
  deliveredByCountry: ReadonlyMap<string | null, number>;
  category: string | null;
  prices: readonly CampaignPrice[];
  revenue: CampaignFunnelDto['revenue'];
  settings: CampaignSettings;
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/** Cost, CPA and the alert of a campaign. */
export function funnelFigures(
  f: FunnelFacts,
): Pick<CampaignFunnelDto, 'cost' | 'costPerAcquisition' | 'alert'> {
  const estimate = estimateCost(f.deliveredByCountry, f.category, f.prices);
  const cost = { total: estimate.total, currency: estimate.currency, category: f.category };
  const converted = f.funnel.converted;
  const cpa = converted > 0 ? round(cost.total / converted) : null;
  const none = (reason: string) => ({
    cost,
    costPerAcquisition: cpa,
    alert: { cpaAboveThreshold: false, threshold: null, reason },
  });
  if (f.settings.marginRate === null) return none('no_margin_rate');
  if (cpa === null) return none('no_conversions');
  const revenue = f.revenue.find((r) => r.currency === cost.currency);
  if (!revenue || revenue.conversions === 0) return none('no_revenue_in_cost_currency');
  // The margin one conversion brings: average revenue of the conversions in the cost's currency × the margin rate.
  const marginPerConversion = (revenue.amount * f.settings.marginRate) / revenue.conversions;
  const threshold = round(f.settings.cpaAlertShare * marginPerConversion);
  return {
    cost,
    costPerAcquisition: cpa,
    alert: { cpaAboveThreshold: cpa > threshold, threshold, reason: null },
  };
}
