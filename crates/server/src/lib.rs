//! The Switchboard server: the `switchboard` binary's library half, so tests can start the
//! real application on port 0.

pub mod auth;
pub mod calls;
pub mod cli;
pub mod commands;
pub mod config;
pub mod http;
pub mod mcp;
pub mod media;
pub mod providers;
mod routes;
pub mod server;
pub mod telemetry;
pub mod telephony;
pub mod usage;

pub use server::Server;
