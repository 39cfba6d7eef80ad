-- Segments and the console's "last active" test the latest customer message over a contact's conversations
-- (`last_inbound_at within 7d`): an index range scan finds the recent ones instead of reading every conversation.
CREATE INDEX conversations_last_inbound_idx ON conversations (workspace_id, last_inbound_at);
