import { sql } from 'kysely';
import { newId } from '../../lib/ids.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Db, DbOrTx } from '../db/types.ts';
import { JOB_PAYLOADS, type JobName, type JobPayload } from './job-catalog.schemas.ts';

/**
 * A Postgres job queue: rows in `jobs`, enqueued inside the caller's transaction (so a job exists iff the state
 * change that asked for it committed), claimed with `FOR UPDATE SKIP LOCKED` by any number of workers, retried
 * with exponential backoff. Written here rather than taken from pg-boss because it must run on PGlite and share
 * the caller's Kysely transaction; it is ~150 lines.
 */
export interface JobDefinition<N extends JobName> {
  /** One of the catalog's names; the payload schema is the catalog's (job-catalog.schemas.ts). */
  name: N;
  /** Runs the job. Must be idempotent: a crash after the work and before the commit runs it again. */
  handle(
    payload: JobPayload<N>,
    ctx: { attempt: number; jobId: string; workspaceId: string | null },
  ): Promise<void>;
  /**
   * Runs several due jobs of this name and one workspace at once, when a claim takes more than one: for listener
   * jobs whose payloads add up (the message ids of many publishes), so a backlog is worked off in a few runs, not
   * one run per publish. Idempotent like `handle`. If it fails, each of the jobs runs alone through `handle` (its
   * own attempts and backoff).
   */
  handleMany?(payloads: JobPayload<N>[], ctx: { workspaceId: string | null }): Promise<void>;
  maxAttempts?: number;
  /** Backoff before retry `attempt` (1-based), in ms. Default: 1 s · 2^(attempt-1), at most 10 min. */
  backoffMs?: (attempt: number) => number;
  /**
   * How long a started run may take before another worker may take the job again (its worker counts as dead).
   * Default 5 min. A short lease brings a job back soon after a crash; it must cover a live run (or the job must
   * be safe to run twice at once).
   */
  leaseSeconds?: number;
}

/** Default lease of a started job. */
const RUN_LEASE_SECONDS = 300;
/**
 * Lease of a claimed job not yet started: one claim takes several jobs and runs them one after the other, so a
 * worker that dies gives back the ones it had not started after this, not after their run lease.
 */
const CLAIM_LEASE_SECONDS = 30;

