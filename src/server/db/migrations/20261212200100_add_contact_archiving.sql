-- Contact archiving (issue 10, item 10): a workspace may archive contacts inactive for N months (NULL = off, the
-- default). An archived contact is hidden from the default contact list, segments and campaign audiences, and comes
-- back (archived_at cleared) when it messages again or is written through the API.
ALTER TABLE workspaces ADD COLUMN archive_inactive_after_months integer
  CHECK (archive_inactive_after_months BETWEEN 1 AND 120);
ALTER TABLE contacts ADD COLUMN archived_at timestamptz;
CREATE INDEX contacts_archived_idx ON contacts (workspace_id, id) WHERE archived_at IS NOT NULL;
