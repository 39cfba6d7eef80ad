-- When the dispatcher put a claimed send on the wire: set right before the HTTP call by a conditional update that
-- succeeds only while this process still holds the claim. A `sending` row without it was claimed but never sent:
-- it goes back to the queue as soon as its claim lease expires (at once after an embedded restart). Only rows with
-- it wait for reconciliation by status webhooks before a resend.
ALTER TABLE messages ADD COLUMN wire_at timestamptz;
-- Sends claimed while this migration runs may have reached Meta: they keep waiting for reconciliation.
UPDATE messages SET wire_at = coalesce(lease_expires_at, now()) WHERE status = 'sending';
