use std::time::Duration;

use crate::fakes::Faults;

/// The key every TTS fake accepts unless told otherwise.
pub const FAKE_KEY: &str = "fake-tts-key-0123456789";

/// How a TTS fake behaves.
#[derive(Debug, Clone)]
pub struct FakeTtsConfig {
    /// The only key accepted.
    pub api_key: String,
    /// Audio produced per character of (trimmed) text.
    pub ms_per_char: u32,
    /// Audio per chunk (WebSocket message or HTTP body chunk).
    pub chunk_ms: u32,
    /// Frequency of the tone the fake "speaks".
    pub tone_hz: f32,
    /// Latency and fault knobs. `first_byte` counts from the request (HTTP) or from the
    /// message that triggered generation (WebSocket).
    pub faults: Faults,
    /// Apply `faults.http_error` / `faults.ws_close` only to the first N requests or streams
    /// (`None`: to all), to test retries.
    pub fail_first: Option<usize>,
    /// `retry-after` (seconds) sent with an injected 429.
    pub retry_after_secs: Option<u64>,
    /// ElevenLabs voices known to the fake; other voice ids are refused.
    pub voices: Vec<String>,
}

impl Default for FakeTtsConfig {
    fn default() -> Self {
        Self {
            api_key: FAKE_KEY.into(),
            ms_per_char: 10,
            chunk_ms: 100,
            tone_hz: 440.0,
            faults: Faults::default(),
            fail_first: None,
            retry_after_secs: None,
            voices: vec!["21m00Tcm4TlvDq8ikWAM".into(), "pNInz6obpgDQGcFmaJgB".into()],
        }
    }
}

impl FakeTtsConfig {
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    pub fn first_byte(mut self, delay: Duration) -> Self {
        self.faults.first_byte = delay;
        self
    }
}
