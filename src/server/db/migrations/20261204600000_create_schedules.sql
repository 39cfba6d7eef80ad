-- Recurring jobs (the scheduler role): one row per registered schedule, holding the next instant it is due.
-- The leader (whoever holds the scheduler's advisory lock for a tick) enqueues the due period's job, with a
-- dedupe key naming the period, and moves next_run_at on: one run per period across any number of processes.
CREATE TABLE schedules (
  name text PRIMARY KEY,
  cron text NOT NULL,
  time_zone text NOT NULL,
  next_run_at timestamptz NOT NULL,
  last_run_at timestamptz,
  updated_at timestamptz NOT NULL
);
