-- The ingest workers' read of the webhook journal (src/server/pipeline/ingest.ts, `pendingRows`): the oldest
-- unprocessed rows, in id order, optionally claimed (FOR UPDATE SKIP LOCKED); and the ingest backlog /metrics reports
-- (src/server/pipeline/journal.ts, `ingestBacklog`).
--
-- Processing a row sets processed_at, which leaves its entry in webhook_events_pending_idx pointing at a dead row
-- version until VACUUM removes it, or until an index scan that meets the dead version marks the entry killed (later
-- scans step over killed entries without visiting the table). A bitmap scan never marks entries: it reads every one,
-- and visits every dead row, each time. The planner, which expects a handful of unprocessed rows, chose exactly that
-- (a bitmap scan, then a sort by id) for most reads: measured on PostgreSQL 15 at 1,000 webhooks a second, each read
-- went through 8,000–16,000 entries of rows already processed, taking 2–4 ms (up to 50 ms) to return ~50 rows, and
-- the number grew until a vacuum (the backlog count for /metrics: 18 ms). The planner's guess, not the data, picks
-- the bitmap scan: without statistics (a new database; a server whose autovacuum is off, as on the benchmark
-- machine) it guesses a few dozen unprocessed rows in a journal of a few thousand to ~20,000 rows. Inside these
-- functions the planner may use only the index's own order, and each read marks the dead entries it steps over, so
-- the next read skips them. A sequential scan is ruled out too: a
-- journal kept for replay is large, and a stale estimate must not turn a read of 50 rows into a read of the table.
CREATE FUNCTION tsunagi_pending_webhook_events(p_now timestamptz, p_limit integer, p_claim boolean)
  RETURNS SETOF webhook_events
  LANGUAGE plpgsql
  SET enable_bitmapscan = off
  SET enable_seqscan = off
  AS $$
  BEGIN
    IF p_claim THEN
      RETURN QUERY
        SELECT * FROM webhook_events
        WHERE processed_at IS NULL AND (locked_until IS NULL OR locked_until < p_now)
        ORDER BY id LIMIT p_limit
        FOR UPDATE SKIP LOCKED;
    ELSE
      RETURN QUERY
        SELECT * FROM webhook_events
        WHERE processed_at IS NULL AND (locked_until IS NULL OR locked_until < p_now)
        ORDER BY id LIMIT p_limit;
    END IF;
  END
  $$;

-- How many journal rows are not processed yet, and when the oldest of them arrived (rows backing off after a failure
-- included). Read in index order for the same reason.
CREATE FUNCTION tsunagi_webhook_backlog(OUT pending bigint, OUT oldest timestamptz)
  LANGUAGE sql STABLE
  SET enable_bitmapscan = off
  SET enable_seqscan = off
  AS $$
    SELECT count(*), min(received_at) FROM webhook_events WHERE processed_at IS NULL
  $$;
