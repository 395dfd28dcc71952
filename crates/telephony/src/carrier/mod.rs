//! The carrier role: what the API layer asks of Twilio, Telnyx, VoIP.ms or the simulator,
//! whichever holds the number. Object safe, so the server keeps `Arc<dyn Carrier>` per
//! configured account.
//!
//! Webhook handling is carrier-specific and lives beside each client (`twilio`, `telnyx`,
//! `voipms`); this trait covers the requests we start.

mod config;
mod error;
mod http;
mod types;

use futures_util::future::BoxFuture;

pub use config::{CarrierTimeouts, ConfigError};
pub use error::CarrierError;
pub(crate) use http::{client, retry_after, transport_error, truncate};
pub use types::{
    AvailableNumber, CallWebhooks, CarrierKind, MachineDetection, NumberCapabilities, NumberHooks,
    NumberSearch, OutboundSms, OwnedNumber, PlaceCall, PlacedCall, RecordingMedia, SentSms,
};

pub type CarrierResult<T> = Result<T, CarrierError>;

pub trait Carrier: Send + Sync {
    fn kind(&self) -> CarrierKind;

    /// The configured account's name, for logs and errors. Never a secret.
    fn name(&self) -> &str;

    /// The longest SMS body one send may carry; longer texts are split before sending.
    fn sms_segment_limit(&self) -> usize;

    /// Starts an outbound call. Returns once the carrier accepted it (the call is queued
    /// there); progress arrives on the webhooks.
    fn place_call(&self, call: PlaceCall) -> BoxFuture<'static, CarrierResult<PlacedCall>>;

    /// Ends a live call (or cancels one still ringing). A call the carrier no longer knows
    /// as live is already over: that is `Ok`.
    fn hang_up(&self, carrier_call_id: &str) -> BoxFuture<'static, CarrierResult<()>>;

    /// Moves the caller of a live call to `to` (E.164), showing `caller_id`; the AI leg ends.
    fn transfer(
        &self,
        carrier_call_id: &str,
        to: &str,
        caller_id: &str,
    ) -> BoxFuture<'static, CarrierResult<()>>;

    /// Ends a live call after saying `text` (a voicemail after the beep).
    fn say_and_hang_up(
        &self,
        carrier_call_id: &str,
        text: &str,
    ) -> BoxFuture<'static, CarrierResult<()>>;

    fn search_numbers(
        &self,
        search: NumberSearch,
    ) -> BoxFuture<'static, CarrierResult<Vec<AvailableNumber>>>;

    /// Buys `phone_number` (E.164) and points its webhooks at `hooks`.
    fn provision_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>>;

    /// Finds a number the account already owns and points its webhooks at `hooks`.
    /// `CarrierError::NotFound` when the account does not hold it.
    fn import_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>>;

    /// Gives a number back to the carrier. Releasing one already gone is `Ok`.
    fn release_number(&self, number: &OwnedNumber) -> BoxFuture<'static, CarrierResult<()>>;

    /// Sends one SMS whose body fits [`Carrier::sms_segment_limit`].
    fn send_sms(&self, sms: OutboundSms) -> BoxFuture<'static, CarrierResult<SentSms>>;

    /// Downloads a recording the carrier announced at `recording_url`, with our credentials.
    fn fetch_recording(
        &self,
        recording_url: &str,
    ) -> BoxFuture<'static, CarrierResult<RecordingMedia>>;
}
