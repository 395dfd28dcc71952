//! Session tuning, with defaults chosen against the budgets in DESIGN §9.

use std::time::Duration;

use switchboard_audio::frame::FRAME_MS;
use switchboard_audio::vad::VadConfig;

use crate::VoiceError;

/// Tuning of one call session. [`SessionConfig::default`] is what production uses.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionConfig {
    /// How long the carrier has to send `start` after the socket opens (default 5 s).
    pub start_timeout: Duration,
    /// How long the authenticator may take (default 5 s); past it the socket closes with 1011.
    pub auth_timeout: Duration,
    /// No inbound message of any kind for this long ends the session (default 15 s). Carriers
    /// send media every 20 ms and answer pings, so silence this long means a half-open socket.
    pub idle_timeout: Duration,
    /// A ping goes out this often (default 5 s), so a live peer always has something to answer.
    pub ping_interval: Duration,
    /// How far agent audio may run ahead of the wall clock (default 80 ms). The carrier
    /// buffers it; more lead rides out scheduling jitter, less makes `clear` cut off less
    /// already-queued audio. At least one frame (20 ms).
    pub playback_lead: Duration,
    /// Voice-activity detection of the caller. `sample_rate` is replaced by the stream's.
    pub vad: VadConfig,
    /// Caller speech must last this long (from its onset) before it interrupts the agent
    /// (default 40 ms, the VAD's own onset time, so barge-in fires on `SpeechStart`).
    /// Raising it lets short backchannels through, at the cost of a later `clear`: the
    /// barge-in budget is 150 ms from onset.
    pub barge_in_min_speech: Duration,
    /// Audio kept on each side of a caller utterance handed to the brain (default 100 ms),
    /// so the first syllable is not clipped. Capped at the VAD hangover.
    pub utterance_padding: Duration,
    /// Longest caller utterance captured for the brain (default 30 s; 8 KB per second).
    /// Zero turns capture off: brains then get speech events with empty audio.
    pub max_utterance: Duration,
    /// How long session tasks get to finish after the end before they are aborted, and how
    /// long a close frame may take to send (default 1 s).
    pub shutdown_grace: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            start_timeout: Duration::from_secs(5),
            auth_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(15),
            ping_interval: Duration::from_secs(5),
            playback_lead: Duration::from_millis(80),
            vad: VadConfig::new(8000),
            barge_in_min_speech: Duration::from_millis(40),
            utterance_padding: Duration::from_millis(100),
            max_utterance: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(1),
        }
    }
}

impl SessionConfig {
    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<(), VoiceError> {
        let invalid = |what: &str| Err(VoiceError::InvalidConfig(what.to_owned()));
        let frame = Duration::from_millis(u64::from(FRAME_MS));
        if self.playback_lead < frame {
            return invalid("playback_lead must be at least one 20 ms frame");
        }
        if self.start_timeout.is_zero() || self.auth_timeout.is_zero() {
            return invalid("start_timeout and auth_timeout must be positive");
        }
        if self.idle_timeout.is_zero() || self.ping_interval.is_zero() {
            return invalid("idle_timeout and ping_interval must be positive");
        }
        if self.ping_interval >= self.idle_timeout {
            return invalid("ping_interval must be shorter than idle_timeout");
        }
        if let Err(e) = switchboard_audio::vad::Vad::new(self.vad) {
            return invalid(&format!("vad: {e}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        SessionConfig::default().validate().unwrap();
        let bad = SessionConfig {
            playback_lead: Duration::from_millis(10),
            ..SessionConfig::default()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("playback_lead")
        );
        let bad = SessionConfig {
            ping_interval: Duration::from_secs(20),
            ..SessionConfig::default()
        };
        assert!(bad.validate().is_err());
        let mut bad = SessionConfig::default();
        bad.vad.frame_ms = 25;
        assert!(bad.validate().unwrap_err().to_string().contains("vad"));
    }
}
