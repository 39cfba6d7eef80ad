import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { updateActivityTiers } from './contacts-activity.repository.ts';

/** What the activity tier refresh uses. */
export interface ContactsActivityDeps {
  db: Db;
  clock: Clock;
}

/** Recomputes every contact's activity tier at the clock's now; returns how many tiers changed. */
export async function refreshActivityTiers(deps: ContactsActivityDeps): Promise<number> {
  return updateActivityTiers(deps.db, deps.clock.now());
}
