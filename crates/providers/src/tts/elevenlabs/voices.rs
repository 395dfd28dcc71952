//! `GET /v1/voices` (digest §2.3). Only `voice_id` is required; the rest is read leniently.

use std::sync::Arc;

use serde::Deserialize;

use crate::ProviderError;
use crate::error::Phase;
use crate::tts::errors;
use crate::tts::segmented::{self, http_client};
use crate::tts::types::Voice;

use super::NAME;
use super::config::ElevenLabsConfig;

#[derive(Deserialize)]
struct Listing {
    voices: Vec<WireVoice>,
}

#[derive(Deserialize)]
struct WireVoice {
    voice_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    labels: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    preview_url: Option<String>,
}

pub(crate) async fn list(config: Arc<ElevenLabsConfig>) -> Result<Vec<Voice>, ProviderError> {
    let url = super::wire::api_url(&config.http_base, &["v1", "voices"])?;
    let client = http_client(&config.timeouts);
    let budget = config.timeouts.first_byte + config.timeouts.idle;
    let attempt = || async {
        let fetch = async {
            let response = client
                .get(url.clone())
                .header("xi-api-key", config.api_key.expose())
                .send()
                .await
                .map_err(|e| errors::from_reqwest(NAME, &e))?;
            let response = segmented::check(NAME, response, &config.api_key).await?;
            response
                .bytes()
                .await
                .map_err(|e| errors::from_reqwest(NAME, &e))
        };
        tokio::time::timeout(budget, fetch)
            .await
            .unwrap_or(Err(ProviderError::Timeout {
                provider: NAME,
                phase: Phase::FirstByte,
                after: budget,
            }))
    };
    let body = config.retry.run(attempt).await?;
    let listing: Listing = serde_json::from_slice(&body).map_err(|_| ProviderError::Protocol {
        provider: NAME,
        message: "unreadable voice listing".into(),
    })?;
    Ok(listing.voices.into_iter().map(into_voice).collect())
}

fn into_voice(wire: WireVoice) -> Voice {
    let labels = wire
        .labels
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned())))
        .collect();
    Voice {
        id: wire.voice_id,
        name: wire.name,
        category: wire.category,
        description: wire.description,
        labels,
        preview_url: wire.preview_url,
    }
}
