-- One row per throttled key (an account, a client address, an account from one address): consecutive
-- failed password checks and when the next check is allowed. Updated under a row lock, so concurrent
-- guesses cannot all pass one check (the login_attempts log they replace was read, then appended to).
CREATE TABLE auth_throttles (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  next_allowed_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX auth_throttles_updated_idx ON auth_throttles (updated_at);
DROP TABLE login_attempts;
