-- The per-workspace audit log: who (a user, an API key or the system) did what (a closed set of actions) to
-- what, when and from where. Entries hold ids, never e-mail addresses, names or message text. Append-only:
-- an UPDATE is refused by the trigger below; rows go only when their workspace is deleted.
CREATE TABLE audit_log (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  occurred_at timestamptz NOT NULL,
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  actor_id uuid,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  user_agent text,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_workspace_idx ON audit_log (workspace_id, occurred_at DESC, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (workspace_id, action, occurred_at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (workspace_id, actor_id, occurred_at DESC);

CREATE FUNCTION audit_log_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_update();
