//! Every provider fake at once, on fixed local ports, with the latencies a benchmark or a
//! developer wants: what `switchboard fakes` and the load generator run.

use std::time::Duration;

use super::Faults;
use super::llm::{FakeLlm, FakeLlmConfig, Reply};
use super::stt::{DeepgramScript, FakeDeepgram, FakeTranscriptions, TranscriptionsScript};
use super::tts::{FakeTts, FakeTtsConfig, TtsVendor};

/// The key every fake of the suite accepts.
pub const SUITE_KEY: &str = "fake-key-for-local-development";

/// Ports, latencies and scripts of a [`FakeSuite`].
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    /// The fakes listen on `base_port + 1` to `base_port + 6` (0: free ports).
    pub base_port: u16,
    /// From the end of the caller's speech (endpointing) to the final transcript.
    pub stt_final: Duration,
    /// From the request to the first LLM token.
    pub llm_first_token: Duration,
    /// LLM tokens per second after the first.
    pub llm_tokens_per_second: u32,
    /// From the text (flush) to the first TTS audio.
    pub tts_first_byte: Duration,
    /// What the fake STT hears, utterance by utterance (cycled).
    pub transcripts: Vec<String>,
    /// What the fake LLM answers, request by request (cycled).
    pub replies: Vec<String>,
}

impl Default for SuiteConfig {
    /// The latencies of issue 8's benchmark: STT final 150 ms, first token 250 ms then
    /// 50 tokens/s, TTS first byte 120 ms.
    fn default() -> Self {
        SuiteConfig {
            base_port: 9100,
            stt_final: Duration::from_millis(150),
            llm_first_token: Duration::from_millis(250),
            llm_tokens_per_second: 50,
            tts_first_byte: Duration::from_millis(120),
            transcripts: [
                "Hello, can you hear me?",
                "Tell me a little more.",
                "Thanks, goodbye.",
            ]
            .map(String::from)
            .to_vec(),
            // Long enough to be talked over; both complete their first chunk at the same
            // token, so a benchmark knows how long the first chunk takes to stream.
            replies: [
                "Yes, I can hear you well. What would you like to talk about today? Take your \
                 time: this is a local test line, so every answer here comes from a script.",
                "Sure thing, I can help you. This is a local test line, so every answer comes \
                 from a script, and each runs on for a few seconds so it can be interrupted.",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// The running fakes. Dropping the suite stops them.
pub struct FakeSuite {
    pub deepgram: FakeDeepgram,
    pub llm: FakeLlm,
    pub transcriptions: FakeTranscriptions,
    pub elevenlabs: FakeTts,
    pub aura: FakeTts,
    pub openai_speech: FakeTts,
}

/// How many times scripted lines are repeated, so a long session never runs dry.
const REPEATS: usize = 200;

fn cycled(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .cloned()
        .cycle()
        .take(lines.len() * REPEATS)
        .collect()
}

impl FakeSuite {
    pub async fn start(config: &SuiteConfig) -> std::io::Result<Self> {
        let port = |offset: u16| {
            if config.base_port == 0 {
                0
            } else {
                config.base_port + offset
            }
        };
        let deepgram = FakeDeepgram::start_on(
            DeepgramScript {
                utterances: cycled(&config.transcripts),
                final_latency: config.stt_final,
                ..DeepgramScript::new(SUITE_KEY)
            },
            port(1),
        )
        .await?;

        let llm = FakeLlm::start_on(FakeLlmConfig::openai(SUITE_KEY), port(2)).await?;
        let per_token = Duration::from_secs(1) / config.llm_tokens_per_second.max(1);
        let timed = |text: &str| {
            Reply::text(text)
                .first_byte(config.llm_first_token)
                .per_chunk(per_token)
        };
        for reply in cycled(&config.replies) {
            llm.push(timed(&reply));
        }
        // A load test outlasts any script: then every request gets the first reply.
        if let Some(first) = config.replies.first() {
            llm.set_default(Some(timed(first)));
        }

        let transcriptions = FakeTranscriptions::start_on(
            TranscriptionsScript {
                api_key: Some(SUITE_KEY.into()),
                texts: cycled(&config.transcripts),
                faults: Faults {
                    first_byte: config.stt_final,
                    ..Faults::default()
                },
            },
            port(3),
        )
        .await?;

        // The personas' voices exist too, so Brad, Sarah and Alex can be called.
        let mut voices = FakeTtsConfig::default().voices;
        voices.extend(
            switchboard_core::agent::system_personas()
                .into_iter()
                .map(|persona| persona.config.voice.voice_id),
        );
        let tts = FakeTtsConfig {
            api_key: SUITE_KEY.into(),
            voices,
            ..FakeTtsConfig::default()
        }
        .first_byte(config.tts_first_byte);
        let elevenlabs = FakeTts::start_on(TtsVendor::ElevenLabs, tts.clone(), port(4)).await?;
        let aura = FakeTts::start_on(TtsVendor::DeepgramAura, tts.clone(), port(5)).await?;
        let openai_speech = FakeTts::start_on(TtsVendor::OpenAiSpeech, tts, port(6)).await?;

        Ok(FakeSuite {
            deepgram,
            llm,
            transcriptions,
            elevenlabs,
            aura,
            openai_speech,
        })
    }

    /// Switchboard configuration (TOML) that points every role at this suite.
    pub fn config_toml(&self) -> String {
        format!(
            r#"[providers.fake_deepgram]
kind = "deepgram"
base_url = "{deepgram}"
api_key = "{SUITE_KEY}"
stt_model = "nova-3"

[providers.fake_llm]
kind = "openai"
base_url = "{llm}"
api_key = "{SUITE_KEY}"
llm_model = "gpt-4o-mini"

[providers.fake_whisper]
kind = "openai_compatible"
base_url = "{whisper}"
api_key = "{SUITE_KEY}"
stt_model = "whisper-1"

[providers.fake_elevenlabs]
kind = "elevenlabs"
base_url = "{elevenlabs}"
api_key = "{SUITE_KEY}"
voice = "21m00Tcm4TlvDq8ikWAM"

[providers.fake_aura]
kind = "deepgram"
base_url = "{aura}"
api_key = "{SUITE_KEY}"
voice = "aura-2-thalia-en"

[providers.fake_openai_speech]
kind = "openai"
base_url = "{speech}/v1"
api_key = "{SUITE_KEY}"
voice = "marin"

[voice]
stt = ["fake_deepgram", "fake_whisper"]
llm = ["fake_llm"]
tts = ["fake_elevenlabs", "fake_aura"]
"#,
            deepgram = self.deepgram.http_url(),
            llm = self.llm.base_url(),
            whisper = self.transcriptions.base_url(),
            elevenlabs = self.elevenlabs.http_url(),
            aura = self.aura.http_url(),
            speech = self.openai_speech.http_url(),
        )
    }
}
