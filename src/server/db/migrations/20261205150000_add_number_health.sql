-- A number's health as WhatsApp reports it, shown in Settings → Numbers: read from the Graph API
-- (`GET /{pnid}?fields=quality_rating,throughput,whatsapp_business_manager_messaging_limit`) and moved forward
-- by the `phone_number_quality_update` and `account_update` webhooks, which used to be dead-lettered.
ALTER TABLE phone_numbers ADD COLUMN messaging_tier text;
ALTER TABLE phone_numbers ADD COLUMN throughput_level text;
-- The last `phone_number_quality_update` event (FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE, THROUGHPUT_UPGRADE, …).
ALTER TABLE phone_numbers ADD COLUMN quality_event text;
-- The last `account_update` event of the number's WABA (ACCOUNT_RESTRICTION, DISABLED_UPDATE, …).
ALTER TABLE phone_numbers ADD COLUMN account_event text;
ALTER TABLE phone_numbers ADD COLUMN health_updated_at timestamptz;
-- When this app was last subscribed to the WABA's webhooks (`POST /{waba}/subscribed_apps`).
ALTER TABLE phone_numbers ADD COLUMN webhooks_subscribed_at timestamptz;