export interface EnqueueOptions {
  workspaceId?: string | null;
  /** Jobs with the same (name, dedupeKey) are enqueued once while the first exists. */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Inserts a job in `db` (pass the caller's transaction). The payload is checked against the catalog's schema
 * here, so a malformed job fails where it is made, not later in a worker.
 */
export async function enqueueJob<N extends JobName>(
  db: DbOrTx,
  clock: Clock,
  name: N,
  payload: JobPayload<N>,
  opts: EnqueueOptions = {},
): Promise<void> {
  JOB_PAYLOADS[name].parse(payload);
  await db
    .insertInto('jobs')
    .values({
      id: newId(),
      workspace_id: opts.workspaceId ?? null,
      name,
      payload: JSON.stringify(payload),
      dedupe_key: opts.dedupeKey ?? null,
      run_at: opts.runAt ?? clock.now(),
      max_attempts: opts.maxAttempts ?? 10,
      created_at: clock.now(),
    })
    .onConflict((oc) => oc.columns(['name', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .execute();
}

/** One job of a batch for `enqueueJobs`. */
export interface BatchJob<N extends JobName> {
  payload: JobPayload<N>;
  workspaceId: string | null;
  dedupeKey?: string;
  runAt?: Date;
}

/**
 * Inserts many jobs of one name in one statement (whole columns as array parameters), in the caller's
 * transaction; payloads are checked against the catalog like `enqueueJob`. For paths that enqueue per item of a
 * batch (ingest, domain events).
 */
export async function enqueueJobs<N extends JobName>(
  db: DbOrTx,
  clock: Clock,
  name: N,
  jobs: BatchJob<N>[],
  opts: { maxAttempts?: number } = {},
): Promise<void> {
  if (jobs.length === 0) return;
  for (const j of jobs) JOB_PAYLOADS[name].parse(j.payload);
  const now = clock.now();
  await sql`
    insert into jobs (id, workspace_id, name, payload, dedupe_key, run_at, max_attempts, created_at)
    select t.id, t.workspace_id, ${name}, t.payload::jsonb, t.dedupe_key, t.run_at, ${opts.maxAttempts ?? 10}, ${now}::timestamptz
    from unnest(${jobs.map(() => newId())}::uuid[], ${jobs.map((j) => j.workspaceId)}::uuid[],
      ${jobs.map((j) => JSON.stringify(j.payload))}::text[], ${jobs.map((j) => j.dedupeKey ?? null)}::text[],
      ${jobs.map((j) => j.runAt ?? now)}::timestamptz[]) as t(id, workspace_id, payload, dedupe_key, run_at)
    on conflict (name, dedupe_key) where dedupe_key is not null do nothing`.execute(db);
}

type AnyJob = JobDefinition<JobName>;

/** A job row as a claim returns it. */
interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  workspace_id: string | null;
  run_at: Date;
}

/** Runs registered jobs. `drain()` processes everything due now (tests); `runOnce()` one batch (the loop). */
export class JobRunner {
  private readonly handlers = new Map<string, AnyJob>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly workerId: string,
    private readonly onError: (err: unknown, job: { id: string; name: string }) => void = () => undefined,
  ) {}

  register<N extends JobName>(def: JobDefinition<N>): void {
    this.handlers.set(def.name, def as unknown as AnyJob);
  }

  /**
   * Claims up to `limit` due jobs and runs them. Returns how many ran. `only` restricts the claim to some job
   * names: a loop of its own for jobs that must not wait behind a backlog of others (campaign release).
   */
  async runOnce(limit = 20, only?: readonly JobName[]): Promise<number> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_SECONDS * 1000);
    const names = [...this.handlers.keys()].filter((n) => !only || only.includes(n as JobName));
    if (names.length === 0) return 0;
    const claimed = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_until: leaseUntil,
        locked_by: this.workerId,
        attempts: eb('attempts', '+', 1),
      }))
      .where(
        'id',
        'in',
        this.db
          .selectFrom('jobs')
          .select('id')
          .where('name', 'in', names)
          .where((eb) =>
            eb.or([
              eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
              // A job whose worker died mid-run: its lease ran out.
              eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
            ]),
          )
          .orderBy('run_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    // UPDATE … RETURNING gives no order: run them in the order they were due.
    claimed.sort((x, y) => x.run_at.getTime() - y.run_at.getTime() || (x.id < y.id ? -1 : 1));
    // Jobs of a name with `handleMany` and one workspace run together, at the place of the first of them.
    const runs: ClaimedJob[][] = [];
    const together = new Map<string, ClaimedJob[]>();
    for (const job of claimed) {
      const key = this.handlers.get(job.name)?.handleMany ? `${job.name}|${job.workspace_id}` : null;
      const group = key ? together.get(key) : undefined;
      if (group) group.push(job);
      else {
        runs.push([job]);
        if (key) together.set(key, runs[runs.length - 1] as ClaimedJob[]);
      }
    }
    let ran = 0;
    for (const run of runs) {
      const started = await this.start(run);
      if (started.length > 1) await this.runTogether(started);
      else for (const job of started) await this.runJob(job);
      ran += started.length;
    }
    return ran;
  }

  /**
   * Runs started jobs of one name and workspace through `handleMany`, marking them done together; when it fails,
   * each runs alone.
   */
  private async runTogether(jobs: ClaimedJob[]): Promise<void> {
    const first = jobs[0] as ClaimedJob;
    const def = this.handlers.get(first.name);
    if (!def?.handleMany) return;
    try {
      const payloads = jobs.map((j) => JOB_PAYLOADS[def.name].parse(j.payload) as JobPayload<JobName>);
      await def.handleMany(payloads, { workspaceId: first.workspace_id });
      await this.markDone(jobs);
    } catch (err) {
      this.onError(err, first);
      for (const job of jobs) await this.runJob(job);
    }
  }

  /** Runs jobs until none is due at the current clock time. */
  async drain(maxRounds = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await this.runOnce();
      total += n;
      if (n === 0) break;
    }
    return total;
  }

  /**
   * Starts claimed jobs of one name: their lease becomes the run lease, for those whose claim this worker still
   * holds (a claim that waited past its lease behind slower jobs may have been taken by another worker: then it is
   * theirs). Returns the jobs started, in the order given.
   */
  private async start(jobs: ClaimedJob[]): Promise<ClaimedJob[]> {
    const lease = this.handlers.get((jobs[0] as ClaimedJob).name)?.leaseSeconds ?? RUN_LEASE_SECONDS;
    const held = await this.db
      .updateTable('jobs')
      .set({ locked_until: new Date(this.clock.nowMs() + lease * 1000) })
      .where(
        'id',
        'in',
        jobs.map((j) => j.id),
      )
      .where('status', '=', 'running')
      .where('locked_by', '=', this.workerId)
      .returning('id')
      .execute();
    const ids = new Set(held.map((r) => r.id));
    return jobs.filter((j) => ids.has(j.id));
  }

  /** Marks finished jobs done. */
  private async markDone(jobs: ClaimedJob[]): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'done', finished_at: this.clock.now(), locked_until: null })
      .where(
        'id',
        'in',
        jobs.map((j) => j.id),
      )
      .execute();
  }

  private async runJob(job: ClaimedJob): Promise<void> {
    const def = this.handlers.get(job.name);
    if (!def) return;
    try {
      const payload = JOB_PAYLOADS[def.name].parse(job.payload) as JobPayload<JobName>;
      await def.handle(payload, { attempt: job.attempts, jobId: job.id, workspaceId: job.workspace_id });
      await this.markDone([job]);
    } catch (err) {
      this.onError(err, job);
      const message = err instanceof Error ? err.message : String(err);
      const exhausted = job.attempts >= (def.maxAttempts ?? job.max_attempts);
      const delay = (def.backoffMs ?? defaultBackoff)(job.attempts);
      await this.db
        .updateTable('jobs')
        .set({
          status: exhausted ? 'failed' : 'pending',
          last_error: message.slice(0, 2000),
          run_at: new Date(this.clock.nowMs() + delay),
          locked_until: null,
          finished_at: exhausted ? this.clock.now() : null,
        })
        .where('id', '=', job.id)
        .execute();
    }
  }
}

function defaultBackoff(attempt: number): number {
  return Math.min(600_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** Count of jobs waiting (for /metrics). */
export async function pendingJobCount(db: DbOrTx): Promise<number> {
  const row = await sql<{
    n: number;
  }>`select count(*)::int as n from jobs where status in ('pending','running')`
    .execute(db)
    .then((r) => r.rows[0]);
  return row?.n ?? 0;
}
