-- Topics analyse the latest customer messages of a range, newest first (analytics-insights.repository.ts,
-- `latestInboundTexts`): walking this index backwards from the range's end reads about as many rows as the sample
-- holds. Through (workspace_id, occurred_at) PostgreSQL read every message of the range (outbound too) and sorted
-- them: ~1 s at 1,000,000 messages.
CREATE INDEX messages_inbound_recent_idx ON messages (workspace_id, occurred_at DESC, id DESC)
  WHERE direction = 'inbound';
