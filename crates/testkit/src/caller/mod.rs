//! The simulated caller: dials in over a media WebSocket exactly as Twilio does.
//!
//! It plays both of Twilio's parts (`shared/protocols/telephony.md` §1.7):
//!
//! * **the phone line**: `connected`, `start` (with the configured `customParameters`, where
//!   the one-time stream token goes), then a 160-byte mu-law `media` frame every 20 ms for
//!   the whole call — the script's speech, silence (`0xFF`) in between — plus `dtmf` and,
//!   at the end, `stop` and a close. Numbering is [`CallerStream`]'s, i.e. Twilio's.
//! * **the earpiece**: the server's `media` fill a playback queue that drains at 8 bytes per
//!   ms; each `mark` is echoed once the audio queued before it has played, or at once on a
//!   `clear`, which also drops the unplayed audio. Any other event, a non-base64 payload, a
//!   WAV header in a payload or a binary frame is recorded as a protocol error (Twilio's
//!   31924) and otherwise ignored, so a test sees every violation rather than the first.
//!
//! The call ends when the script is done (or says `Hangup`), when the server closes, when the
//! connection fails, at the configured limit, or when [`CallerConfig::stop`] is cancelled. The [`CallReport`] holds the agent's audio
//! as played, the marks, clears and protocol errors with their times, and per-turn timings.
//!
//! Timing: frames go out on an absolute schedule, so pacing does not drift. At
//! [`Pace::RealTime`] the report's latencies are what a caller would experience; at other
//! paces the server sees audio faster (or slower) than real time and those numbers mix the
//! two clocks, so use the faster paces for behaviour and throughput, not for latency
//! claims. Times come from tokio's clock; with paused time the frame schedule collapses
//! (sleeps return at once) while the socket stays real.
//!
//! [`CallerStream`]: switchboard_telephony::media::twilio::CallerStream
//!
//! ```no_run
//! use std::time::Duration;
//! use switchboard_testkit::caller::{CallEnd, CallerConfig, Script, SimulatedCaller, Utterance};
//! # async fn example(port: u16, token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let hello = Utterance::from_wav_file("crates/audio/fixtures/speech_8k_ulaw.wav")?;
//! let config = CallerConfig::new(format!("ws://127.0.0.1:{port}/media/twilio"))
//!     .parameter("token", token)
//!     .signed("auth-token", "wss://switchboard.example/media/twilio");
//! let script = Script::new()
//!     .wait_for_agent(Duration::from_millis(700), Duration::from_secs(5)) // the greeting
//!     .say(hello)
//!     .wait_for_agent(Duration::from_millis(700), Duration::from_secs(5))
//!     .hangup();
//! let report = SimulatedCaller::new(config).run(script).await?;
//! assert_eq!(report.ended_by, CallEnd::HungUp);
//! println!("answered in {:?}", report.turn_latencies());
//! report.recording.save_wav("/tmp/agent.wav")?;
//! # Ok(())
//! # }
//! ```

mod clock;
mod config;
mod error;
mod inbound;
mod log;
mod outbound;
mod playback;
mod recording;
mod report;
mod runner;
mod script;
mod session;
mod utterance;

#[cfg(test)]
mod tests;

pub use config::{CallerConfig, Pace, TurnTap, random_sid};
pub use error::CallerError;
pub use recording::Recording;
pub use report::{
    BargeInTiming, CallEnd, CallReport, CallResult, ClearRecord, CloseRecord, MarkRecord,
    OutboundPacing, PacingStats, ProtocolError, ProtocolViolation, TurnTiming,
};
pub use script::{Script, Step};
pub use utterance::{Utterance, UtteranceError};

/// A caller with its configuration, ready to dial.
#[derive(Debug, Clone)]
pub struct SimulatedCaller {
    config: CallerConfig,
}

impl SimulatedCaller {
    pub fn new(config: CallerConfig) -> Self {
        SimulatedCaller { config }
    }

    pub fn config(&self) -> &CallerConfig {
        &self.config
    }

    /// Dials, plays `script` and reports. Fails only if the call never starts (bad
    /// configuration, connection refused, upgrade rejected); everything after that,
    /// including a dropped connection, is in the report.
    pub async fn run(self, script: Script) -> CallResult {
        session::run(self.config, script).await
    }
}
