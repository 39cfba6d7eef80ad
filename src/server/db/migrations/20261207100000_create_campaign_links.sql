-- Clicks and conversions of campaigns (modules/campaigns is the only writer). See docs/campaigns.md.

-- One short link per (campaign, contact, destination): the code is the public, unguessable part of
-- `<public origin>/r/<code>` (128 random bits, base64url), handed out as a URL button's suffix or in a body variable.
CREATE TABLE campaign_links (
  code text PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  url text NOT NULL,
  clicks integer NOT NULL DEFAULT 0,
  first_clicked_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (campaign_id, contact_id, url)
);

-- Every counted click (link previews and HEAD requests are not counted), for analytics over time.
CREATE TABLE campaign_clicks (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  code text NOT NULL REFERENCES campaign_links(code) ON DELETE CASCADE,
  clicked_at timestamptz NOT NULL
);
CREATE INDEX campaign_clicks_campaign_idx ON campaign_clicks (campaign_id, clicked_at);

-- The ledger remembers the first click and the first attributed conversion of each recipient.
ALTER TABLE campaign_recipients ADD COLUMN clicked_at timestamptz;
ALTER TABLE campaign_recipients ADD COLUMN converted_at timestamptz;

-- Conversions reported through POST /api/v1/conversions, attributed to a campaign (or to none). external_id makes
-- a report idempotent: the same order reported twice is one conversion.
CREATE TABLE campaign_conversions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  campaign_id uuid REFERENCES campaigns(id) ON DELETE SET NULL,
  -- How and when the campaign last reached the contact before the conversion (null when not attributed).
  attributed_by text CHECK (attributed_by IN ('read', 'clicked')),
  touched_at timestamptz,
  external_id text,
  value numeric(14, 4) NOT NULL CHECK (value >= 0),
  currency text NOT NULL,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX campaign_conversions_external_idx ON campaign_conversions (workspace_id, external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX campaign_conversions_campaign_idx ON campaign_conversions (campaign_id) WHERE campaign_id IS NOT NULL;

-- Workspace settings of campaign results: the attribution window and the margin the CPA alert compares with.
CREATE TABLE campaign_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
