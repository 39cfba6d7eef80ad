import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Principal } from '../auth/principal.rules.ts';

/** An agent's availability in a workspace: online agents get automatic assignments. */
export type Availability = 'online' | 'away' | 'offline';

/**
 * Records the signed-in user's availability in the principal's workspace (the console's heartbeat), with the
 * time it was seen. API keys have no presence.
 */
export async function setPresence(
  deps: { db: Db; clock: Clock },
  p: Principal,
  availability: Availability,
): Promise<{ availability: Availability; lastSeenAt: string }> {
  if (!p.userId) throw new AppError('forbidden', 'Presence belongs to a signed-in user');
  const now = deps.clock.now();
  await deps.db
    .updateTable('memberships')
    .set({ availability, last_seen_at: now })
    .where('workspace_id', '=', p.workspaceId)
    .where('user_id', '=', p.userId)
    .execute();
  return { availability, lastSeenAt: now.toISOString() };
}
