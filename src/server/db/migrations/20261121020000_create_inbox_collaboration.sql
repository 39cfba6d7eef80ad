-- The shared inbox's collaboration tables: teams, contact tags and notes, conversation activity (internal notes
-- and the log of assignments, status and priority changes), quick replies, user invitations.

CREATE TABLE teams (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX teams_name_key ON teams (workspace_id, lower(name));

CREATE TABLE team_members (
  team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (workspace_id, user_id);

ALTER TABLE conversations ADD COLUMN team_id uuid REFERENCES teams(id) ON DELETE SET NULL;
-- When the oldest customer message not yet answered by the business arrived (null: nobody is waiting).
ALTER TABLE conversations ADD COLUMN waiting_since timestamptz;
CREATE INDEX conversations_team_idx ON conversations (workspace_id, team_id, last_message_at DESC);

CREATE TABLE contact_tags (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  tag text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (contact_id, tag)
);
CREATE INDEX contact_tags_tag_idx ON contact_tags (workspace_id, tag);

CREATE TABLE contact_notes (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX contact_notes_contact_idx ON contact_notes (contact_id, created_at DESC);

CREATE TABLE conversation_activities (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('note', 'assigned', 'team', 'status', 'priority', 'automation')),
  author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  body text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL
);
CREATE INDEX conversation_activities_conversation_idx ON conversation_activities (conversation_id, created_at DESC, id DESC);

CREATE TABLE quick_replies (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  shortcut text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX quick_replies_shortcut_key ON quick_replies (workspace_id, lower(shortcut));

CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  email text NOT NULL,
  name text,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'analyst')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz
);
CREATE INDEX invitations_workspace_idx ON invitations (workspace_id, created_at DESC);
CREATE INDEX media_wa_media_idx ON media (workspace_id, wa_media_id) WHERE wa_media_id IS NOT NULL;
