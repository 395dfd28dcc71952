//! Deepgram connection settings and the `/v1/listen` URL (digest §1.1, §1.5).

use std::time::Duration;

use url::Url;

use crate::stt::options::StreamOptions;
use crate::{ProviderError, Timeouts};

pub(crate) const PROVIDER: &str = "deepgram";

/// How the key is presented on the upgrade / POST request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthScheme {
    /// `Authorization: Token <API_KEY>`, the SDK's default.
    #[default]
    Token,
    /// `Authorization: Bearer <temporary JWT>`.
    Bearer,
}

/// Settings shared by the live and prerecorded clients.
#[derive(Clone)]
pub struct DeepgramConfig {
    /// Scheme and host, e.g. `wss://api.deepgram.com` or a fake's `ws://127.0.0.1:PORT`.
    /// `ws`/`http` and `wss`/`https` are interchangeable: each client picks the scheme it needs.
    pub base_url: String,
    pub api_key: String,
    pub auth: AuthScheme,
    /// `connect` bounds the handshake, `first_byte` the wait for the first message after the
    /// first audio, `idle` the wait for any message while audio keeps flowing.
    pub timeouts: Timeouts,
    /// How long without audio before the live client sends a `KeepAlive` on its own. Deepgram
    /// closes after 10 s without audio or KeepAlive and asks for one every 3-5 s.
    pub keepalive_every: Duration,
    /// How long `CloseStream` may take to produce the final results, metadata and close.
    pub close_timeout: Duration,
    /// Fail the stream when audio flows but no message arrives for `timeouts.idle`. This
    /// assumes Deepgram keeps answering during long silences (empty results), which the
    /// digest does not confirm; turn it off if a deployment sees false timeouts, and rely
    /// on the fallback chain's end-of-speech budget instead.
    pub idle_watchdog: bool,
}

impl std::fmt::Debug for DeepgramConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeepgramConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("auth", &self.auth)
            .field("timeouts", &self.timeouts)
            .field("keepalive_every", &self.keepalive_every)
            .finish()
    }
}

impl DeepgramConfig {
    /// Defaults for everything but the base URL and key: token auth, the crate's default
    /// timeouts, a KeepAlive every 4 s, 5 s to close.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: api_key.into(),
            auth: AuthScheme::Token,
            timeouts: Timeouts::default(),
            keepalive_every: Duration::from_secs(4),
            close_timeout: Duration::from_secs(5),
            idle_watchdog: true,
        }
    }

    /// The `Authorization` header value.
    pub(crate) fn authorization(&self) -> String {
        match self.auth {
            AuthScheme::Token => format!("Token {}", self.api_key),
            AuthScheme::Bearer => format!("Bearer {}", self.api_key),
        }
    }

    /// `<base>/v1/listen?<options>` with the scheme switched to `ws(s)` or `http(s)`.
    pub(crate) fn listen_url(
        &self,
        options: &StreamOptions,
        websocket: bool,
    ) -> Result<Url, ProviderError> {
        let base = self.base_url.trim_end_matches('/');
        let rest = base
            .strip_prefix("wss://")
            .or_else(|| base.strip_prefix("https://"))
            .map(|r| (true, r))
            .or_else(|| {
                base.strip_prefix("ws://")
                    .or_else(|| base.strip_prefix("http://"))
                    .map(|r| (false, r))
            });
        let Some((secure, rest)) = rest else {
            return Err(bad_config(format!(
                "base URL must start with ws://, wss://, http:// or https://: {base}"
            )));
        };
        let scheme = match (websocket, secure) {
            (true, true) => "wss",
            (true, false) => "ws",
            (false, true) => "https",
            (false, false) => "http",
        };
        let mut url = Url::parse(&format!("{scheme}://{rest}/v1/listen"))
            .map_err(|e| bad_config(e.to_string()))?;
        append_query(&mut url, options);
        Ok(url)
    }
}

fn bad_config(message: String) -> ProviderError {
    ProviderError::BadRequest {
        provider: PROVIDER,
        status: 0,
        message,
    }
}

/// Writes the options as Deepgram's query parameters; booleans as `true`/`false`.
pub(crate) fn append_query(url: &mut Url, o: &StreamOptions) {
    let bool_str = |b: bool| if b { "true" } else { "false" };
    let mut q = url.query_pairs_mut();
    q.append_pair("model", &o.model);
    q.append_pair("encoding", o.encoding.as_str());
    q.append_pair("sample_rate", &o.sample_rate.to_string());
    q.append_pair("channels", &o.channels.to_string());
    if let Some(language) = &o.language {
        q.append_pair("language", language);
    }
    q.append_pair("interim_results", bool_str(o.interim_results));
    match o.endpointing_ms {
        Some(ms) => q.append_pair("endpointing", &ms.to_string()),
        None => q.append_pair("endpointing", "false"),
    };
    if let Some(ms) = o.utterance_end_ms {
        q.append_pair("utterance_end_ms", &ms.to_string());
    }
    q.append_pair("vad_events", bool_str(o.vad_events));
    q.append_pair("punctuate", bool_str(o.punctuate));
    q.append_pair("smart_format", bool_str(o.smart_format));
    for keyword in &o.keywords {
        q.append_pair("keywords", keyword);
    }
    for term in &o.keyterms {
        q.append_pair("keyterm", term);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_url_follows_the_digest() {
        let config = DeepgramConfig::new("wss://dg.example/", "k");
        let mut options = StreamOptions::phone("nova-2-phonecall");
        options.language = Some("en-US".into());
        options.endpointing_ms = None;
        options.utterance_end_ms = None;
        options.keywords = vec!["Switchboard:2".into()];
        options.keyterms = vec!["table for two".into()];
        let url = config.listen_url(&options, true).unwrap();
        assert_eq!(
            url.as_str(),
            "wss://dg.example/v1/listen?model=nova-2-phonecall&encoding=mulaw&sample_rate=8000&channels=1\
             &language=en-US&interim_results=true&endpointing=false&vad_events=true&punctuate=true\
             &smart_format=true&keywords=Switchboard%3A2&keyterm=table+for+two"
        );
        assert_eq!(
            config.listen_url(&options, false).unwrap().scheme(),
            "https"
        );
        let local = DeepgramConfig::new("http://127.0.0.1:9", "k");
        assert_eq!(local.listen_url(&options, true).unwrap().scheme(), "ws");
        assert!(
            DeepgramConfig::new("ftp://x", "k")
                .listen_url(&options, true)
                .is_err()
        );
    }

    #[test]
    fn authorization_and_debug_hide_nothing_else() {
        let mut config = DeepgramConfig::new("ws://x", "secret");
        assert_eq!(config.authorization(), "Token secret");
        config.auth = AuthScheme::Bearer;
        assert_eq!(config.authorization(), "Bearer secret");
        assert!(!format!("{config:?}").contains("secret"));
    }
}
