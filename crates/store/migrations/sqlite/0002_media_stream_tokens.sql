-- One-time tokens that let a carrier's media WebSocket join a call. The carrier gets the token as
-- a <Parameter> in the TwiML that starts the stream; the first stream to present it consumes it.
CREATE TABLE media_stream_tokens (
    token_hash  TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    call_id     TEXT NOT NULL,
    -- Which brain runs the session, e.g. 'echo'.
    brain       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX media_stream_tokens_expiry_idx ON media_stream_tokens (expires_at);
