-- Broadcast campaigns (modules/campaigns is the only writer of the three tables): the campaign document, the
-- per-recipient ledger that makes "at most one message per (campaign, contact)" a property of the schema, and an
-- editable price table for estimates. See docs/campaigns.md.
CREATE TABLE campaigns (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (
    status IN ('draft', 'awaiting_approval', 'scheduled', 'running', 'paused', 'completed', 'cancelled')
  ),
  -- Tsunagi ids of the sending numbers (a jsonb array of uuids).
  phone_number_ids jsonb NOT NULL,
  -- {name, language, variables: [{name?, source: field|attribute|literal, fallback}]}
  template jsonb NOT NULL,
  -- Optional A/B: {template, splitPercent} — splitPercent of the recipients get variant a.
  variant_b jsonb,
  -- {segmentId} | {condition} | {contactIds}
  audience jsonb NOT NULL,
  -- {segmentIds, frequencyCap: {count, days} | null, requireOptIn}
  exclusions jsonb NOT NULL,
  -- {kind: now} | {kind: at, at} | {kind: local, date, time}
  schedule jsonb NOT NULL,
  quiet_hours jsonb NOT NULL,
  -- {hourlyCap, ramp: {startPerDay, growth, days} | null}
  limits jsonb NOT NULL,
  created_by uuid,
  approved_by uuid,
  -- Planning: not started, running (plan_cursor = the last contact id planned, the checkpoint), done.
  plan_state text NOT NULL DEFAULT 'pending' CHECK (plan_state IN ('pending', 'planning', 'done')),
  plan_cursor uuid,
  planned_at timestamptz,
  launched_at timestamptz,
  paused_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX campaigns_list_idx ON campaigns (workspace_id, created_at DESC, id DESC);
CREATE INDEX campaigns_active_idx ON campaigns (status) WHERE status IN ('scheduled', 'running');

-- The ledger: one row per (campaign, contact), written when the audience is resolved (planned or skipped with a
-- reason) and moved forward by release (queued + message_id, in the transaction that creates the outbox row) and
-- by status webhooks. message_id is unique: one ledger row owns one message; the message's idempotency key
-- `campaign:<campaign>:<contact>:<attempt>` is unique per workspace on messages, so even a second release of the
-- same row and attempt cannot create a second message.
CREATE TABLE campaign_recipients (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  status text NOT NULL CHECK (
    status IN ('planned', 'skipped', 'queued', 'sent', 'delivered', 'read', 'replied', 'failed')
  ),
  skip_reason text,
  phone_number_id uuid REFERENCES phone_numbers(id),
  variant text NOT NULL DEFAULT 'a' CHECK (variant IN ('a', 'b')),
  time_zone text,
  country text,
  due_at timestamptz,
  -- 0 for the first send; a 131049 retry after 24 h is attempt 1 of the same row.
  attempt integer NOT NULL DEFAULT 0,
  message_id uuid UNIQUE REFERENCES messages(id) ON DELETE SET NULL,
  retry_of_message_id uuid,
  error_code integer,
  queued_at timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  replied_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, contact_id)
);
-- Release: due planned rows per campaign and number.
CREATE INDEX campaign_recipients_due_idx ON campaign_recipients (campaign_id, phone_number_id, due_at)
  WHERE status = 'planned';
-- Frequency caps and reply attribution: a contact's campaign messages, newest first.
CREATE INDEX campaign_recipients_contact_idx ON campaign_recipients (workspace_id, contact_id, queued_at DESC)
  WHERE queued_at IS NOT NULL;
-- Pacing: what a number released in the last hour / 24 h (all campaigns).
CREATE INDEX campaign_recipients_number_idx ON campaign_recipients (phone_number_id, queued_at)
  WHERE queued_at IS NOT NULL;

-- Price of one delivered template message by category and recipient country ('*' = any other country).
CREATE TABLE campaign_prices (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  category text NOT NULL CHECK (category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
  country text NOT NULL,
  price numeric(12, 6) NOT NULL CHECK (price >= 0),
  currency text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, category, country)
);

-- List hygiene: a number WhatsApp reported undeliverable (131026) is excluded from campaigns (written through the
-- contacts repository by the campaigns listener).
ALTER TABLE contacts ADD COLUMN unreachable_at timestamptz;
