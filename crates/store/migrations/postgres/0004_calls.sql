-- Calls and what each leaves behind: the transcript, timeline events, each turn's latency and
-- the cost of every provider use. Record rows reference their call through (tenant_id, id), so
-- a record can never be filed under another tenant's call.
-- agent_id is plain text: the agents table arrives separately and the link is checked in code.

CREATE TABLE calls (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    agent_id     TEXT,
    direction    TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound', 'web')),
    status       TEXT NOT NULL CHECK (status IN ('queued', 'ringing', 'in_progress', 'completed',
                                                 'busy', 'no_answer', 'failed', 'canceled')),
    from_number  TEXT,
    to_number    TEXT,
    -- JSON objects as text.
    variables    TEXT NOT NULL DEFAULT '{}',
    metadata     TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL,
    started_at   BIGINT,
    ended_at     BIGINT,
    duration_ms  BIGINT,
    end_reason   TEXT,
    summary      TEXT,
    -- The sum of the call's cost events, fixed when the call finishes.
    cost_micros  BIGINT,
    CONSTRAINT calls_tenant_call_key UNIQUE (tenant_id, id)
);
CREATE INDEX calls_tenant_status_idx ON calls (tenant_id, status, id);
CREATE INDEX calls_tenant_agent_idx ON calls (tenant_id, agent_id, id);

CREATE TABLE call_transcript (
    tenant_id    TEXT NOT NULL,
    call_id      TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    speaker      TEXT NOT NULL CHECK (speaker IN ('agent', 'caller')),
    text         TEXT NOT NULL,
    start_ms     BIGINT NOT NULL,
    end_ms       BIGINT NOT NULL,
    interrupted  BIGINT NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
    written_at   BIGINT NOT NULL,
    PRIMARY KEY (call_id, seq),
    FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX call_transcript_tenant_idx ON call_transcript (tenant_id, call_id);

CREATE TABLE call_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    call_id     TEXT NOT NULL,
    at_ms       BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '{}',
    FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX call_events_call_idx ON call_events (tenant_id, call_id, at_ms, id);

CREATE TABLE call_turn_latency (
    tenant_id           TEXT NOT NULL,
    call_id             TEXT NOT NULL,
    turn                BIGINT NOT NULL,
    speech_end_at_ms    BIGINT,
    stt_final_ms        BIGINT,
    llm_first_token_ms  BIGINT,
    first_clause_ms     BIGINT,
    tts_first_byte_ms   BIGINT,
    first_audio_ms      BIGINT,
    written_at          BIGINT NOT NULL,
    PRIMARY KEY (call_id, turn),
    FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX call_turn_latency_tenant_idx ON call_turn_latency (tenant_id, call_id);

CREATE TABLE cost_events (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    call_id            TEXT NOT NULL,
    provider           TEXT NOT NULL,
    role               TEXT NOT NULL,
    unit               TEXT NOT NULL,
    units              BIGINT NOT NULL CHECK (units >= 0),
    unit_price_micros  BIGINT NOT NULL CHECK (unit_price_micros >= 0),
    per_units          BIGINT NOT NULL CHECK (per_units > 0),
    cost_micros        BIGINT NOT NULL CHECK (cost_micros >= 0),
    created_at         BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX cost_events_call_idx ON cost_events (tenant_id, call_id, created_at);
