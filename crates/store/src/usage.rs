//! What finished calls were charged: one usage record per call, written once.

use switchboard_core::id::{IdKind, new_id};
use switchboard_core::pricing::Charge;

use crate::{Call, Page, PageRequest, Store, StoreError};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsageRecord {
    pub id: String,
    pub call_id: String,
    pub user_id: Option<String>,
    pub agent_id: Option<String>,
    pub direction: String,
    #[sqlx(flatten)]
    pub charges: Charges,
    pub ended_at: i64,
}

/// What one call, or a sum of calls, used and was charged, in micro-units.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Charges {
    pub billed_seconds: i64,
    pub llm_tokens: i64,
    pub telephony_micros: i64,
    pub stt_micros: i64,
    pub tts_micros: i64,
    pub llm_micros: i64,
    pub charge_micros: i64,
}

macro_rules! usage_columns {
    () => {
        "id, call_id, user_id, agent_id, direction, billed_seconds, llm_tokens, \
         telephony_micros, stt_micros, tts_micros, llm_micros, charge_micros, ended_at"
    };
}

/// The summary query grouped by `$key`, one of a few fixed SQL expressions (`@select`: the
/// ungrouped total).
macro_rules! summary_sql {
    ($key:literal) => {
        concat!(
            summary_sql!(@select $key),
            " GROUP BY ", $key, " ORDER BY ", $key
        )
    };
    (@select $key:literal) => {
        concat!(
            "SELECT ", $key, " AS key, COUNT(*) AS calls, \
             CAST(COALESCE(SUM(billed_seconds), 0) AS BIGINT) AS billed_seconds, \
             CAST(COALESCE(SUM(llm_tokens), 0) AS BIGINT) AS llm_tokens, \
             CAST(COALESCE(SUM(telephony_micros), 0) AS BIGINT) AS telephony_micros, \
             CAST(COALESCE(SUM(stt_micros), 0) AS BIGINT) AS stt_micros, \
             CAST(COALESCE(SUM(tts_micros), 0) AS BIGINT) AS tts_micros, \
             CAST(COALESCE(SUM(llm_micros), 0) AS BIGINT) AS llm_micros, \
             CAST(COALESCE(SUM(charge_micros), 0) AS BIGINT) AS charge_micros \
             FROM usage_records WHERE tenant_id = $1 AND ended_at >= $2 AND ended_at < $3 \
             AND ($4 = '' OR user_id = $4) AND ($5 = '' OR agent_id = $5)"
        )
    };
}

/// Which records to read: a time window on `ended_at` (ms, `from` inclusive, `until`
/// exclusive), and optionally one user or agent.
#[derive(Debug, Clone, Default)]
pub struct UsageFilter<'a> {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub user_id: Option<&'a str>,
    pub agent_id: Option<&'a str>,
}

/// How a summary groups its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageGrouping {
    /// One group with everything.
    Total,
    User,
    Agent,
    /// UTC calendar days; the key is the day number since 1970-01-01.
    Day,
}

/// A summary group: its key (a user or agent id, `""` for none, or a day number) and sums.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct UsageGroup {
    pub key: String,
    pub calls: i64,
    #[sqlx(flatten)]
    pub charges: Charges,
}

impl Store {
    /// Writes `call`'s usage record with its `charge`. `None` when the call already had one:
    /// a call is charged once, whoever finishes it.
    pub async fn record_usage(
        &self,
        call: &Call,
        llm_tokens: u64,
        charge: &Charge,
    ) -> Result<Option<UsageRecord>, StoreError> {
        let micros =
            |v: u64| i64::try_from(v).map_err(|_| StoreError::OutOfRange { field: "charge" });
        Ok(sqlx::query_as(concat!(
            "INSERT INTO usage_records (id, tenant_id, call_id, user_id, agent_id, direction, \
             billed_seconds, llm_tokens, telephony_micros, stt_micros, tts_micros, llm_micros, \
             charge_micros, ended_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (call_id) DO NOTHING RETURNING ",
            usage_columns!()
        ))
        .bind(new_id(IdKind::UsageRecord))
        .bind(&call.tenant_id)
        .bind(&call.id)
        .bind(&call.user_id)
        .bind(&call.agent_id)
        .bind(call.direction().as_str())
        .bind(micros(charge.billed_seconds)?)
        .bind(micros(llm_tokens)?)
        .bind(micros(charge.telephony)?)
        .bind(micros(charge.stt)?)
        .bind(micros(charge.tts)?)
        .bind(micros(charge.llm)?)
        .bind(micros(charge.total())?)
        .bind(call.ended_at.unwrap_or(call.created_at))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The LLM tokens (in and out) a call's cost events count.
    pub async fn llm_tokens_of_call(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<u64, StoreError> {
        let (tokens,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT) FROM cost_events \
             WHERE tenant_id = $1 AND call_id = $2 AND role = 'llm' \
             AND unit IN ('input_tokens', 'output_tokens')",
        )
        .bind(tenant_id)
        .bind(call_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(tokens).unwrap_or(0))
    }

    pub async fn get_usage_record(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<UsageRecord, StoreError> {
        sqlx::query_as(concat!(
            "SELECT ",
            usage_columns!(),
            " FROM usage_records WHERE tenant_id = $1 AND call_id = $2"
        ))
        .bind(tenant_id)
        .bind(call_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The tenant's usage records, newest first.
    pub async fn list_usage(
        &self,
        tenant_id: &str,
        filter: &UsageFilter<'_>,
        page: &PageRequest,
    ) -> Result<Page<UsageRecord>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            usage_columns!(),
            " FROM usage_records WHERE tenant_id = $1 AND ended_at >= $2 AND ended_at < $3 \
             AND ($4 = '' OR user_id = $4) AND ($5 = '' OR agent_id = $5) \
             AND ($6 = '' OR id < $6) ORDER BY id DESC LIMIT $7"
        ))
        .bind(tenant_id)
        .bind(filter.from.unwrap_or(i64::MIN))
        .bind(filter.until.unwrap_or(i64::MAX))
        .bind(filter.user_id.unwrap_or(""))
        .bind(filter.agent_id.unwrap_or(""))
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |r: &UsageRecord| &r.id))
    }

    /// Sums of the tenant's usage in the window, grouped; groups sorted by key.
    pub async fn usage_summary(
        &self,
        tenant_id: &str,
        filter: &UsageFilter<'_>,
        grouping: UsageGrouping,
    ) -> Result<Vec<UsageGroup>, StoreError> {
        let sql = match grouping {
            // No GROUP BY: one row, even over no records.
            UsageGrouping::Total => summary_sql!(@select "''"),
            UsageGrouping::User => summary_sql!("COALESCE(user_id, '')"),
            UsageGrouping::Agent => summary_sql!("COALESCE(agent_id, '')"),
            // 86 400 000 ms a day.
            UsageGrouping::Day => summary_sql!("CAST(ended_at / 86400000 AS TEXT)"),
        };
        let mut groups: Vec<UsageGroup> = sqlx::query_as(sql)
            .bind(tenant_id)
            .bind(filter.from.unwrap_or(i64::MIN))
            .bind(filter.until.unwrap_or(i64::MAX))
            .bind(filter.user_id.unwrap_or(""))
            .bind(filter.agent_id.unwrap_or(""))
            .fetch_all(&self.pool)
            .await?;
        if grouping == UsageGrouping::Day {
            // Text sorts "10" before "9"; days sort as numbers.
            groups.sort_by_key(|g| g.key.parse::<i64>().unwrap_or(i64::MAX));
        }
        Ok(groups)
    }
}
