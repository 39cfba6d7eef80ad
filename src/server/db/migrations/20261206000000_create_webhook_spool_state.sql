-- The embedded webhook spool (PGlite with a data directory): webhook bodies are made durable in an append-only
-- file before the receiver answers 200, then moved into webhook_events. `moved_seq` is the highest spool sequence
-- number moved, written in the same statement as the rows, so a restart moves each spooled body exactly once.
CREATE TABLE webhook_spool_state (
  id int PRIMARY KEY CHECK (id = 1),
  moved_seq bigint NOT NULL
);
