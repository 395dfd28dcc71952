use std::time::Duration;

use crate::Timeouts;
use crate::tts::{ApiKey, RetryPolicy};

/// Where the key goes on the WebSocket. The SDK sends the `xi-api-key` header on the upgrade;
/// the first message may carry it instead (digest §2.1), for proxies that strip headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyPlacement {
    #[default]
    Header,
    FirstMessage,
}

/// Everything an ElevenLabs client needs. Base URLs have no trailing path:
/// `https://api.elevenlabs.io` and `wss://api.elevenlabs.io` for the real service,
/// `FakeServer::http_url()` / `ws_url()` in tests.
#[derive(Debug, Clone)]
pub struct ElevenLabsConfig {
    pub api_key: ApiKey,
    pub http_base: String,
    pub ws_base: String,
    /// Used when the voice names none.
    pub default_model: String,
    /// `generation_config.chunk_length_schedule` of the init message (each 50-500 chars).
    /// Smaller first entries give earlier audio; `None` leaves the server default
    /// `[120,160,250,290]`.
    pub chunk_length_schedule: Option<Vec<u16>>,
    pub key_placement: KeyPlacement,
    /// Query `inactivity_timeout` in seconds (server default 20, max 180).
    pub inactivity_timeout: Option<u32>,
    /// Query `auto_mode` (pipecat sets it: the server decides when to generate).
    pub auto_mode: Option<bool>,
    /// Query `sync_alignment`.
    pub sync_alignment: Option<bool>,
    /// Query `apply_text_normalization`: `auto`, `on` or `off`.
    pub apply_text_normalization: Option<String>,
    /// Query `enable_logging` (false = zero-retention mode on plans that have it).
    pub enable_logging: Option<bool>,
    /// HTTP streaming only: query `optimize_streaming_latency` (0-4).
    pub optimize_streaming_latency: Option<u8>,
    /// Send the `{"text":" "}` keep-alive after this long without a message, so the server's
    /// `inactivity_timeout` does not end a stream while the LLM is slow.
    pub keepalive: Duration,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
}

impl ElevenLabsConfig {
    /// The real service's URLs and the defaults the call path wants.
    pub fn new(api_key: ApiKey) -> Self {
        Self {
            api_key,
            http_base: "https://api.elevenlabs.io".into(),
            ws_base: "wss://api.elevenlabs.io".into(),
            default_model: "eleven_flash_v2_5".into(),
            chunk_length_schedule: Some(vec![120, 160, 250, 290]),
            key_placement: KeyPlacement::Header,
            inactivity_timeout: None,
            auto_mode: None,
            sync_alignment: None,
            apply_text_normalization: None,
            enable_logging: None,
            optimize_streaming_latency: None,
            keepalive: Duration::from_secs(10),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
        }
    }

    /// Points both base URLs at one server (a fake, a proxy).
    pub fn with_base(mut self, http_base: impl Into<String>, ws_base: impl Into<String>) -> Self {
        self.http_base = http_base.into();
        self.ws_base = ws_base.into();
        self
    }
}
