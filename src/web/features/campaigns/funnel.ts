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

/** One stage: recipients who reached it, the share of the stage before and of those sent (null when 0 sent). */
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
 * Reads the funnel endpoint's answer defensively: its schema is not in `src/contracts` yet (it is being added on
 * another branch), so only numbers found under the names it is expected to use are taken — `clicks`/`clicked`,
 * `conversions`/`converted` (plain or `{count}`), `revenue` (plain or `{amount, currency}`), `cpa`.
 */
export function parseFunnelExtras(body: unknown): FunnelExtras {
  const b = obj(body);
  const src = { ...b, ...obj(b.funnel) };
  const count = (v: unknown) => num(v) ?? num(obj(v).count) ?? num(obj(v).total);
  const revenue = obj(src.revenue);
  return {
    clicked: count(src.clicks) ?? count(src.clicked),
    converted: count(src.conversions) ?? count(src.converted),
    revenue: num(src.revenue) ?? num(revenue.amount) ?? num(revenue.total),
    cpa: num(src.cpa) ?? num(obj(src.cpa).amount),
    currency:
      typeof src.currency === 'string'
        ? src.currency
        : typeof revenue.currency === 'string'
          ? revenue.currency
          : null,
  };
}

/** The funnel's stages: the four the counters give, then clicked and converted when the server has them. */
export function funnelStages(counters: Counters, extras: FunnelExtras | null = null): FunnelStage[] {
  const replied = counters.replied;
  const read = counters.read + replied;
  const delivered = counters.delivered + read;
  const sent = counters.sent + delivered;
  const raw: [FunnelStageKey, number][] = [
    ['sent', sent],
    ['delivered', delivered],
    ['read', read],
    ['replied', replied],
  ];
  if (typeof extras?.clicked === 'number') raw.push(['clicked', extras.clicked]);
  if (typeof extras?.converted === 'number') raw.push(['converted', extras.converted]);
  return raw.map(([key, count], i) => {
    const previous = i === 0 ? null : (raw[i - 1]?.[1] ?? null);
    return {
      key,
      count,
      ofPrevious: previous ? count / previous : null,
      ofSent: sent > 0 ? count / sent : null,
    };
  });
}
