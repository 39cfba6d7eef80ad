-- Consent per contact and purpose (marketing, utility): the current state, and an append-only history of every
-- change with its source, actor and evidence. The consent module's repository is the only writer. A contact
-- without a row for a purpose is `unknown` for it. `contacts.consent_state` stays as a mirror of the marketing
-- state for the contact DTO and the console.
CREATE TABLE contact_consents (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('marketing', 'utility')),
  state text NOT NULL CHECK (state IN ('opted_in', 'opted_out', 'unknown')),
  source text NOT NULL,
  changed_at timestamptz NOT NULL,
  last_event_id uuid NOT NULL,
  PRIMARY KEY (workspace_id, contact_id, purpose)
);
-- Segments read the state by purpose.
CREATE INDEX contact_consents_state_idx ON contact_consents (workspace_id, purpose, state);

CREATE TABLE consent_events (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('marketing', 'utility')),
  state text NOT NULL CHECK (state IN ('opted_in', 'opted_out', 'unknown')),
  previous_state text NOT NULL CHECK (previous_state IN ('opted_in', 'opted_out', 'unknown')),
  source text NOT NULL CHECK (
    source IN ('form', 'import', 'keyword', 'button', 'api', 'whatsapp_preferences', 'console')
  ),
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'customer')),
  actor_id uuid,
  -- The inbound message that carried a keyword or button: at most one event per message and purpose, so a
  -- redelivered webhook or a re-run job records it once.
  message_id uuid,
  evidence jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX consent_events_contact_idx ON consent_events (workspace_id, contact_id, occurred_at DESC, id DESC);
CREATE UNIQUE INDEX consent_events_message_idx ON consent_events (workspace_id, message_id, purpose)
  WHERE message_id IS NOT NULL;

CREATE FUNCTION consent_events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_events is append-only';
END;
$$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_refuse_update();

-- Per-workspace keyword settings (null settings row = the ja/en defaults).
CREATE TABLE consent_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);

-- The Graph API's template list, cached per WABA of a workspace: the send path reads a template's category
-- from here (a marketing template is refused to an opted-out contact).
CREATE TABLE message_templates (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  waba_id text NOT NULL,
  name text NOT NULL,
  language text NOT NULL,
  category text NOT NULL,
  status text NOT NULL,
  components jsonb NOT NULL DEFAULT '[]',
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, waba_id, name, language)
);
