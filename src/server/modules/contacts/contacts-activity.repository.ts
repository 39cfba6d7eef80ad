/**
 * SQL of activity tiers: one statement recomputes `contacts.activity_tier` of every contact of every workspace
 * (the rules are in contacts-activity.rules.ts) and writes only the rows whose tier changes.
 */
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/types.ts';
import { ACTIVITY_TIERS } from './contacts-activity.rules.ts';

/**
 * Sets every contact's tier as of `now`; returns how many rows changed. One pass over the inbound messages of the
 * last 90 days (grouped per contact) joined to every contact; merged contacts get no tier.
 */
export async function updateActivityTiers(db: DbOrTx, now: Date): Promise<number> {
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const res = await sql`
    WITH counts AS (
      SELECT m.contact_id,
        count(*) FILTER (WHERE m.occurred_at >= ${since(ACTIVITY_TIERS.highWindowMs)}::timestamptz) AS high_n,
        count(*) FILTER (WHERE m.occurred_at >= ${since(ACTIVITY_TIERS.mediumWindowMs)}::timestamptz) AS medium_n
      FROM messages m
      WHERE m.direction = 'inbound'
        AND m.occurred_at >= ${since(ACTIVITY_TIERS.lowWindowMs)}::timestamptz
        AND m.occurred_at <= ${now.toISOString()}::timestamptz
      GROUP BY m.contact_id
    ), tiers AS (
      SELECT x.id, CASE
          WHEN x.merged_into_id IS NOT NULL THEN NULL
          WHEN k.high_n >= ${ACTIVITY_TIERS.highMinimum} THEN 'high'
          WHEN k.medium_n >= 1 THEN 'medium'
          WHEN k.contact_id IS NULL THEN 'low'
        END AS tier
      FROM contacts x LEFT JOIN counts k ON k.contact_id = x.id
    )
    UPDATE contacts c SET activity_tier = t.tier
    FROM tiers t
    WHERE c.id = t.id AND c.activity_tier IS DISTINCT FROM t.tier`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
