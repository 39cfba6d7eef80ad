-- Analytics reads the recipients a workspace's campaigns released in a range of days (what campaigns earn).
CREATE INDEX campaign_recipients_released_idx ON campaign_recipients (workspace_id, queued_at)
  WHERE queued_at IS NOT NULL;
