-- The claim query orders a number's due messages by lane, then `next_attempt_at NULLS FIRST`, then id. The outbox
-- index kept `next_attempt_at` in the default order (nulls last), so every claim read and sorted all of the
-- number's queued rows (~36 ms per claim with 10,000 queued). In the claim's order, a claim reads only the rows
-- it takes, and "does this number have anything due?" stops at its first row.
DROP INDEX messages_outbox_idx;
CREATE INDEX messages_outbox_idx ON messages (phone_number_id, (lane = 'bulk'), next_attempt_at NULLS FIRST, id)
  WHERE status IN ('queued', 'sending');
