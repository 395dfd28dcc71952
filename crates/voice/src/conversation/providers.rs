//! The provider clients one conversation uses, and what each costs.

use std::collections::HashMap;
use std::sync::Arc;

use switchboard_providers::Usage;
use switchboard_providers::llm::ChatModel;
use switchboard_providers::stt::{StreamOptions, StreamingStt};
use switchboard_providers::tts::{StreamingTts, VoiceConfig};

use crate::records::{CostRecord, CostUnit};

/// Unit prices of one provider, in micro-units of the operator's currency; zero = unpriced.
/// A speech-to-speech provider (role `s2s`) uses `stt_per_minute` for the caller audio it
/// hears and the `llm_*` prices for its tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitPrices {
    pub stt_per_minute: u64,
    pub tts_per_million_chars: u64,
    pub llm_input_per_million_tokens: u64,
    pub llm_output_per_million_tokens: u64,
}

/// Prices by the name a client reports ([`ChatModel::name`], [`StreamingStt::name`],
/// [`StreamingTts::name`]).
#[derive(Debug, Clone, Default)]
pub struct PriceList {
    by_name: HashMap<String, UnitPrices>,
}

impl PriceList {
    pub fn insert(&mut self, name: impl Into<String>, prices: UnitPrices) {
        self.by_name.insert(name.into(), prices);
    }

    fn get(&self, name: &str) -> UnitPrices {
        self.by_name.get(name).copied().unwrap_or_default()
    }

    /// The cost records of one use of `provider` in `role`: one per unit it consumed.
    pub fn costs(&self, provider: &str, role: &'static str, usage: &Usage) -> Vec<CostRecord> {
        let prices = self.get(provider);
        let record = |unit, units, unit_price_micros, per_units| CostRecord {
            provider: provider.to_owned(),
            role,
            unit,
            units,
            unit_price_micros,
            per_units,
        };
        let mut records = Vec::new();
        // Speech to speech (`s2s`) is metered like both ends of the pipeline it replaces:
        // caller audio by the minute, the model's tokens by the million.
        if matches!(role, "stt" | "s2s") && usage.audio_ms > 0 {
            records.push(record(
                CostUnit::AudioMs,
                usage.audio_ms,
                prices.stt_per_minute,
                60_000,
            ));
        }
        if role == "tts" && usage.characters > 0 {
            records.push(record(
                CostUnit::Characters,
                usage.characters,
                prices.tts_per_million_chars,
                1_000_000,
            ));
        }
        if matches!(role, "llm" | "s2s") {
            if usage.input_tokens > 0 {
                records.push(record(
                    CostUnit::InputTokens,
                    usage.input_tokens,
                    prices.llm_input_per_million_tokens,
                    1_000_000,
                ));
            }
            if usage.output_tokens > 0 {
                records.push(record(
                    CostUnit::OutputTokens,
                    usage.output_tokens,
                    prices.llm_output_per_million_tokens,
                    1_000_000,
                ));
            }
        }
        records
    }
}

/// Everything a conversation needs from the outside world: built by the server from the
/// operator's provider configuration and the agent's choices.
#[derive(Clone)]
pub struct ConversationProviders {
    /// A fallback chain when the agent lists several.
    pub stt: Arc<dyn StreamingStt>,
    pub stt_options: StreamOptions,
    pub llm: Arc<dyn ChatModel>,
    pub temperature: Option<f32>,
    /// A separate model for the post-call summary (`None`: `llm`).
    pub summary_llm: Option<Arc<dyn ChatModel>>,
    pub tts: Arc<dyn StreamingTts>,
    pub voice: VoiceConfig,
    pub prices: PriceList,
    /// The names costs are first attributed to (the first provider of each chain); a
    /// fallback switch moves them to the provider that took over.
    pub names: ProviderNames,
}

/// The provider each role starts with, as priced in the [`PriceList`].
#[derive(Debug, Clone, Default)]
pub struct ProviderNames {
    pub stt: String,
    pub llm: String,
    pub tts: String,
}

impl std::fmt::Debug for ConversationProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConversationProviders")
            .field("stt", &self.stt.name())
            .field("llm", &self.llm.name())
            .field("tts", &self.tts.name())
            .field("voice", &self.voice.voice_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_to_speech_meters_caller_audio_and_tokens() {
        let mut prices = PriceList::default();
        let unit = UnitPrices {
            stt_per_minute: 6_000,
            llm_input_per_million_tokens: 32_000_000,
            llm_output_per_million_tokens: 64_000_000,
            ..UnitPrices::default()
        };
        prices.insert("openai-realtime", unit);
        let usage = Usage {
            audio_ms: 90_000,
            input_tokens: 120,
            output_tokens: 40,
            characters: 99,
        };
        let costs = prices.costs("openai-realtime", "s2s", &usage);
        let summary: Vec<(CostUnit, u64, u64)> = costs
            .iter()
            .map(|c| (c.unit, c.units, c.unit_price_micros))
            .collect();
        assert_eq!(
            summary,
            vec![
                (CostUnit::AudioMs, 90_000, 6_000),
                (CostUnit::InputTokens, 120, 32_000_000),
                (CostUnit::OutputTokens, 40, 64_000_000),
            ]
        );
        assert!(costs.iter().all(|c| c.role == "s2s"));
        // The pipeline roles are unchanged: each meters its own unit only.
        let llm = prices.costs("openai-realtime", "llm", &usage);
        assert_eq!(llm.len(), 2);
        assert_eq!(prices.costs("x", "stt", &usage)[0].unit, CostUnit::AudioMs);
        assert_eq!(
            prices.costs("x", "tts", &usage)[0].unit,
            CostUnit::Characters
        );
    }
}
