-- Bulk actions on contacts (add or remove a tag, set an attribute, opt out of marketing) over chosen ids, a saved
-- segment or every contact, run by the `contacts.bulk` job in checkpointed batches. Written only by the contacts
-- module.
CREATE TABLE contact_bulk_actions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- The action as the API took it: {type: 'add_tag', tag} | {type: 'set_attribute', key, value} | ...
  action jsonb NOT NULL,
  -- {contactIds: [...]} | {segmentId} | {all: true}
  target jsonb NOT NULL,
  -- Who asked (copied into the consent history and the audit entry written when the action starts).
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key')),
  actor_id uuid,
  actor_ip text,
  actor_user_agent text,
  -- Contacts the action applies to: null until the snapshot of its targets is taken.
  total integer,
  processed integer NOT NULL DEFAULT 0,
  changed integer NOT NULL DEFAULT 0,
  -- The checkpoint: the last contact id (in id order) a committed batch handled.
  cursor uuid,
  error_message text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX contact_bulk_actions_workspace_idx ON contact_bulk_actions (workspace_id, created_at DESC);

-- The contacts a running action applies to, fixed when it starts (a segment's members at that moment), walked in
-- id order batch by batch; deleted when the action ends. No foreign key to contacts: a contact deleted meanwhile is
-- not matched by the batch's workspace-scoped statements, and deleting contacts stays free of this table.
CREATE TABLE contact_bulk_action_contacts (
  bulk_action_id uuid NOT NULL REFERENCES contact_bulk_actions(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL,
  PRIMARY KEY (bulk_action_id, contact_id)
);

-- A consent change made by a bulk action carries its own source (the actor says console user or API key).
ALTER TABLE consent_events DROP CONSTRAINT consent_events_source_check;
ALTER TABLE consent_events ADD CONSTRAINT consent_events_source_check CHECK (
  source IN ('form', 'import', 'keyword', 'button', 'api', 'whatsapp_preferences', 'console', 'bulk')
);
