-- Activity tiers, kept: at past instants (where a dashboard range starts or ends), kept once computed: computing them reads
-- every contact's latest customer message before the instant (one index probe per contact). A snapshot is valid
-- while its workspace's tier epoch is the one it was computed under; what can change the past — a customer message
-- that arrives more than an hour after it happened, a merge or its undo, an erasure — moves the epoch on.
CREATE TABLE analytics_tier_snapshots (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  epoch bigint NOT NULL,
  contacts integer NOT NULL,
  active integer NOT NULL,
  lapsing integer NOT NULL,
  dormant integer NOT NULL,
  never integer NOT NULL,
  computed_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, at)
);

CREATE TABLE analytics_tier_epochs (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  epoch bigint NOT NULL
);

-- The tiers of the present, recomputed by the minute's analytics refresh (or by a read when older than two minutes):
-- counting them groups every conversation of the workspace by contact.
CREATE TABLE analytics_tiers_now (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  contacts integer NOT NULL,
  active integer NOT NULL,
  lapsing integer NOT NULL,
  dormant integer NOT NULL,
  never integer NOT NULL
);

-- The audience's count of contacts marked unreachable reads only those.
CREATE INDEX contacts_unreachable_idx ON contacts (workspace_id) WHERE unreachable_at IS NOT NULL;
