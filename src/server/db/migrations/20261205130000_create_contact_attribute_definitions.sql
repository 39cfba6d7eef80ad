-- Per-workspace definitions of contact attributes: once a workspace defines one, attribute writes are checked
-- against them (see contact-attributes.rules.ts). Written only by the contacts module.
CREATE TABLE contact_attribute_definitions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  key text NOT NULL,
  label text NOT NULL,
  type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean', 'choice')),
  choices jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX contact_attribute_definitions_key ON contact_attribute_definitions (workspace_id, key);
