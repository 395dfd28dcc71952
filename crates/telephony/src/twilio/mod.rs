//! Twilio: webhook signatures, the REST client and the callbacks Twilio posts back.

pub mod callbacks;
pub mod rest;
pub mod signature;
