-- API keys can be listed, rotated, revoked and given an expiry; each remembers who made it.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN rotated_at timestamptz;
-- The user or the API key that created it; both null for keys made by the CLI (`workspace create`, `keys create`).
ALTER TABLE api_keys ADD COLUMN created_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE api_keys ADD COLUMN created_by_key_id uuid REFERENCES api_keys(id) ON DELETE SET NULL;
-- The key printed by `workspace create` was called "Owner key"; it is the workspace's initial key.
UPDATE api_keys SET name = 'initial' WHERE name = 'Owner key';
