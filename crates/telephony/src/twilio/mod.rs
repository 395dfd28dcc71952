//! Twilio webhooks.

pub mod signature;
