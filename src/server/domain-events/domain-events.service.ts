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
   * Batched delivery: the wanted events of one publish (one ingest batch, one release tick) become one job per
   * workspace, whose payload this builds from their per-event payloads — for listeners whose work per event is
   * small and set-based (marking rollups dirty, matching keywords), where one job per event would cost more in
   * queue traffic than the work itself. The handler stays idempotent per event.
   */
  batch?(payloads: JobPayload<N>[]): JobPayload<N>;
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
      const delivered = jobs.filter((j) => !allowed || allowed.has(j.e.workspaceId));
      await enqueueJobs(
        tx,
        clock,
        listener.job,
        listener.batch
          ? batchedJobs(listener, delivered)
          : delivered.map((j) => ({
              payload: j.payload as JobPayload<JobName>,
              workspaceId: j.e.workspaceId,
              dedupeKey: `${listener.name}:${j.e.type}:${j.e.key}`,
            })),
        { maxAttempts: listener.maxAttempts },
      );
    }
  }
}

/** Events per batched job: bounds a job's payload and the work one attempt redoes after a failure. */
const MAX_EVENTS_PER_BATCH_JOB = 1000;

/**
 * One job per workspace (and per 1,000 events) for a batched listener. The dedupe key names the first and last
 * event of the chunk and its size, so a publish is delivered once while distinct publishes never collide.
 */
function batchedJobs(
  listener: DomainEventListener,
  jobs: Array<{ e: AnyDomainEvent; payload: JobPayload<JobName> | null }>,
): Array<{ payload: JobPayload<JobName>; workspaceId: string; dedupeKey: string }> {
  const byWorkspace = new Map<string, typeof jobs>();
  for (const j of jobs) {
    const list = byWorkspace.get(j.e.workspaceId);
    if (list) list.push(j);
    else byWorkspace.set(j.e.workspaceId, [j]);
  }
  const out: Array<{ payload: JobPayload<JobName>; workspaceId: string; dedupeKey: string }> = [];
  for (const [workspaceId, list] of byWorkspace)
    for (let i = 0; i < list.length; i += MAX_EVENTS_PER_BATCH_JOB) {
      const chunk = list.slice(i, i + MAX_EVENTS_PER_BATCH_JOB);
      const first = chunk[0] as (typeof chunk)[number];
      const last = chunk[chunk.length - 1] as (typeof chunk)[number];
      out.push({
        payload: (listener.batch as (p: JobPayload<JobName>[]) => JobPayload<JobName>)(
          chunk.map((j) => j.payload as JobPayload<JobName>),
        ),
        workspaceId,
        dedupeKey: `${listener.name}:batch:${first.e.type}:${first.e.key}:${last.e.type}:${last.e.key}:${chunk.length}`,
      });
    }
  return out;
}
