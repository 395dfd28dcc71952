//! End-to-end tests of a call session over an in-memory socket, against a fake carrier, in
//! paused (virtual) time: deterministic, and seconds of call time cost milliseconds.

mod support;

mod barge_in;
mod confirm;
mod echo;
mod handshake;
mod lifecycle;
mod marks;
mod pacing;
mod robustness;

use support::TestAuth;
use switchboard_telephony::media::Carrier;
use switchboard_voice::{BrainSpec, Session, SessionConfig};

/// A Twilio session whose authenticator accepts the token `good` and runs `brain`.
fn session(config: SessionConfig, brain: BrainSpec) -> Session<TestAuth> {
    Session::new(Carrier::Twilio, config, TestAuth::new(brain)).unwrap()
}
