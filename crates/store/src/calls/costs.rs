use std::num::NonZeroU64;

use switchboard_core::id::{IdKind, new_id};
use switchboard_core::money::prorate;

use super::{CallRecordBatch, to_column};
use crate::{Store, StoreError, now_ms};

/// One provider use to price and write. The cost is computed here, with
/// [`prorate`], so a stored cost always matches its own units and price.
#[derive(Debug, Clone)]
pub struct NewCostEvent<'a> {
    /// The configured provider's name, e.g. `deepgram`.
    pub provider: &'a str,
    /// `stt`, `llm`, `tts` or `s2s`.
    pub role: &'a str,
    /// What `units` counts, e.g. `audio_ms` or `output_tokens`.
    pub unit: &'a str,
    pub units: u64,
    /// The price of `per_units` units.
    pub unit_price_micros: u64,
    pub per_units: NonZeroU64,
}

/// A stored cost event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CostEvent {
    pub id: String,
    pub call_id: String,
    pub provider: String,
    pub role: String,
    pub unit: String,
    pub units: i64,
    pub unit_price_micros: i64,
    pub per_units: i64,
    pub cost_micros: i64,
    pub created_at: i64,
}

/// A call's cost events summed per (role, provider, unit).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CostComponent {
    pub role: String,
    pub provider: String,
    pub unit: String,
    pub units: i64,
    pub cost_micros: i64,
    pub events: i64,
}

impl CallRecordBatch {
    /// Prices and writes a cost event; returns its cost in micros.
    pub async fn add_cost_event(&mut self, cost: &NewCostEvent<'_>) -> Result<u64, StoreError> {
        let cost_micros = prorate(cost.units, cost.unit_price_micros, cost.per_units);
        sqlx::query(
            "INSERT INTO cost_events (id, tenant_id, call_id, provider, role, unit, units, \
             unit_price_micros, per_units, cost_micros, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id(IdKind::CostEvent))
        .bind(&self.tenant_id)
        .bind(&self.call_id)
        .bind(cost.provider)
        .bind(cost.role)
        .bind(cost.unit)
        .bind(to_column("units", cost.units)?)
        .bind(to_column("unit_price_micros", cost.unit_price_micros)?)
        .bind(to_column("per_units", cost.per_units.get())?)
        .bind(to_column("cost_micros", cost_micros)?)
        .bind(now_ms())
        .execute(&mut *self.tx)
        .await?;
        Ok(cost_micros)
    }
}

impl Store {
    /// Writes a cost event under a caller-chosen `id`, once: a second write with the same id
    /// changes nothing. For charges more than one party may try to make (a call's carrier
    /// minutes, finished by its stream or by the carrier's callback).
    pub async fn add_cost_event_once(
        &self,
        tenant_id: &str,
        call_id: &str,
        id: &str,
        cost: &NewCostEvent<'_>,
    ) -> Result<(), StoreError> {
        let cost_micros = prorate(cost.units, cost.unit_price_micros, cost.per_units);
        sqlx::query(
            "INSERT INTO cost_events (id, tenant_id, call_id, provider, role, unit, units, \
             unit_price_micros, per_units, cost_micros, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(tenant_id)
        .bind(call_id)
        .bind(cost.provider)
        .bind(cost.role)
        .bind(cost.unit)
        .bind(to_column("units", cost.units)?)
        .bind(to_column("unit_price_micros", cost.unit_price_micros)?)
        .bind(to_column("per_units", cost.per_units.get())?)
        .bind(to_column("cost_micros", cost_micros)?)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The call's cost events in the order they were written.
    pub async fn call_cost_events(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<Vec<CostEvent>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, call_id, provider, role, unit, units, unit_price_micros, per_units, \
             cost_micros, created_at FROM cost_events \
             WHERE tenant_id = $1 AND call_id = $2 ORDER BY id",
        )
        .bind(tenant_id)
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The call's costs per (role, provider, unit), ordered by those.
    pub async fn call_cost_components(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<Vec<CostComponent>, StoreError> {
        // PostgreSQL sums BIGINTs into NUMERIC, which the Any driver cannot read: cast back.
        Ok(sqlx::query_as(
            "SELECT role, provider, unit, CAST(SUM(units) AS BIGINT) AS units, \
             CAST(SUM(cost_micros) AS BIGINT) AS cost_micros, COUNT(*) AS events \
             FROM cost_events WHERE tenant_id = $1 AND call_id = $2 \
             GROUP BY role, provider, unit ORDER BY role, provider, unit",
        )
        .bind(tenant_id)
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
