/**
 * Activity tiers of a contact, from its inbound messages (pure). "Activity" is an inbound message — a message the
 * customer sent — with `occurred_at` in the window `[now - window, now]`. Inbound messages rather than conversations
 * because a conversation here is the lasting thread of a contact with one of our numbers (one per number), so
 * "3 conversations in 7 days" could only mean three numbers; inbound messages also have a per-contact index.
 *
 * - `high`: 3 or more inbound messages in the last 7 days;
 * - `medium`: not high, and at least one in the last 30 days (1–2 in 30 days, and also 3 or more spread so that
 *   fewer than 3 fall in the last 7 days: more active than 1–2, not high);
 * - `low`: none in the last 90 days (never wrote included);
 * - none (`null`): the latest inbound message is 31–90 days old; also every contact merged into another.
 *
 * `contacts-activity.repository.ts` computes the same in one SQL statement over every contact, from these constants.
 */
import type { ActivityTier } from '../../db/types.ts';

const DAY_MS = 86_400_000;

/** The windows and threshold of the tiers. */
export const ACTIVITY_TIERS = {
  /** `high`: at least `highMinimum` inbound messages in this window. */
  highWindowMs: 7 * DAY_MS,
  highMinimum: 3,
  /** `medium`: at least one inbound message in this window (and not high). */
  mediumWindowMs: 30 * DAY_MS,
  /** `low`: no inbound message in this window. */
  lowWindowMs: 90 * DAY_MS,
} as const;

/** The tier of a contact whose inbound messages happened at `inboundAt`, at `now`. */
export function activityTierOf(inboundAt: readonly Date[], now: Date): ActivityTier | null {
  const t = now.getTime();
  const within = (ms: number) => inboundAt.filter((d) => d.getTime() <= t && d.getTime() >= t - ms).length;
  if (within(ACTIVITY_TIERS.highWindowMs) >= ACTIVITY_TIERS.highMinimum) return 'high';
  if (within(ACTIVITY_TIERS.mediumWindowMs) >= 1) return 'medium';
  if (within(ACTIVITY_TIERS.lowWindowMs) === 0) return 'low';
  return null;
}
