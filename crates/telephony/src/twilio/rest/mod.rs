//! Twilio's REST API 2010-04-01 (`shared/protocols/telephony.md` §4) as a
//! [`Carrier`](crate::carrier::Carrier): calls, messages, phone numbers and recordings.
//!
//! Every request carries HTTP Basic `AccountSid:AuthToken` and `Accept: application/json`;
//! bodies are forms (lists repeat their key) and every path is
//! `/2010-04-01/Accounts/{AccountSid}/….json`. Twilio's JSON error body
//! (`{code, message, more_info, status}`) becomes a [`CarrierError`](crate::carrier::CarrierError).
//!
//! ```no_run
//! use switchboard_telephony::carrier::Carrier;
//! use switchboard_telephony::carrier::CarrierTimeouts;
//! use switchboard_telephony::twilio::rest::{TwilioClient, TwilioCredentials};
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let credentials = TwilioCredentials::new("main", "AC0123456789abcdef0123456789abcdef", "token");
//! let twilio = TwilioClient::new(credentials, CarrierTimeouts::default())?;
//! twilio.hang_up("CA0123456789abcdef0123456789abcdef").await?;
//! # Ok(())
//! # }
//! ```

mod calls;
mod carrier;
mod client;
mod credentials;
mod errors;
mod messages;
mod numbers;
mod recordings;

pub use calls::CallSnapshot;
pub use client::TwilioClient;
pub use credentials::{DEFAULT_BASE_URL, TwilioCredentials};
