-- Template management: the cache keeps Meta's template id, parameter format, quality score and rejection
-- reason (new nullable columns; the existing ones are unchanged, campaigns read them), and template_events
-- records each status, quality and category change from webhooks and syncs (the console's alerts).
ALTER TABLE message_templates ADD COLUMN template_id text;
ALTER TABLE message_templates ADD COLUMN parameter_format text;
ALTER TABLE message_templates ADD COLUMN quality_score text;
ALTER TABLE message_templates ADD COLUMN rejected_reason text;
CREATE INDEX message_templates_template_id ON message_templates (workspace_id, template_id);

CREATE TABLE template_events (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  waba_id text NOT NULL,
  template_id text,
  name text NOT NULL,
  language text NOT NULL,
  -- status | quality | category | edited
  kind text NOT NULL,
  value text NOT NULL,
  previous text,
  reason text,
  alert boolean NOT NULL,
  occurred_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by uuid
);
CREATE INDEX template_events_open_alerts ON template_events (workspace_id, occurred_at DESC)
  WHERE alert AND acknowledged_at IS NULL;
CREATE INDEX template_events_template ON template_events (workspace_id, waba_id, name, language, occurred_at DESC);
