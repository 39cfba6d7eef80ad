-- Lifecycle reminders (modules/reminders): a template sent `delay_hours` after a trigger (the latest contact event of
-- a name, or a campaign message read without a reply), within sending hours, honouring marketing consent.
CREATE TABLE reminders (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  -- The trigger document ({kind, event?, delayHours}, reminders.schemas.ts).
  trigger jsonb NOT NULL,
  condition jsonb,
  condition_text text,
  phone_number_id uuid NOT NULL REFERENCES phone_numbers(id) ON DELETE CASCADE,
  -- The template document ({name, language, variables, buttons}, as campaigns store theirs).
  template jsonb NOT NULL,
  quiet_hours jsonb NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The last run's counts ({sent, skipped: {reason: n}, deferred}), and the totals over every run.
  last_run_at timestamptz,
  last_run jsonb,
  sent_total integer NOT NULL DEFAULT 0,
  skipped_total jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX reminders_workspace_idx ON reminders (workspace_id, created_at);

-- The exactly-once ledger: one row per (reminder, contact, trigger) — the trigger key is the triggering event's id or
-- the read campaign message's id — inserted set-based when the reminder falls due, and turned into its message in
-- the same transaction as the message row. A rerun, a second worker or a crash cannot send one trigger twice.
CREATE TABLE reminder_sends (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  reminder_id uuid NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  trigger_key text NOT NULL,
  triggered_at timestamptz NOT NULL,
  -- When it may go: trigger + delay, carried past quiet hours in the contact's zone.
  due_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'queued', 'skipped')),
  skip_reason text,
  message_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (reminder_id, contact_id, trigger_key)
);
CREATE INDEX reminder_sends_pending_idx ON reminder_sends (reminder_id, due_at) WHERE status = 'pending';
CREATE INDEX reminder_sends_contact_idx ON reminder_sends (contact_id);
-- The latest event of a name per contact (the event trigger's scan).
CREATE INDEX contact_events_name_idx ON contact_events (workspace_id, name, contact_id, occurred_at DESC);
