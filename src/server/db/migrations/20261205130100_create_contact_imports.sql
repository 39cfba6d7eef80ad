-- CSV contact imports: the request's bytes are spooled into contact_import_chunks while it streams, then the
-- contacts.import job parses them in batches, moving checkpoint_row forward in the same transaction as each batch
-- (a crash resumes after the last committed batch). Chunks are deleted when the import ends (they hold personal
-- data). Errors are capped per import (counts stay exact). Written only by the contacts module.
CREATE TABLE contact_imports (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('receiving', 'queued', 'running', 'done', 'failed')),
  encoding text,
  on_existing text NOT NULL CHECK (on_existing IN ('update', 'skip')),
  mapping jsonb,
  country text,
  bytes bigint NOT NULL DEFAULT 0,
  checkpoint_row integer NOT NULL DEFAULT 0,
  rows integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  error_message text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX contact_imports_workspace_idx ON contact_imports (workspace_id, id DESC);

CREATE TABLE contact_import_chunks (
  import_id uuid NOT NULL REFERENCES contact_imports(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (import_id, seq)
);

CREATE TABLE contact_import_errors (
  import_id uuid NOT NULL REFERENCES contact_imports(id) ON DELETE CASCADE,
  row integer NOT NULL,
  col text,
  code text NOT NULL,
  message text NOT NULL
);
CREATE INDEX contact_import_errors_import_idx ON contact_import_errors (import_id, row);
