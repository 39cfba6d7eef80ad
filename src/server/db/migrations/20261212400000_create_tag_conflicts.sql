-- Tag hygiene: pairs of tags a workspace declares conflicting (a contact should not carry both). `keep` names the
-- tag that stays when `POST /api/v1/tags/conflicts/resolve` removes the other ('a', 'b'), or NULL: only reported.
-- The application stores each pair in one order (code-unit order of the names), so a pair is one row.
CREATE TABLE tag_conflicts (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  tag_a text NOT NULL,
  tag_b text NOT NULL,
  keep text CHECK (keep IN ('a', 'b')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, tag_a, tag_b),
  CHECK (tag_a <> tag_b)
);
