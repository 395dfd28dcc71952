use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::ProviderError;
use crate::tts::stream::stream_pair;
use crate::tts::types::{Voice, VoiceConfig};
use crate::tts::{StreamingTts, TtsStream};

use super::driver::{Chain, drive};
use super::switch::{FallbackSwitch, SwitchReason};

/// A provider in a chain, with the voice to use on it (voices are per provider: an
/// ElevenLabs voice id means nothing to OpenAI). `None` uses the voice given to `open`.
#[derive(Clone)]
pub struct FallbackEntry {
    pub provider: Arc<dyn StreamingTts>,
    pub voice: Option<VoiceConfig>,
}

impl FallbackEntry {
    pub fn new(provider: Arc<dyn StreamingTts>, voice: Option<VoiceConfig>) -> Self {
        Self { provider, voice }
    }
}

/// Providers in order of preference, acting as one [`StreamingTts`].
#[derive(Clone)]
pub struct FallbackTts {
    chain: Arc<Chain>,
}

impl FallbackTts {
    /// `first_byte_budget`: how long a provider may take from the first flush (or the end of
    /// input) to its first audio before the next one takes over; `None` waits for the
    /// provider's own first-byte timeout.
    pub fn new(entries: Vec<FallbackEntry>, first_byte_budget: Option<Duration>) -> Self {
        assert!(
            !entries.is_empty(),
            "a fallback chain needs at least one provider"
        );
        Self {
            chain: Arc::new(Chain {
                entries,
                first_byte_budget,
                log: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Every switch so far, across all streams, oldest first.
    pub fn switches(&self) -> Vec<FallbackSwitch> {
        self.chain.log.lock().expect("switch log").clone()
    }
}

impl StreamingTts for FallbackTts {
    fn name(&self) -> &'static str {
        "fallback"
    }

    fn open(&self, voice: VoiceConfig) -> BoxFuture<'_, Result<TtsStream, ProviderError>> {
        Box::pin(async move {
            let chain = self.chain.clone();
            let mut switches = Vec::new();
            let mut index = 0;
            let inner = loop {
                match chain.open_entry(index, &voice).await {
                    Ok(inner) => break inner,
                    Err(error) if index + 1 < chain.entries.len() => {
                        let switch = chain.record(
                            index,
                            index + 1,
                            SwitchReason::OpenFailed(error.to_string()),
                            false,
                            0,
                            Default::default(),
                        );
                        switches.push(switch);
                        index += 1;
                    }
                    Err(error) => return Err(error),
                }
            };
            let (stream, ends) = stream_pair();
            tokio::spawn(drive(chain, voice, index, inner, ends, switches));
            Ok(stream)
        })
    }

    /// The first provider's voices.
    fn list_voices(&self) -> BoxFuture<'_, Result<Vec<Voice>, ProviderError>> {
        self.chain.entries[0].provider.list_voices()
    }
}
