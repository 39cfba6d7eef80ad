-- When the dispatcher put a claimed send on the wire: set in small batches right before the HTTP calls, under the
-- claim's lease. A `sending` row without it was claimed but never sent, so after a crash (or when its lease
-- expires) it goes back to the queue at once; only rows with it wait for reconciliation by status webhooks.
ALTER TABLE messages ADD COLUMN wire_at timestamptz;
-- Sends in flight while this migration runs may have reached Meta: they keep waiting for reconciliation.
UPDATE messages SET wire_at = coalesce(lease_expires_at, now()) WHERE status = 'sending';
