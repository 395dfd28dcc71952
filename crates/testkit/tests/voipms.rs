//! The VoIP.ms client and SMS callback against the fake VoIP.ms, over real HTTP on 127.0.0.1.

// Shared with the Telnyx tests; each reads parts the other does not.
#[allow(dead_code)]
#[path = "common/receiver.rs"]
mod receiver;

mod voipms {
    pub mod support;

    mod callback;
    mod errors;
    mod numbers;
    mod sms;
}
