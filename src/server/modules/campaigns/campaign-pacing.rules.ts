/**
 * How many ledger rows of a number to release per tick (pure). Release only feeds the outbox; the dispatcher's
 * pacer still enforces the number's mps to the second. The budget is the smallest of:
 * - throughput: mps × tick seconds, less what is still queued for the number in the bulk lane (never build a
 *   backlog the dispatcher cannot send before the next tick);
 * - the campaign's hourly cap per number, less the campaign messages the number sent in the last hour;
 * - WhatsApp's messaging limit: unique recipients outside the customer service window in a rolling 24 h, less
 *   those already reached (the caller counts every business-initiated recipient, an upper bound: recipients whose
 *   window is open do not count at WhatsApp, so we may release fewer than allowed, never more);
 * - a ramp for new numbers: startPerDay · growth^ageDays per rolling 24 h while ageDays < days.
 */
import type { CampaignLimits } from '../../../contracts/campaign.schemas.ts';

/** WhatsApp's messaging limit by tier (unique recipients per rolling 24 h); unknown tiers count as new (250). */
export function messagingLimitOf(tier: string | null, explicit: number | null): number {
  if (explicit !== null && explicit > 0) return explicit;
  switch ((tier ?? '').toUpperCase()) {
    case 'TIER_50':
      return 50;
    case 'TIER_1K':
      return 1_000;
    case 'TIER_2K':
      return 2_000;
    case 'TIER_10K':
      return 10_000;
    case 'TIER_100K':
      return 100_000;
    case 'TIER_UNLIMITED':
      return Number.POSITIVE_INFINITY;
    default:
      return 250;
  }
}

/** What release knows about one number at a tick. */
export interface NumberLoad {
  mps: number;
  messagingTier: string | null;
  messagingLimit: number | null;
  createdAt: Date;
  /** Bulk-lane messages of the number still queued or sending. */
  backlog: number;
  /** Campaign messages this number queued in the last hour (all campaigns). */
  sentLastHour: number;
  /** Unique contacts this number sent business-initiated (template) messages to in the last 24 h. */
  uniqueRecipients24h: number;
  /** Campaign messages this number queued in the last 24 h (for the ramp). */
  sentLast24h: number;
}

const DAY_MS = 86_400_000;

/** The ramp's allowance per rolling 24 h for a number of this age, or +∞ when no ramp applies. */
export function rampAllowance(limits: CampaignLimits, createdAt: Date, now: Date): number {
  if (!limits.ramp) return Number.POSITIVE_INFINITY;
  const ageDays = Math.max(0, Math.floor((now.getTime() - createdAt.getTime()) / DAY_MS));
  if (ageDays >= limits.ramp.days) return Number.POSITIVE_INFINITY;
  return Math.floor(limits.ramp.startPerDay * limits.ramp.growth ** ageDays);
}

/** How many rows of this number to release now (≥ 0, an integer). */
export function releaseBudget(
  load: NumberLoad,
  limits: CampaignLimits,
  tickSeconds: number,
  now: Date,
): number {
  const throughput = Math.max(0, load.mps) * tickSeconds - load.backlog;
  const hourly = limits.hourlyCap === null ? Number.POSITIVE_INFINITY : limits.hourlyCap - load.sentLastHour;
  const reach = messagingLimitOf(load.messagingTier, load.messagingLimit) - load.uniqueRecipients24h;
  const ramp = rampAllowance(limits, load.createdAt, now) - load.sentLast24h;
  const budget = Math.min(throughput, hourly, reach, ramp);
  return Number.isFinite(budget) ? Math.max(0, Math.floor(budget)) : 0;
}
