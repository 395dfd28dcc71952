-- Tenants' HTTP tools. The signing secret is stored encrypted (`v1:` + base64 of nonce and
-- XChaCha20-Poly1305 ciphertext, bound to tenant_id and id); parameters are JSON text.
CREATE TABLE tools (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL,
    parameters         TEXT NOT NULL,
    url                TEXT NOT NULL,
    secret_ciphertext  TEXT NOT NULL,
    timeout_ms         INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    CONSTRAINT tools_tenant_name_key UNIQUE (tenant_id, name)
);
CREATE INDEX tools_tenant_idx ON tools (tenant_id, id);
