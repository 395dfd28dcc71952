-- The user a call runs for: whose agent overrides apply, and (later) whom it is charged to.
-- NULL for calls no user started (inbound calls to a number).
ALTER TABLE calls ADD COLUMN user_id TEXT;
CREATE INDEX calls_user_idx ON calls (tenant_id, user_id, created_at);
