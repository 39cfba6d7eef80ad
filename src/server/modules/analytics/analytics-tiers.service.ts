/**
 * Activity tiers (docs/metrics.md § Audience). The present's are counted by the minute's analytics refresh (a read
 * counts them itself when the kept count is over two minutes old): counting groups every conversation by contact.
 * Those at past instants are computed from the message history once and kept while the workspace's tier epoch
 * stands: a dashboard range's first instant is the same all day, and computing it reads every contact's latest
 * customer message before it. Instants less than an hour old are computed each time.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { workspaceTimeZone } from './analytics-rollup.repository.ts';
import { addDays, dayStart, localDate } from './analytics-time.rules.ts';
import {
  contactsByTier,
  contactsByTierAt,
  keepTiersNow,
  keptTiersNow,
  snapshotTiersAt,
  validTierSnapshot,
  type TierCounts,
} from './analytics-tiers.repository.ts';
import { PRESET_DAYS, tierThresholds, tiersKeepable } from './audience.rules.ts';

/** What the tiers need. */
export interface AnalyticsTiersDeps {
  db: Db;
  clock: Clock;
}

/** How old the kept tiers of the present may be when read (the refresh counts them every minute). */
export const TIERS_NOW_MAX_AGE_MS = 120_000;

/** Counts the tiers of the present and keeps them. */
async function countTiersNow(
  deps: AnalyticsTiersDeps,
  workspaceId: string,
): Promise<{ at: Date; counts: TierCounts }> {
  const at = deps.clock.now();
  const counts = await contactsByTier(deps.db, workspaceId, tierThresholds(at));
  await keepTiersNow(deps.db, workspaceId, at, counts);
  return { at, counts };
}

/** The tiers of the present, as of `at` (at most two minutes ago). */
export async function tiersNow(
  deps: AnalyticsTiersDeps,
  workspaceId: string,
): Promise<{ at: Date; counts: TierCounts }> {
  const kept = await keptTiersNow(deps.db, workspaceId);
  const now = deps.clock.now();
  if (kept && kept.at <= now && now.getTime() - kept.at.getTime() <= TIERS_NOW_MAX_AGE_MS) return kept;
  return countTiersNow(deps, workspaceId);
}

/** Contacts per activity tier at `at` (at most now): kept tiers when they hold, else computed (and kept if old enough). */
export async function tiersAt(deps: AnalyticsTiersDeps, workspaceId: string, at: Date): Promise<TierCounts> {
  const now = deps.clock.now();
  if (!tiersKeepable(at, now)) return contactsByTierAt(deps.db, workspaceId, at);
  return (
    (await validTierSnapshot(deps.db, workspaceId, at)) ??
    (await snapshotTiersAt(deps.db, workspaceId, at, now))
  );
}

/**
 * Run by the analytics refresh every minute: counts the tiers of the present, and keeps those at the first instants
 * of the dashboard's presets (the last 7, 30 and 90 local days) so the first dashboard of the day does not compute
 * them (a lookup each once kept).
 */
export async function keepTiers(deps: AnalyticsTiersDeps, workspaceId: string): Promise<void> {
  await countTiersNow(deps, workspaceId);
  const now = deps.clock.now();
  const timeZone = await workspaceTimeZone(deps.db, workspaceId);
  const today = localDate(now, timeZone);
  for (const days of PRESET_DAYS) {
    const at = dayStart(addDays(today, 1 - days), timeZone);
    if (tiersKeepable(at, now)) await tiersAt(deps, workspaceId, at);
  }
}
