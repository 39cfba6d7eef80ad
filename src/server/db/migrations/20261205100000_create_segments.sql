-- Segments: a named condition (the condition language's tree) over a workspace's contacts, evaluated as one query.
CREATE TABLE segments (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  condition jsonb NOT NULL,
  -- The condition as typed, when it was given as text (the tree alone is what runs).
  condition_text text,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX segments_name_key ON segments (workspace_id, name);

-- A segment's count walks the workspace's contacts, and its pages go by id: one index serves both.
CREATE INDEX contacts_workspace_id_idx ON contacts (workspace_id, id);
-- inbound.count and the like look up one contact's inbound messages in a time window.
CREATE INDEX messages_contact_inbound_idx ON messages (contact_id, occurred_at) WHERE direction = 'inbound';
-- Conditions match tags case- and width-insensitively (lower(normalize(tag, NFKC))): index that form.
CREATE INDEX contact_tags_folded_idx ON contact_tags (workspace_id, (lower(normalize(tag, NFKC))), contact_id);
