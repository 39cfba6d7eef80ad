/**
 * Who the contacts are (pure): activity tiers by a contact's latest customer message, and the opt-out and
 * unreachable-number rates. Definitions: docs/metrics.md § Audience.
 */
import type { ActivityTier } from '../../../contracts/analytics.schemas.ts';
import { rate } from './message-outcome.rules.ts';

const DAY_MS = 86_400_000;

/** A contact is `active` when its latest customer message is at most this many days old… */
export const ACTIVE_DAYS = 30;
/** …`lapsing` when at most this many, `dormant` when older, `never` when it never wrote. */
export const LAPSING_DAYS = 90;

/** Tiers in display order. */
export const TIERS: readonly ActivityTier[] = ['active', 'lapsing', 'dormant', 'never'];

/** The instants that separate the tiers at `now`: active since `activeSince`, lapsing since `lapsingSince`. */
export function tierThresholds(now: Date): { activeSince: Date; lapsingSince: Date } {
  return {
    activeSince: new Date(now.getTime() - ACTIVE_DAYS * DAY_MS),
    lapsingSince: new Date(now.getTime() - LAPSING_DAYS * DAY_MS),
  };
}

/** The tier of a contact whose latest customer message was at `lastInboundAt` (null: never), at `now`. */
export function activityTier(lastInboundAt: Date | null, now: Date): ActivityTier {
  if (!lastInboundAt) return 'never';
  const t = tierThresholds(now);
  if (lastInboundAt >= t.activeSince) return 'active';
  if (lastInboundAt >= t.lapsingSince) return 'lapsing';
  return 'dormant';
}

/**
 * A customer message that reaches Tsunagi more than this long after it happened is late: it may change tiers at
 * instants already kept, so it moves the workspace's tier epoch on. Tiers are kept only for instants at least this
 * far in the past, so every message that could change a kept snapshot is a late one.
 */
export const LATE_MESSAGE_MS = 3_600_000;

/** Whether the tiers at `at` may be kept (computed once, reused until the tier epoch moves). */
export function tiersKeepable(at: Date, now: Date): boolean {
  return at.getTime() <= now.getTime() - LATE_MESSAGE_MS;
}

/** Whether a customer message that happened at `occurredAt`, seen at `now`, may change kept tiers. */
export function isLateMessage(occurredAt: Date, now: Date): boolean {
  return occurredAt.getTime() < now.getTime() - LATE_MESSAGE_MS;
}

/** The dashboard's presets (the last 7, 30 or 90 local days): their first days are where tiers are kept ahead. */
export const PRESET_DAYS: readonly number[] = [7, 30, 90];

/** Opt-out rate: contacts opted in to marketing at the range's start who opted out in it, over those opted in. */
export function optOutRate(optedOut: number, base: number): number | null {
  return rate(optedOut, base);
}

/** Unreachable-number rate: sent messages that failed with 131026 (undeliverable), over sent messages. */
export function unreachableRate(failed131026: number, sent: number): number | null {
  return rate(failed131026, sent);
}

/** The Graph error code of an undeliverable number (not on WhatsApp, or cannot receive this message). */
export const UNREACHABLE_CODE = 131026;
