import { Cron } from 'croner';

/** When a recurring job runs: a cron expression (5 fields, or 6 with seconds) read in an IANA time zone. */
export interface ScheduleTiming {
  cron: string;
  timeZone: string;
}

/** What the scheduler last stored for a schedule. */
export interface ScheduleState extends ScheduleTiming {
  nextRunAt: Date;
}

/**
 * The decision for one schedule at one tick: `run` is the period to run now (null: nothing is due), and
 * `nextRunAt` the instant to store as next due.
 */
export interface ScheduleDecision {
  run: Date | null;
  nextRunAt: Date;
}

/**
 * The first occurrence of `timing` strictly after `after`. Uses croner (cron expressions in a time zone, DST
 * handled: a 02:30 run on a spring-forward day runs once, at the first valid instant).
 */
export function nextOccurrence(timing: ScheduleTiming, after: Date): Date {
  const next = new Cron(timing.cron, { timezone: timing.timeZone, paused: true }).nextRun(after);
  if (!next) throw new Error(`cron "${timing.cron}" has no future occurrence`);
  return next;
}

/** Throws with a readable message when the expression or the zone is invalid (checked at registration). */
export function assertValidTiming(timing: ScheduleTiming): void {
  try {
    nextOccurrence(timing, new Date(0));
  } catch (err) {
    throw new Error(
      `invalid schedule "${timing.cron}" in ${timing.timeZone}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * Decides what a schedule does at `now`. A new schedule, or one whose timing changed, waits for its next
 * occurrence. A due schedule runs once for the period that was due (`state.nextRunAt`), however many periods
 * were missed while no scheduler ran — missed runs are caught up once, not replayed — and is next due at the
 * first occurrence after `now`.
 */
export function planSchedule(
  timing: ScheduleTiming,
  state: ScheduleState | null,
  now: Date,
): ScheduleDecision {
  if (!state || state.cron !== timing.cron || state.timeZone !== timing.timeZone) {
    return { run: null, nextRunAt: nextOccurrence(timing, now) };
  }
  if (state.nextRunAt.getTime() > now.getTime()) return { run: null, nextRunAt: state.nextRunAt };
  return { run: state.nextRunAt, nextRunAt: nextOccurrence(timing, now) };
}
