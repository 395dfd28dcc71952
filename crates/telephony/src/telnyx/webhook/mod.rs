//! Telnyx webhooks: the Ed25519 signature check and the typed events.

mod event;
mod signature;

pub use event::{
    CallAnswered, CallHangup, CallInitiated, CallLeg, Direction, Envelope, Event, HangupCause,
    MachineDetectionEnded, MachineGreetingEnded, MachineResult, MessageReceived, MessageStatus,
    RecordingSaved, RecordingUrls, Streaming, parse,
};
pub use signature::{DEFAULT_TOLERANCE, SIGNATURE_HEADER, TIMESTAMP_HEADER, VerifyError, verify};
