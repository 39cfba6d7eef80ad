import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Db } from '../db/types.ts';
import { publishEvents } from '../events.ts';
import { conversationEvent } from '../pipeline/inbound-apply.ts';

/** Statuses for wamids we never sent (another tool on the same number) are kept this long, then dropped. */
const PARKED_TTL_MS = 7 * 24 * 3600_000;
/** Processed webhook bodies are kept this long for replay and audits. */
export const JOURNAL_TTL_MS = 30 * 24 * 3600_000;

/**
 * The scheduler role's periodic work. Every step is idempotent and bounded, so several scheduler processes
 * may run it at once: wake snoozed conversations whose time came, and purge what has outlived its use
 * (expired sessions, old login attempts, stale parked statuses, old processed journal rows, finished jobs).
 */
export async function runMaintenance(deps: { db: Db; clock: Clock }): Promise<Record<string, number>> {
  const { db, clock } = deps;
  const now = clock.now();
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const counts: Record<string, number> = {};

  counts.unsnoozed = await db.transaction().execute(async (tx) => {
    const woken = await tx
      .updateTable('conversations')
      .set({ status: 'open', snoozed_until: null, updated_at: now })
      .where('status', '=', 'snoozed')
      .where('snoozed_until', '<=', now)
      .returning([
        'id',
        'workspace_id',
        'status',
        'assignee_id',
        'unread_count',
        'last_message_at',
        'last_message_preview',
      ])
      .execute();
    const events: RealtimeEvent[] = woken.map(conversationEvent);
    await publishEvents(tx, events);
    return woken.length;
  });
  const n = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  counts.sessions = n(await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst());
  counts.authThrottles = n(
    await db
      .deleteFrom('auth_throttles')
      .where('updated_at', '<', ago(24 * 3600_000))
      .where('next_allowed_at', '<', now)
      .executeTakeFirst(),
  );
  counts.passwordResets = n(
    await db
      .deleteFrom('password_resets')
      .where('expires_at', '<', ago(24 * 3600_000))
      .executeTakeFirst(),
  );
  counts.parkedStatuses = n(
    await db.deleteFrom('parked_statuses').where('received_at', '<', ago(PARKED_TTL_MS)).executeTakeFirst(),
  );
  counts.jobs = n(
    await db
      .deleteFrom('jobs')
      .where('status', 'in', ['done', 'failed'])
      .where('finished_at', '<', ago(7 * 24 * 3600_000))
      .executeTakeFirst(),
  );
  counts.webhookEvents = n(
    await db
      .deleteFrom('webhook_events')
      .where('processed_at', '<', ago(JOURNAL_TTL_MS))
      .where(
        'id',
        'not in',
        db
          .selectFrom('dead_letters')
          .select('webhook_event_id')
          .where('webhook_event_id', 'is not', null)
          .$narrowType<{ webhook_event_id: number }>(),
      )
      .executeTakeFirst(),
  );
  return counts;
}
