-- Contact merges: the source contact of a merge stays (never deleted), marked with a pointer to its survivor, and
-- contact_merges records exactly what moved to the survivor so that an undo moves exactly that back.
ALTER TABLE contacts ADD COLUMN merged_into_id uuid REFERENCES contacts(id) ON DELETE SET NULL;
ALTER TABLE contacts ADD COLUMN merged_at timestamptz;
CREATE INDEX contacts_merged_into_idx ON contacts (merged_into_id) WHERE merged_into_id IS NOT NULL;

CREATE TABLE contact_merges (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  survivor_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  source_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  -- What moved: ids of conversations, messages, notes, events, ledger rows; tags and attribute keys added to the
  -- survivor; the source's values that lost to the survivor's; consent states before the merge.
  moved jsonb NOT NULL,
  actor_type text NOT NULL,
  actor_id uuid,
  created_at timestamptz NOT NULL,
  undone_at timestamptz,
  undone_by_type text,
  undone_by_id uuid
);
CREATE INDEX contact_merges_survivor_idx ON contact_merges (workspace_id, survivor_id, created_at DESC);
CREATE INDEX contact_merges_source_idx ON contact_merges (workspace_id, source_id, created_at DESC);
