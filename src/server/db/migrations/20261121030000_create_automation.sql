-- Automation: a workspace's configuration (business hours, welcome/away, keyword rules, menus, routing,
-- assignment) is one document, versioned as a whole: saving writes a new version, rolling back activates an
-- old one as a new version. The engine's decisions are recorded per inbound message (idempotency, the log on
-- the conversation, insight), every automatic reply is recorded (loop guard, layered answers).

CREATE TABLE automation_configs (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  version integer NOT NULL,
  config jsonb NOT NULL,
  author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  note text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, version)
);

CREATE TABLE automation_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  enabled boolean NOT NULL DEFAULT true,
  active_version integer NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE automation_runs (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  config_version integer,
  decision text NOT NULL,
  rule_id text,
  keyword text,
  reason text,
  normalized_text text,
  created_at timestamptz NOT NULL
);
-- One decision per inbound message: a job that runs twice finds its run and does nothing.
CREATE UNIQUE INDEX automation_runs_message_key ON automation_runs (message_id);
CREATE INDEX automation_runs_workspace_idx ON automation_runs (workspace_id, created_at DESC);

CREATE TABLE automation_replies (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  run_id uuid NOT NULL REFERENCES automation_runs(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('rule', 'welcome', 'away', 'menu', 'handoff', 'fallback')),
  rule_id text,
  layer text,
  content jsonb NOT NULL,
  due_at timestamptz NOT NULL,
  message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
  outcome text,
  created_at timestamptz NOT NULL
);
CREATE INDEX automation_replies_conversation_idx ON automation_replies (conversation_id, created_at DESC);

ALTER TABLE conversations ADD COLUMN automation_paused_at timestamptz;
ALTER TABLE conversations ADD COLUMN automation_paused_reason text;
-- The menu the customer was last shown (their next message may be an answer to it).
ALTER TABLE conversations ADD COLUMN menu_state jsonb;
-- When the assignee last opened the conversation (the unread timeout reassigns if they did not).
ALTER TABLE conversations ADD COLUMN assignee_read_at timestamptz;
ALTER TABLE conversations ADD COLUMN assigned_at timestamptz;

-- Agent presence and load for auto-assignment.
ALTER TABLE memberships ADD COLUMN availability text NOT NULL DEFAULT 'offline'
  CHECK (availability IN ('online', 'away', 'offline'));
ALTER TABLE memberships ADD COLUMN last_seen_at timestamptz;
ALTER TABLE memberships ADD COLUMN capacity integer NOT NULL DEFAULT 10 CHECK (capacity >= 0);
ALTER TABLE team_members ADD COLUMN last_assigned_at timestamptz;

-- What a contact did (order_placed, coupon_used, …), recorded by integrations; conditions and segments read it.
CREATE TABLE contact_events (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  name text NOT NULL,
  occurred_at timestamptz NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL
);
CREATE INDEX contact_events_contact_idx ON contact_events (contact_id, occurred_at DESC);
