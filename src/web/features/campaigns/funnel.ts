import type { CampaignDto } from '../../../contracts/campaign.schemas.ts';

/*
 * The campaign funnel (pure): sent → delivered → read → replied from the live counters of `GET /campaigns/{id}`,
 * then clicked → converted when the server reports them. The counters count each recipient once, at the furthest
 * step its message reached (a read message is not also counted as delivered), so a stage is that step plus every
 * later one.
 */

/** What `GET /campaigns/{id}/funnel` adds to the counters, where the server has it (each null when absent). */
export interface FunnelExtras {
  clicked: number | null;
  converted: number | null;
  /** Revenue attributed to the campaign's conversions, in `currency`. */
  revenue: number | null;
  /** Cost per acquisition, in `currency`. */
  cpa: number | null;
  currency: string | null;
}

export type FunnelStageKey = 'sent' | 'delivered' | 'read' | 'replied' | 'clicked' | 'converted';

/**
 * One stage: recipients who reached it, their share of the step it follows (see `PARENT`) and of those sent (null
 * when that step has nobody).
 */
export interface FunnelStage {
  key: FunnelStageKey;
  count: number;
  ofPrevious: number | null;
  ofSent: number | null;
}

type Counters = NonNullable<CampaignDto['counters']>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Reads the funnel endpoint's answer defensively: its schema is not in `src/contracts` on this branch yet (it is
 * being added on another one, as `{funnel: {…, clicked, converted}, revenue: [{currency, amount}], cost: {currency},
 * costPerAcquisition}`), so only numbers found where that shape puts them are taken; anything else is null.
 */
export function parseFunnelExtras(body: unknown): FunnelExtras {
  const b = obj(body);
  const steps = obj(b.funnel);
  const currency = typeof obj(b.cost).currency === 'string' ? (obj(b.cost).currency as string) : null;
  const revenues = Array.isArray(b.revenue) ? b.revenue.map(obj) : [];
  const revenue = revenues.find((r) => r.currency === currency) ?? null;
  return {
    clicked: num(steps.clicked),
    converted: num(steps.converted),
    revenue: revenue ? num(revenue.amount) : null,
    cpa: num(b.costPerAcquisition),
    currency,
  };
}

/** The step each stage is rated against: replies, clicks and conversions come from those who read. */
const PARENT: Record<FunnelStageKey, FunnelStageKey | null> = {
  sent: null,
  delivered: 'sent',
  read: 'delivered',
  replied: 'read',
  clicked: 'read',
  converted: 'read',
};

/** The funnel's stages: the four the counters give, then clicked and converted when the server has them. */
export function funnelStages(counters: Counters, extras: FunnelExtras | null = null): FunnelStage[] {
  const replied = counters.replied;
  const read = counters.read + replied;
  const delivered = counters.delivered + read;
  const sent = counters.sent + delivered;
  const counts: Partial<Record<FunnelStageKey, number>> = { sent, delivered, read, replied };
  if (typeof extras?.clicked === 'number') counts.clicked = extras.clicked;
  if (typeof extras?.converted === 'number') counts.converted = extras.converted;
  return (Object.keys(PARENT) as FunnelStageKey[]).flatMap((key) => {
    const count = counts[key];
    if (count === undefined) return [];
    const parent = PARENT[key];
    const base = parent ? (counts[parent] ?? 0) : 0;
    return [
      { key, count, ofPrevious: base > 0 ? count / base : null, ofSent: sent > 0 ? count / sent : null },
    ];
  });
}
