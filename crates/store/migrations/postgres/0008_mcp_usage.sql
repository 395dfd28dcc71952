-- The number a user's coding agent phones them on (MCP), and what each finished call was
-- charged.

-- One row per user: the verified number, and at most one verification in flight. A new
-- number replaces the verified one only once its code is confirmed.
CREATE TABLE call_me_numbers (
    user_id          TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    phone_number     TEXT,
    verified_at      BIGINT,
    pending_number   TEXT,
    pending_channel  TEXT CHECK (pending_channel IN ('sms', 'call')),
    -- SHA-256 (hex) of the verification id and code; the code itself is never stored.
    code_hash        TEXT,
    attempts         BIGINT NOT NULL DEFAULT 0,
    expires_at       BIGINT,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX call_me_numbers_tenant_idx ON call_me_numbers (tenant_id, user_id);

-- A call's charge, written once when it ends: the billed seconds and each component's price
-- (operator cost x multiplier), in micro-units.
CREATE TABLE usage_records (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    call_id           TEXT NOT NULL,
    user_id           TEXT,
    agent_id          TEXT,
    direction         TEXT NOT NULL,
    billed_seconds    BIGINT NOT NULL,
    llm_tokens        BIGINT NOT NULL,
    telephony_micros  BIGINT NOT NULL,
    stt_micros        BIGINT NOT NULL,
    tts_micros        BIGINT NOT NULL,
    llm_micros        BIGINT NOT NULL,
    charge_micros     BIGINT NOT NULL,
    ended_at          BIGINT NOT NULL,
    CONSTRAINT usage_records_call_key UNIQUE (call_id)
);
CREATE INDEX usage_records_tenant_ended_idx ON usage_records (tenant_id, ended_at);
