//! Persistence for Switchboard: one query layer over SQLite (the default) and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver with `$1` placeholders, which both databases accept.
//! Only the DDL differs, in `migrations/sqlite` and `migrations/postgres`. Every query on a
//! tenant-owned table filters on `tenant_id`; the only lookups without one are the entry points
//! that *find* the tenant (login by email, a session token, an API key).

/// The columns of `users`, as the `User` row type reads them.
macro_rules! user_columns {
    () => {
        "id, tenant_id, email, name, password_hash, role, is_operator, created_at, updated_at"
    };
}

mod agents;
mod api_keys;
mod call_me;
mod calls;
mod db;
mod error;
mod page;
mod phone_numbers;
mod secrets;
mod sessions;
mod sms;
mod stream_tokens;
mod tenants;
mod tools;
mod usage;
mod users;
mod webhook_receipts;

pub use agents::{Agent, AgentChanges, AgentFilter, AgentUsage, NewAgent, UserAgent};
pub use api_keys::{ApiKey, NewApiKey};
pub use call_me::{CallMeNumber, CodeCheck};
pub use calls::{
    Call, CallEvent, CallFilter, CallRecordBatch, CallTotals, CostComponent, CostEvent, NewCall,
    NewCallEvent, NewCostEvent, NewTranscriptEntry, NewTurnLatency, TranscriptLine, TurnLatencyRow,
};
pub use db::{Backend, Store};
pub use error::StoreError;
pub use page::{Cursor, DEFAULT_PAGE, MAX_PAGE, Page, PageRequest};
pub use phone_numbers::{NewPhoneNumber, PhoneNumber, PhoneNumberChanges, SmsMode};
pub use secrets::SecretsKey;
pub use sessions::Session;
pub use sms::{Conversation, Message, MessageDirection, NewMessage};
pub use stream_tokens::StreamGrant;
pub use tenants::Tenant;
pub use tools::{NewTool, Tool, ToolChanges};
pub use usage::{Charges, UsageFilter, UsageGroup, UsageGrouping, UsageRecord};
pub use users::{NewUser, User};

/// Milliseconds since the Unix epoch, the unit of every stored instant.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
