//! The Telnyx client and webhook code against the fake Telnyx, over real HTTP on 127.0.0.1.

// Shared with the VoIP.ms tests; each reads parts the other does not.
#[allow(dead_code)]
#[path = "common/receiver.rs"]
mod receiver;

mod telnyx {
    pub mod support;

    mod calls;
    mod errors;
    mod events;
    mod messaging;
    mod numbers;
    mod signatures;
}
