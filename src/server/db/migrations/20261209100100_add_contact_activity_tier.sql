-- A contact's activity tier (contacts-activity.rules.ts): recomputed hourly for every contact, set-based.
ALTER TABLE contacts ADD COLUMN activity_tier text CHECK (activity_tier IN ('high', 'medium', 'low'));
