//! Where and how to connect, and what the session asks of the model (digest §5.1-§5.3).

use std::time::Duration;

use url::Url;

use crate::llm::ToolSpec;
use crate::tts::ApiKey;
use crate::{ProviderError, Timeouts};

pub(crate) const PROVIDER: &str = "openai-realtime";

/// OpenAI's endpoint; the only host written into the crate.
pub const DEFAULT_BASE_URL: &str = "wss://api.openai.com/v1/realtime";

/// Which generation of the protocol to speak (digest §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Naming {
    /// The GA interface: nested `audio.input/output`, `audio/pcmu`, no beta header.
    #[default]
    Ga,
    /// The beta interface: `OpenAI-Beta: realtime=v1`, flat `g711_ulaw` fields.
    Beta,
}

/// How eagerly semantic VAD ends the caller's turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Eagerness {
    Low,
    Medium,
    High,
    #[default]
    Auto,
}

impl Eagerness {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Eagerness::Low => "low",
            Eagerness::Medium => "medium",
            Eagerness::High => "high",
            Eagerness::Auto => "auto",
        }
    }
}

/// The server's turn detection. With `create_response` the server answers each finished
/// turn by itself; with `interrupt_response` it cancels its answer when the caller talks over
/// it (the client still truncates what was not played).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TurnDetection {
    ServerVad {
        /// Activation threshold, 0.0 ..= 1.0.
        threshold: f32,
        /// Audio kept before detected speech.
        prefix_padding_ms: u32,
        /// Silence that ends a turn.
        silence_duration_ms: u32,
        create_response: bool,
        interrupt_response: bool,
    },
    SemanticVad {
        eagerness: Eagerness,
        create_response: bool,
        interrupt_response: bool,
    },
}

impl Default for TurnDetection {
    /// Server VAD with the digest's values: 0.5, 300 ms padding, 500 ms silence, answering and
    /// interrupting on its own.
    fn default() -> Self {
        TurnDetection::ServerVad {
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: true,
        }
    }
}

impl TurnDetection {
    /// Whether the server starts a response by itself when a turn ends.
    pub fn creates_response(&self) -> bool {
        match *self {
            TurnDetection::ServerVad {
                create_response, ..
            }
            | TurnDetection::SemanticVad {
                create_response, ..
            } => create_response,
        }
    }
}

/// What one call's session asks of the model. Start from [`RealtimeConfig::session`] and
/// change what differs per call (instructions, tools).
#[derive(Debug, Clone, PartialEq)]
pub struct RealtimeSession {
    pub instructions: String,
    /// e.g. `marin`, `cedar` (GA) or `alloy`, `verse`.
    pub voice: String,
    pub turn_detection: TurnDetection,
    /// Transcribe the caller too (e.g. `gpt-4o-transcribe`, `whisper-1`); `None` for no
    /// [`RealtimeEvent::InputTranscript`](super::RealtimeEvent::InputTranscript).
    pub input_transcription: Option<String>,
    pub tools: Vec<ToolSpec>,
}

impl Default for RealtimeSession {
    fn default() -> Self {
        Self {
            instructions: String::new(),
            voice: "marin".into(),
            turn_detection: TurnDetection::default(),
            input_transcription: None,
            tools: Vec::new(),
        }
    }
}

/// Everything an [`OpenAiRealtime`](super::OpenAiRealtime) needs. `Debug` never shows the key.
#[derive(Debug, Clone)]
pub struct RealtimeConfig {
    /// The endpoint without query, e.g. [`DEFAULT_BASE_URL`] or a fake's
    /// `ws://127.0.0.1:PORT/v1/realtime`. `http(s)://` is read as `ws(s)://`.
    pub base_url: String,
    /// Sent as `Authorization: Bearer KEY`.
    pub api_key: ApiKey,
    /// Sent as the `model` query parameter, e.g. `gpt-realtime`.
    pub model: String,
    pub naming: Naming,
    /// The session defaults [`RealtimeConfig::session`] hands out.
    pub session: RealtimeSession,
    /// `connect` bounds the upgrade, `first_byte` both the session acknowledgement and the
    /// wait for a requested response's first audio, `idle` a gap inside a response.
    pub timeouts: Timeouts,
}

impl RealtimeConfig {
    /// OpenAI's endpoint, GA naming, default session and timeouts.
    pub fn new(api_key: ApiKey, model: impl Into<String>) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.into(),
            api_key,
            model: model.into(),
            naming: Naming::Ga,
            session: RealtimeSession::default(),
            timeouts: Timeouts::default(),
        }
    }

    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// A copy of the default session, to adjust for one call.
    pub fn session(&self) -> RealtimeSession {
        self.session.clone()
    }

    /// `<base>?model=<model>` with a WebSocket scheme.
    pub(crate) fn url(&self) -> Result<Url, ProviderError> {
        let base = self.base_url.trim_end_matches('/');
        let base = match base.split_once("://") {
            Some(("https", rest)) => format!("wss://{rest}"),
            Some(("http", rest)) => format!("ws://{rest}"),
            Some(("ws" | "wss", _)) => base.to_owned(),
            _ => {
                return Err(bad_config(
                    "base URL must start with ws://, wss://, http:// or https://",
                ));
            }
        };
        let mut url = Url::parse(&base).map_err(|_| bad_config("base URL is not a URL"))?;
        url.query_pairs_mut().append_pair("model", &self.model);
        Ok(url)
    }

    /// The upgrade's headers: the key, and the beta marker when speaking beta.
    pub(crate) fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![("authorization", format!("Bearer {}", self.api_key.expose()))];
        if self.naming == Naming::Beta {
            headers.push(("openai-beta", "realtime=v1".into()));
        }
        headers
    }
}

fn bad_config(message: &str) -> ProviderError {
    ProviderError::BadRequest {
        provider: PROVIDER,
        status: 0,
        message: message.into(),
    }
}

/// The time `bytes` of 8 kHz mu-law play for.
pub(crate) fn mulaw_duration(bytes: u64) -> Duration {
    Duration::from_micros(bytes * 125)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_carries_the_model_and_a_websocket_scheme() {
        let config = RealtimeConfig::new(ApiKey::new("sk-secret"), "gpt-realtime");
        assert_eq!(
            config.url().unwrap().as_str(),
            "wss://api.openai.com/v1/realtime?model=gpt-realtime"
        );
        let local = config
            .clone()
            .with_base_url("http://127.0.0.1:9/v1/realtime/");
        assert_eq!(
            local.url().unwrap().as_str(),
            "ws://127.0.0.1:9/v1/realtime?model=gpt-realtime"
        );
        assert!(config.clone().with_base_url("ftp://x").url().is_err());
    }

    #[test]
    fn headers_follow_the_naming_and_debug_hides_the_key() {
        let mut config = RealtimeConfig::new(ApiKey::new("sk-secret"), "gpt-realtime");
        assert_eq!(
            config.headers(),
            vec![("authorization", "Bearer sk-secret".to_owned())]
        );
        config.naming = Naming::Beta;
        assert!(
            config
                .headers()
                .contains(&("openai-beta", "realtime=v1".to_owned()))
        );
        assert!(!format!("{config:?}").contains("sk-secret"));
    }
}
