//! Who the simulated caller is, where it dials and how fast it talks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_telephony::twilio::signature;
use tokio_util::sync::CancellationToken;

use super::report::TurnTiming;

/// How fast the caller sends its audio.
///
/// Everything the script waits for (pauses, "agent quiet for N ms", barge-in delays, step
/// timeouts) and the playback of the agent's audio run on the *call clock*, which is wall
/// time multiplied by the speed. Reported timings are always wall time: they measure the
/// server, so they only mean what they say at [`Pace::RealTime`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// One 20 ms frame every 20 ms, on an absolute schedule that does not drift: a late
    /// frame is followed by a short burst, as a carrier does after jitter.
    RealTime,
    /// Real time sped up by this factor (greater than zero): `Speed(4.0)` sends a frame
    /// every 5 ms and plays the agent's audio four times faster.
    Speed(f64),
    /// Scripted audio (utterances and pauses) back to back, as fast as the socket takes it,
    /// for throughput tests. While the script waits for the agent the line still carries
    /// silence, paced at real time, and the call clock is wall time.
    Unpaced,
}

impl Pace {
    /// Call-clock seconds per wall-clock second.
    pub(crate) fn speed(self) -> f64 {
        match self {
            Pace::RealTime | Pace::Unpaced => 1.0,
            Pace::Speed(factor) => factor,
        }
    }
}

/// Everything about one simulated call except its script.
///
/// Built with [`CallerConfig::new`] and the chained setters; the fields are public so that a
/// load generator can stamp out many variations cheaply.
#[derive(Debug, Clone)]
pub struct CallerConfig {
    /// The media WebSocket, `ws://host:port/path` (no TLS support: tests dial 127.0.0.1).
    pub url: String,
    /// Extra headers on the upgrade request, such as `X-Twilio-Signature`.
    pub headers: Vec<(String, String)>,
    /// `AC` + 32 hex digits.
    pub account_sid: String,
    /// `CA` + 32 hex digits.
    pub call_sid: String,
    /// `MZ` + 32 hex digits.
    pub stream_sid: String,
    /// `start.customParameters`: the `<Parameter>`s of the TwiML `<Stream>`, where the
    /// server's one-time stream token travels.
    pub custom_parameters: BTreeMap<String, String>,
    pub pace: Pace,
    /// Hard limit on the whole call in wall time; when it passes the caller sends `stop`,
    /// closes and reports [`CallEnd::TimedOut`](super::CallEnd::TimedOut).
    pub call_timeout: Duration,
    /// How long to wait, after hanging up, for the server's answering close frame.
    pub close_timeout: Duration,
    /// Keep the agent's audio as played (turn off in load tests to save memory; the
    /// recording then only knows its length).
    pub record_audio: bool,
    /// Cancelling it ends the call from outside, as the carrier does when the call is hung
    /// up or redirected elsewhere: the caller sends `stop`, closes and reports
    /// [`CallEnd::Stopped`](super::CallEnd::Stopped).
    pub stop: CancellationToken,
    /// Where to report each answered turn as it happens, for a live view of many calls.
    pub tap: Option<TurnTap>,
}

/// Answered turns, reported by callers as they happen and taken by whoever watches (a load
/// generator's progress line). Shared by clones; holds only what has not been taken yet.
#[derive(Debug, Clone, Default)]
pub struct TurnTap(Arc<Mutex<Vec<TurnTiming>>>);

impl TurnTap {
    pub(crate) fn answered(&self, turn: &TurnTiming) {
        self.0.lock().expect("tap lock").push(turn.clone());
    }

    /// Takes the turns answered since the last call.
    pub fn take(&self) -> Vec<TurnTiming> {
        std::mem::take(&mut *self.0.lock().expect("tap lock"))
    }
}

impl CallerConfig {
    /// A real-time caller with fresh random sids, no parameters and a 60 s call limit.
    pub fn new(url: impl Into<String>) -> Self {
        CallerConfig {
            url: url.into(),
            headers: Vec::new(),
            account_sid: random_sid("AC"),
            call_sid: random_sid("CA"),
            stream_sid: random_sid("MZ"),
            custom_parameters: BTreeMap::new(),
            pace: Pace::RealTime,
            call_timeout: Duration::from_secs(60),
            close_timeout: Duration::from_secs(1),
            record_audio: true,
            stop: CancellationToken::new(),
            tap: None,
        }
    }

    /// Adds a `start.customParameters` entry.
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.custom_parameters.insert(name.into(), value.into());
        self
    }

    /// Adds a header to the upgrade request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Signs the upgrade as Twilio does: `X-Twilio-Signature` over `public_url` (the `wss://`
    /// URL the server believes Twilio dialled, which differs from the `ws://127.0.0.1` one
    /// actually used in tests) with no parameters.
    pub fn signed(self, auth_token: &str, public_url: &str) -> Self {
        let value = signature::sign(auth_token, public_url, std::iter::empty::<(&str, &str)>());
        self.header(signature::HEADER, value)
    }

    pub fn pace(mut self, pace: Pace) -> Self {
        self.pace = pace;
        self
    }

    pub fn call_timeout(mut self, limit: Duration) -> Self {
        self.call_timeout = limit;
        self
    }

    pub fn record_audio(mut self, keep: bool) -> Self {
        self.record_audio = keep;
        self
    }

    /// Reports answered turns to `tap` as they happen.
    pub fn tap(mut self, tap: TurnTap) -> Self {
        self.tap = Some(tap);
        self
    }

    /// Ends the call when `token` is cancelled (see [`CallerConfig::stop`]).
    pub fn stop_on(mut self, token: CancellationToken) -> Self {
        self.stop = token;
        self
    }
}

/// A Twilio-style sid: two letters and 32 lowercase hex digits (128 random bits).
pub fn random_sid(prefix: &str) -> String {
    format!("{prefix}{:032x}", ulid::Ulid::new().0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_look_like_twilio_sids() {
        let config = CallerConfig::new("ws://127.0.0.1:1/media");
        for (sid, prefix) in [
            (&config.stream_sid, "MZ"),
            (&config.call_sid, "CA"),
            (&config.account_sid, "AC"),
        ] {
            assert_eq!(sid.len(), 34, "{sid}");
            assert!(sid.starts_with(prefix));
            assert!(
                sid[2..]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            );
        }
        assert_ne!(
            config.stream_sid[2..],
            CallerConfig::new("x").stream_sid[2..]
        );
    }

    #[test]
    fn signing_adds_the_twilio_header() {
        let url = "wss://example.com/media/twilio";
        let config = CallerConfig::new("ws://127.0.0.1:1/media/twilio").signed("token", url);
        let (name, value) = &config.headers[0];
        assert_eq!(name, "X-Twilio-Signature");
        assert!(
            signature::validate("token", url, std::iter::empty::<(&str, &str)>(), value).is_ok()
        );
    }
}
