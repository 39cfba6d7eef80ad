-- Analytics: per-workspace settings, and rollups derived from facts (messages, the status history, conversations,
-- the activity log). Every rollup row can be recomputed from those facts (`tsunagi analytics rebuild`); the
-- incremental refresh replaces whole day buckets and whole conversations, never adds to a counter.

CREATE TABLE analytics_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  first_response_target_seconds integer NOT NULL DEFAULT 3600 CHECK (first_response_target_seconds > 0),
  sla_business_hours boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL
);

-- Outbound outcomes by the local day the message was sent (a cohort), and inbound counts, per number.
CREATE TABLE analytics_message_days (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  day date NOT NULL,
  phone_number_id uuid NOT NULL,
  sent integer NOT NULL,
  delivered integer NOT NULL,
  read integer NOT NULL,
  failed integer NOT NULL,
  replied integer NOT NULL,
  inbound integer NOT NULL,
  PRIMARY KEY (workspace_id, day, phone_number_id)
);

-- Failed outbound messages by Graph error code (null: none recorded), same days and numbers.
CREATE TABLE analytics_failure_days (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  day date NOT NULL,
  phone_number_id uuid NOT NULL,
  error_code integer,
  failed integer NOT NULL
);
CREATE INDEX analytics_failure_days_idx ON analytics_failure_days (workspace_id, day);

-- Customer messages by local day and local hour, per number (the heatmap).
CREATE TABLE analytics_inbound_hours (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  day date NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  phone_number_id uuid NOT NULL,
  inbound integer NOT NULL,
  PRIMARY KEY (workspace_id, day, phone_number_id, hour)
);

-- Service cases cut out of each conversation's history (see docs/metrics.md), with their durations in clock
-- and in business time (seconds).
CREATE TABLE analytics_cases (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  phone_number_id uuid NOT NULL,
  reopened boolean NOT NULL,
  started_at timestamptz NOT NULL,
  start_day date NOT NULL,
  agent_id uuid,
  first_response_seconds double precision,
  first_response_business_seconds double precision,
  first_any_response_seconds double precision,
  first_any_response_business_seconds double precision,
  turns integer NOT NULL,
  answered_turns integer NOT NULL,
  response_seconds_total double precision NOT NULL,
  response_business_seconds_total double precision NOT NULL,
  human_replies integer NOT NULL,
  bot_replies integer NOT NULL,
  resolved_at timestamptz,
  resolved_day date,
  resolution_seconds double precision,
  resolution_business_seconds double precision,
  PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX analytics_cases_start_idx ON analytics_cases (workspace_id, start_day);
CREATE INDEX analytics_cases_resolved_idx ON analytics_cases (workspace_id, resolved_day) WHERE resolved_day IS NOT NULL;
CREATE INDEX analytics_cases_open_idx ON analytics_cases (workspace_id, started_at) WHERE resolved_at IS NULL;

-- What the refresh must recompute: local days of a workspace, and conversations.
CREATE TABLE analytics_dirty_days (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  day date NOT NULL,
  PRIMARY KEY (workspace_id, day)
);
CREATE TABLE analytics_dirty_conversations (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id)
);
-- Up to when the refresh has scanned new messages and activities (facts recorded without a domain event).
CREATE TABLE analytics_watermarks (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  scanned_until timestamptz NOT NULL
);

-- Day-bucket recomputation and the watermark scan read facts by time within a workspace.
CREATE INDEX messages_workspace_occurred_idx ON messages (workspace_id, occurred_at);
CREATE INDEX messages_workspace_created_idx ON messages (workspace_id, created_at);
CREATE INDEX conversation_activities_workspace_created_idx ON conversation_activities (workspace_id, created_at);
