-- The inbox lists conversations of one status (open, pending…) most recent first; without this index that page
-- walks conversations_list_idx across every status and filters.
CREATE INDEX conversations_status_list_idx ON conversations (workspace_id, status, last_message_at DESC, id DESC);
