-- A released number lease stays as a row: `quiet_until` is when the last send of its holder stops counting in
-- the number's one-second throughput window (wall clock). A worker taking the number over from another waits for
-- it before its first send, so two workers' sends never share one window (the new holder's pacer cannot know the
-- old one's sends). `expires_at = '-infinity'` marks a lease released.
ALTER TABLE dispatch_leases ADD COLUMN quiet_until timestamptz;
