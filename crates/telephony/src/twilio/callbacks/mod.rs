//! The forms Twilio posts to our webhooks (digest §2.2, §4.2–4.4), parsed leniently:
//! fields we do not read are ignored (Twilio adds new ones without notice) and a missing
//! required field is an error naming it. Pass the decoded form with repeated keys kept;
//! the first value of a name counts.
//!
//! Check the request's [`signature`](super::signature) before parsing.

mod call;
mod form;
mod message;
mod recording;

pub use call::{AmdCallback, AnsweredBy, CallStatus, StatusCallback};
pub use form::CallbackError;
pub use message::{InboundSms, MessageStatusCallback};
pub use recording::{Recording, RecordingCallback};
