-- Outbox lanes: per phone number, conversational messages (agent, API, automation) are claimed ahead of bulk
-- ones (campaigns, batch API), so a broadcast never queues ahead of a person's reply.
ALTER TABLE messages ADD COLUMN lane text NOT NULL DEFAULT 'conversational'
  CHECK (lane IN ('conversational', 'bulk'));
DROP INDEX messages_outbox_idx;
CREATE INDEX messages_outbox_idx ON messages (phone_number_id, (lane = 'bulk'), next_attempt_at, id)
  WHERE status IN ('queued', 'sending');
