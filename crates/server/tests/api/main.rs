//! HTTP-level tests: the real app on port 0, a fresh database per test, SQLite always and
//! PostgreSQL when SWITCHBOARD_TEST_POSTGRES_URL is set.

mod agents;
mod api_keys;
mod auth;
mod calls;
mod conversation;
mod helpers;
mod logs;
mod mcp;
mod media;
mod members;
mod messaging;
mod operations;
mod rate_limits;
mod telephony;
mod tenancy;
mod tools;
mod validation;
