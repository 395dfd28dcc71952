-- Agents (personas). System personas have no tenant and a stable slug; every other agent belongs
-- to one tenant and has no slug. The config is the agent's JSON document.
CREATE TABLE agents (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT REFERENCES tenants(id) ON DELETE CASCADE,
    slug         TEXT,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    config       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CONSTRAINT agents_slug_key UNIQUE (slug),
    CONSTRAINT agents_system_has_slug CHECK ((tenant_id IS NULL) = (slug IS NOT NULL))
);
CREATE INDEX agents_tenant_idx ON agents (tenant_id, id);

-- One user's own system prompt and/or voice for an agent; NULL keeps the agent's.
CREATE TABLE agent_overrides (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agent_id       TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    system_prompt  TEXT,
    voice          TEXT,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, agent_id)
);
CREATE INDEX agent_overrides_agent_idx ON agent_overrides (agent_id);

CREATE TABLE agent_favourites (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agent_id    TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, agent_id)
);
CREATE INDEX agent_favourites_agent_idx ON agent_favourites (agent_id);

-- How much each tenant has used each agent (system personas included).
CREATE TABLE agent_usage (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    agent_id    TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    calls       BIGINT NOT NULL DEFAULT 0,
    seconds     BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id)
);
CREATE INDEX agent_usage_agent_idx ON agent_usage (agent_id);
