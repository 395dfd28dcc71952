-- Telephony: the carrier side of calls, the numbers tenants hold, SMS threads, opt-outs, and
-- the receipts that make carrier webhooks idempotent.

-- Which carrier account placed or received a call, and its id for the call there (Twilio CA…,
-- Telnyx call_control_id). `carrier_seq` is the highest status-callback sequence applied.
ALTER TABLE calls ADD COLUMN carrier TEXT;
ALTER TABLE calls ADD COLUMN carrier_call_id TEXT;
ALTER TABLE calls ADD COLUMN phone_number_id TEXT;
ALTER TABLE calls ADD COLUMN answered_by TEXT;
ALTER TABLE calls ADD COLUMN recording_url TEXT;
ALTER TABLE calls ADD COLUMN recording_duration_ms INTEGER;
-- A JSON object as text: recording, machine-detection policy, voicemail message.
ALTER TABLE calls ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
-- A carrier's call is one of our calls at most: a retried inbound webhook finds the call the
-- first delivery made instead of making another.
CREATE UNIQUE INDEX calls_carrier_call_key ON calls (carrier, carrier_call_id)
    WHERE carrier_call_id IS NOT NULL;
CREATE INDEX calls_tenant_number_idx ON calls (tenant_id, phone_number_id, id);
CREATE INDEX calls_tenant_created_idx ON calls (tenant_id, created_at);

-- A number lives at one carrier account and belongs to one tenant. Released numbers are
-- deleted; their calls and messages keep the number as text.
CREATE TABLE phone_numbers (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    phone_number        TEXT NOT NULL UNIQUE,
    carrier             TEXT NOT NULL,
    carrier_number_id   TEXT NOT NULL,
    friendly_name       TEXT NOT NULL DEFAULT '',
    voice               INTEGER NOT NULL DEFAULT 1 CHECK (voice IN (0, 1)),
    sms                 INTEGER NOT NULL DEFAULT 1 CHECK (sms IN (0, 1)),
    mms                 INTEGER NOT NULL DEFAULT 0 CHECK (mms IN (0, 1)),
    inbound_agent_id    TEXT,
    sms_mode            TEXT NOT NULL DEFAULT 'off' CHECK (sms_mode IN ('off', 'template', 'agent')),
    sms_template        TEXT,
    -- SHA-256 (hex) of the secret in webhook URLs of carriers that do not sign (VoIP.ms).
    webhook_secret_hash TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CONSTRAINT phone_numbers_tenant_id_key UNIQUE (tenant_id, id)
);
CREATE INDEX phone_numbers_tenant_idx ON phone_numbers (tenant_id, id);

-- One thread per (our number, the other party).
CREATE TABLE sms_conversations (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    our_number       TEXT NOT NULL,
    other_number     TEXT NOT NULL,
    last_message_at  INTEGER NOT NULL,
    last_message     TEXT NOT NULL DEFAULT '',
    unread_count     INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT sms_conversations_pair_key UNIQUE (tenant_id, our_number, other_number),
    CONSTRAINT sms_conversations_tenant_id_key UNIQUE (tenant_id, id)
);
CREATE INDEX sms_conversations_recent_idx ON sms_conversations (tenant_id, last_message_at, id);

CREATE TABLE sms_messages (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    conversation_id     TEXT NOT NULL,
    direction           TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_number         TEXT NOT NULL,
    to_number           TEXT NOT NULL,
    body                TEXT NOT NULL,
    status              TEXT NOT NULL,
    segments            INTEGER NOT NULL DEFAULT 1,
    carrier             TEXT NOT NULL,
    carrier_message_id  TEXT,
    error               TEXT,
    created_at          INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES sms_conversations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sms_messages_conversation_idx ON sms_messages (tenant_id, conversation_id, id);
CREATE INDEX sms_messages_carrier_idx ON sms_messages (carrier, carrier_message_id);

CREATE TABLE sms_opt_outs (
    tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    our_number    TEXT NOT NULL,
    other_number  TEXT NOT NULL,
    opted_out_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, our_number, other_number)
);

-- A webhook delivery seen before changes nothing: (source, key) is e.g.
-- ('twilio-status', 'CA…:3') or ('voipms-sms', '23434').
CREATE TABLE webhook_receipts (
    source       TEXT NOT NULL,
    key          TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (source, key)
);

-- What HELP answers with on the tenant's numbers.
ALTER TABLE tenants ADD COLUMN sms_help_text TEXT;
