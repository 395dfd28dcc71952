//! Connecting: the upgrade with the key, then `session.update` for mu-law both ways, answered
//! by `session.updated` before the session is handed out (so a refused setting fails
//! `connect`, not the call).

use futures_util::{SinkExt, StreamExt};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

use super::client_events;
use super::config::{PROVIDER, RealtimeConfig, RealtimeSession};
use super::driver::Driver;
use super::errors;
use super::events::RealtimeEvent;
use super::server_events::{Incoming, Reader};
use super::stream::{RealtimeStream, stream_pair};
use crate::ProviderError;
use crate::error::Phase;
use crate::tts::ws::{self, WsStream};

/// The OpenAI Realtime API over WebSocket, for one call per [`OpenAiRealtime::connect`].
#[derive(Debug, Clone)]
pub struct OpenAiRealtime {
    config: RealtimeConfig,
}

impl OpenAiRealtime {
    pub fn new(config: RealtimeConfig) -> Self {
        Self { config }
    }

    pub fn config(&self) -> &RealtimeConfig {
        &self.config
    }

    /// The provider's name in errors, logs and cost records: `openai-realtime`.
    pub fn name(&self) -> &'static str {
        PROVIDER
    }

    /// Opens a session configured by `session`. Fails within `timeouts.connect` when the
    /// server cannot be reached or refuses the upgrade, and within `timeouts.first_byte` when
    /// it does not acknowledge the session (an `error` event there is returned as is).
    pub async fn connect(&self, session: RealtimeSession) -> Result<RealtimeStream, ProviderError> {
        let config = &self.config;
        let url = config.url()?;
        let mut socket = ws::connect(
            PROVIDER,
            url.as_str(),
            &config.headers(),
            &config.api_key,
            config.timeouts.connect,
        )
        .await?;
        let update = client_events::session_update(config.naming, &config.model, &session);
        let mut reader = Reader::default();
        let limit = config.timeouts.first_byte;
        let ready = async {
            socket
                .send(ws::json(&update))
                .await
                .map_err(|e| errors::dropped(Some(&e)))?;
            self.session_updated(&mut socket, &mut reader).await
        };
        let outcome = match timeout(limit, ready).await {
            Ok(outcome) => outcome,
            Err(_) => Err(ProviderError::Timeout {
                provider: PROVIDER,
                phase: Phase::FirstByte,
                after: limit,
            }),
        };
        if let Err(error) = outcome {
            ws::goodbye(&mut socket).await;
            return Err(error);
        }
        tracing::debug!(provider = PROVIDER, model = %config.model, "realtime session ready");
        let (stream, ends) = stream_pair();
        let driver = Driver::new(
            ends,
            reader,
            config.api_key.clone(),
            config.timeouts,
            session.turn_detection.creates_response(),
        );
        tokio::spawn(driver.run(socket));
        Ok(stream)
    }

    /// Reads until `session.updated`; an `error` event or the end of the socket fails.
    async fn session_updated(
        &self,
        socket: &mut WsStream,
        reader: &mut Reader,
    ) -> Result<(), ProviderError> {
        let key = &self.config.api_key;
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => match reader.read(text.as_str(), key) {
                    Ok(Incoming::SessionUpdated) => return Ok(()),
                    Ok(Incoming::Event(RealtimeEvent::Error(error))) => return Err(error),
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(provider = PROVIDER, %error, "skipping an unreadable server event")
                    }
                },
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    return Err(crate::tts::errors::from_close(PROVIDER, code, &reason, key));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(errors::dropped(Some(&e))),
                None => return Err(errors::dropped(None)),
            }
        }
    }
}
