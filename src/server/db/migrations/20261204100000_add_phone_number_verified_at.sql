-- Number ownership: when Tsunagi last verified with the Graph API that the stored access token reaches the
-- phone number id and that the number belongs to the stored WABA. NULL for numbers registered before
-- verification existed (they keep their per-number webhooks; "Test connection" or a token change verifies them).
-- WABA-level webhooks (user_preferences, account updates) go only to workspaces with verified numbers on the WABA.
ALTER TABLE phone_numbers ADD COLUMN verified_at timestamptz;

CREATE INDEX phone_numbers_waba_verified_idx ON phone_numbers (waba_id, verified_at)
  WHERE deleted_at IS NULL AND verified_at IS NOT NULL;
