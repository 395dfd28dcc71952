use switchboard_core::agent::system_personas;
use switchboard_core::id::{IdKind, new_id};

use super::row::encode_json;
use crate::{Store, StoreError, now_ms};

impl Store {
    /// Writes the system personas of this release, matched by slug: missing ones are created
    /// and changed ones updated (their ids stay), so running it on every start is harmless and
    /// a release's new prompt text reaches every deployment.
    pub async fn seed_system_personas(&self) -> Result<(), StoreError> {
        for persona in system_personas() {
            sqlx::query(
                "INSERT INTO agents (id, tenant_id, slug, name, description, config, created_at, updated_at) \
                 VALUES ($1, NULL, $2, $3, $4, $5, $6, $6) \
                 ON CONFLICT (slug) DO UPDATE SET name = excluded.name, \
                 description = excluded.description, config = excluded.config, \
                 updated_at = excluded.updated_at \
                 WHERE agents.name <> excluded.name OR agents.description <> excluded.description \
                 OR agents.config <> excluded.config",
            )
            .bind(new_id(IdKind::Agent))
            .bind(persona.slug)
            .bind(persona.name)
            .bind(persona.description)
            .bind(encode_json(&persona.config, "persona config")?)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }
}
