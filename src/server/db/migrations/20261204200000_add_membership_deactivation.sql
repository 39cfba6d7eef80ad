-- Deactivation belongs to a membership: an admin of one workspace ends a person's access to that workspace
-- only. users.deactivated_at stays as the account-wide switch, changed only by the server operator
-- (`tsunagi users deactivate`). Accounts deactivated before this change were deactivated by some workspace's
-- admin (which one was not recorded): they become deactivated in every workspace they belong to, which keeps
-- their effect, and each workspace's admins can now reactivate them there.
ALTER TABLE memberships ADD COLUMN deactivated_at timestamptz;
UPDATE memberships m SET deactivated_at = u.deactivated_at
  FROM users u WHERE u.id = m.user_id AND u.deactivated_at IS NOT NULL;
UPDATE users SET deactivated_at = NULL WHERE deactivated_at IS NOT NULL;
DELETE FROM sessions s USING memberships m
  WHERE m.user_id = s.user_id AND m.workspace_id = s.workspace_id AND m.deactivated_at IS NOT NULL;
