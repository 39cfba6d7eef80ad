-- A bulk action can be cancelled while it is queued or running: the batches committed before stay, no batch runs
-- after (the job checks the status under the action's row lock).
ALTER TABLE contact_bulk_actions DROP CONSTRAINT contact_bulk_actions_status_check;
ALTER TABLE contact_bulk_actions ADD CONSTRAINT contact_bulk_actions_status_check
  CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled'));
