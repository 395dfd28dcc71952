//! VoIP.ms: the `rest.php` client ([`VoipMsClient`], a [`Carrier`](crate::carrier::Carrier)
//! for numbers and SMS) and the inbound-SMS [`callback`]. Wire format: digest §5.
//!
//! Numbers are E.164 outside and 10-digit NANP on the wire; other numbers are refused.
//! The password travels in every request's query string, so no URL ever reaches an error.

pub mod callback;
mod carrier;
mod client;
mod config;
mod nanp;
mod numbers;
mod sms;
mod status;

pub use client::VoipMsClient;
pub use config::VoipMsCredentials;
pub use sms::{SmsQuery, StoredSms};
