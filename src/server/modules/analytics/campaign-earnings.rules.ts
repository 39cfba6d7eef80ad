/**
 * What campaigns earn (pure): a campaign's figures as the sum of its A/B variants, step rates of a funnel, and the
 * difference between variant b and variant a. The counts, revenue and cost come from the campaigns module; nothing
 * here reads them. Definitions: docs/metrics.md § Campaigns.
 */
import type { CampaignEarnings, FunnelCounts, FunnelRates } from '../../../contracts/analytics.schemas.ts';
import { rate } from './message-outcome.rules.ts';

const STEPS = ['sent', 'delivered', 'read', 'clicked', 'replied', 'converted'] as const;

/** A funnel with every step at 0. */
export const EMPTY_FUNNEL: FunnelCounts = {
  sent: 0,
  delivered: 0,
  read: 0,
  clicked: 0,
  replied: 0,
  converted: 0,
};

/** Step counts added up. */
export function addFunnels(funnels: readonly FunnelCounts[]): FunnelCounts {
  const out = { ...EMPTY_FUNNEL };
  for (const f of funnels) for (const k of STEPS) out[k] += f[k];
  return out;
}

/** Delivery over sent; read, click, reply and conversion over delivered (null when the denominator is 0). */
export function funnelRates(f: FunnelCounts): FunnelRates {
  return {
    deliveryRate: rate(f.delivered, f.sent),
    readRate: rate(f.read, f.delivered),
    clickRate: rate(f.clicked, f.delivered),
    replyRate: rate(f.replied, f.delivered),
    conversionRate: rate(f.converted, f.delivered),
  };
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/** The variant figures a campaign's figures are the sum of. */
export type VariantFigures = Omit<CampaignEarnings, 'rates'>;

/** A campaign's figures: variants' counts, revenue (per currency) and cost added up; CPA = cost ÷ converted. */
export function combineVariants(variants: readonly VariantFigures[]): CampaignEarnings {
  const funnel = addFunnels(variants.map((v) => v.funnel));
  const revenue = new Map<string, { currency: string; amount: number; conversions: number }>();
  for (const v of variants)
    for (const r of v.revenue) {
      const acc = revenue.get(r.currency) ?? { currency: r.currency, amount: 0, conversions: 0 };
      acc.amount = round(acc.amount + r.amount);
      acc.conversions += r.conversions;
      revenue.set(r.currency, acc);
    }
  const first = variants[0]?.cost;
  const cost = {
    total: round(variants.reduce((n, v) => n + v.cost.total, 0)),
    currency: first?.currency ?? 'JPY',
    category: first?.category ?? null,
  };
  return {
    funnel,
    rates: funnelRates(funnel),
    revenue: [...revenue.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
    cost,
    costPerAcquisition: funnel.converted > 0 ? round(cost.total / funnel.converted) : null,
  };
}

/** Variant b's rates minus variant a's (null where either is null): how much better b did. */
export function variantLift(a: FunnelRates, b: FunnelRates): FunnelRates {
  const diff = (x: number | null, y: number | null) => (x === null || y === null ? null : round(y - x));
  return {
    deliveryRate: diff(a.deliveryRate, b.deliveryRate),
    readRate: diff(a.readRate, b.readRate),
    clickRate: diff(a.clickRate, b.clickRate),
    replyRate: diff(a.replyRate, b.replyRate),
    conversionRate: diff(a.conversionRate, b.conversionRate),
  };
}
