/**
 * Cost of a campaign (pure): recipients by country × the price of one delivered template of the campaign's
 * category in that country. Prices come from the workspace's editable table (`campaign_prices`), or — when the
 * workspace has none — from `DEFAULT_PRICES`, illustrative example rates (USD, rounded, of the order of Meta's
 * published per-message rates in 2025); they are not a quote and a workspace should enter its own.
 */
import type { CampaignPrice } from '../../../contracts/campaign.schemas.ts';

/** Example prices per delivered template message (USD). `*` = any country not listed. */
export const DEFAULT_PRICES: readonly CampaignPrice[] = [
  { category: 'MARKETING', country: 'JP', price: 0.1, currency: 'USD' },
  { category: 'UTILITY', country: 'JP', price: 0.02, currency: 'USD' },
  { category: 'AUTHENTICATION', country: 'JP', price: 0.02, currency: 'USD' },
  { category: 'MARKETING', country: 'US', price: 0.025, currency: 'USD' },
  { category: 'UTILITY', country: 'US', price: 0.004, currency: 'USD' },
  { category: 'AUTHENTICATION', country: 'US', price: 0.0135, currency: 'USD' },
  { category: 'MARKETING', country: 'IN', price: 0.011, currency: 'USD' },
  { category: 'UTILITY', country: 'IN', price: 0.0014, currency: 'USD' },
  { category: 'AUTHENTICATION', country: 'IN', price: 0.0014, currency: 'USD' },
  { category: 'MARKETING', country: '*', price: 0.06, currency: 'USD' },
  { category: 'UTILITY', country: '*', price: 0.01, currency: 'USD' },
  { category: 'AUTHENTICATION', country: '*', price: 0.01, currency: 'USD' },
];

/** The price of one message of `category` to `country`: the exact row, else the category's `*` row, else 0. */
export function priceOf(
  prices: readonly CampaignPrice[],
  category: string,
  country: string | null,
): { price: number; currency: string } {
  const cat = category.toUpperCase();
  const row =
    prices.find((p) => p.category === cat && p.country === country) ??
    prices.find((p) => p.category === cat && p.country === '*');
  return row
    ? { price: row.price, currency: row.currency }
    : { price: 0, currency: prices[0]?.currency ?? 'USD' };
}

/** Total and per-country cost of sending one `category` template to each of the counted recipients. */
export function estimateCost(
  recipientsByCountry: ReadonlyMap<string | null, number>,
  category: string | null,
  prices: readonly CampaignPrice[],
): { total: number; currency: string; byCountry: { country: string; recipients: number; cost: number }[] } {
  const cat = category ?? 'MARKETING';
  const byCountry = [...recipientsByCountry.entries()]
    .map(([country, recipients]) => ({
      country: country ?? '*',
      recipients,
      cost: round(recipients * priceOf(prices, cat, country).price),
    }))
    .sort((a, b) => b.recipients - a.recipients || a.country.localeCompare(b.country));
  const total = round(byCountry.reduce((sum, c) => sum + c.cost, 0));
  return { total, currency: priceOf(prices, cat, null).currency, byCountry };
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;
