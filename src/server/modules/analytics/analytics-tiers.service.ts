/**
 * Activity tiers at past instants (docs/metrics.md § Audience), computed from the message history once and kept
 * while the workspace's tier epoch stands: a dashboard range's first instant is the same all day, and computing it
 * reads every contact's latest customer message before it. Instants less than an hour old are computed each time.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { workspaceTimeZone } from './analytics-rollup.repository.ts';
import { addDays, dayStart, localDate } from './analytics-time.rules.ts';
import {
  contactsByTierAt,
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

/** Contacts per activity tier at `at` (at most now): kept tiers when they hold, else computed (and kept if old enough). */
export async function tiersAt(deps: AnalyticsTiersDeps, workspaceId: string, at: Date): Promise<TierCounts> {
  const now = deps.clock.now();
  if (!tiersKeepable(at, now)) return contactsByTierAt(deps.db, workspaceId, at, tierThresholds(at));
  return (
    (await validTierSnapshot(deps.db, workspaceId, at)) ??
    (await snapshotTiersAt(deps.db, workspaceId, at, tierThresholds(at), now))
  );
}

/**
 * Keeps the tiers at the first instants of the dashboard's presets (the last 7, 30 and 90 local days), so the first
 * dashboard of the day does not compute them. Run by the analytics refresh every minute: a lookup each when kept.
 */
export async function keepPresetTiers(deps: AnalyticsTiersDeps, workspaceId: string): Promise<void> {
  const now = deps.clock.now();
  const timeZone = await workspaceTimeZone(deps.db, workspaceId);
  const today = localDate(now, timeZone);
  for (const days of PRESET_DAYS) {
    const at = dayStart(addDays(today, 1 - days), timeZone);
    if (tiersKeepable(at, now)) await tiersAt(deps, workspaceId, at);
  }
}
