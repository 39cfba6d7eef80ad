import type { Clock } from '../../lib/clock.ts';
import type { DbOrTx } from '../db/types.ts';
import type { JobName, JobPayload } from '../jobs/job-catalog.schemas.ts';
import { enqueueJobs } from '../jobs/queue.ts';
import type { AnyDomainEvent, DomainEvent, DomainEventType } from './domain-events.schemas.ts';

/**
 * A module's interest in domain events: which types it listens to, and the job (from the job catalog) each
 * event becomes. The job is the delivery: enqueued in the transaction that made the change, run at least once by
 * any worker, so the handler must be idempotent (jobs are deduplicated per listener and event key).
 */
export interface DomainEventListener<
  T extends DomainEventType = DomainEventType,
  N extends JobName = JobName,
> {
  /** Stable name; part of the delivery's dedupe key. */
  name: string;
  on: readonly T[];
  job: N;
  /** The job payload for an event, or null when this listener does not want it (a cheap, pure filter). */
  payload(event: DomainEvent<T>): JobPayload<N> | null;
  /**
   * Which of these workspaces want deliveries now (e.g. those with automation on) — one query per published
   * batch; omitted means all.
   */
  workspaces?(db: DbOrTx, workspaceIds: string[]): Promise<Set<string>>;
  maxAttempts?: number;
}

/** Declares a listener with its types checked against the event and job catalogs. */
export function defineListener<T extends DomainEventType, N extends JobName>(
  listener: DomainEventListener<T, N>,
): DomainEventListener<T, N> {
  return listener;
}

/**
 * Publishes domain events inside the caller's transaction: each registered listener that wants an event gets one
 * job for it. Set-based (one insert per listener per batch), and free when no listener wants the type.
 */
export class DomainEvents {
  constructor(private readonly listeners: readonly DomainEventListener[]) {}

  async publish(tx: DbOrTx, clock: Clock, events: AnyDomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      const wanted = events.filter((e) => (listener.on as readonly string[]).includes(e.type));
      if (wanted.length === 0) continue;
      const jobs = wanted
        .map((e) => ({ e, payload: listener.payload(e as DomainEvent) }))
        .filter((j) => j.payload !== null);
      if (jobs.length === 0) continue;
      const allowed = listener.workspaces
        ? await listener.workspaces(tx, [...new Set(jobs.map((j) => j.e.workspaceId))])
        : null;
      await enqueueJobs(
        tx,
        clock,
        listener.job,
        jobs
          .filter((j) => !allowed || allowed.has(j.e.workspaceId))
          .map((j) => ({
            payload: j.payload as JobPayload<JobName>,
            workspaceId: j.e.workspaceId,
            dedupeKey: `${listener.name}:${j.e.type}:${j.e.key}`,
          })),
        { maxAttempts: listener.maxAttempts },
      );
    }
  }
}
