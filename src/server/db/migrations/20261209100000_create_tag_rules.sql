-- Rule-based tags: a rule keeps its tag on exactly the contacts its condition selects (modules/tag-rules).
CREATE TABLE tag_rules (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  tag text NOT NULL,
  condition jsonb NOT NULL,
  -- The condition as typed, when it was given as text (the tree alone is what runs).
  condition_text text,
  enabled boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The last run: when, how many tags it added and removed, and how long it took (wall time, ms).
  last_run_at timestamptz,
  last_run_added integer,
  last_run_removed integer,
  last_run_ms integer
);
-- One rule per tag: two rules on one (contact, tag) row would take it from each other.
CREATE UNIQUE INDEX tag_rules_tag_key ON tag_rules (workspace_id, tag);

-- Who set a tag: the rule that added it, or NULL when a person (or an import) did. A rule only removes its own.
ALTER TABLE contact_tags ADD COLUMN rule_id uuid REFERENCES tag_rules(id) ON DELETE CASCADE;
CREATE INDEX contact_tags_rule_idx ON contact_tags (rule_id, contact_id) WHERE rule_id IS NOT NULL;
