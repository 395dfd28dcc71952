//! The speech-to-speech brain: one OpenAI Realtime session per call hears the caller and
//! answers in its own voice ([`RealtimeBrain`]).
//!
//! Caller frames go to the model as they arrive; the model's audio plays as turns, one per
//! response. The server's voice activity detection decides turns: it answers when the
//! caller stops, and its `speech_started` while the agent is audible is the barge-in, after
//! which the model's memory is truncated to what the caller heard. The brain keeps the same
//! records and policies as the STT-LLM-TTS conversation: transcript entries, per-turn
//! latency, costs, timeline events, silence reprompts, the duration limit, built-in and
//! tenant tools.
//!
//! Audio is G.711 mu-law both ways (`audio/pcmu`), untouched. The client always asks the
//! model for mu-law, so on an A-law call each frame is transcoded A-law to mu-law on the way
//! in and mu-law to A-law on the way out: a table lookup per byte, both at 8 kHz.

mod call;
mod reply;
mod speaker;
mod tools;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use switchboard_providers::realtime::OpenAiRealtime;

use super::providers::PriceList;
use super::spec::ConversationSpec;
use super::tools::ToolRunner;
use crate::brain::{BargeInMode, Brain, BrainIo};
use crate::records::RecordSink;

/// Asked of the model when the operator's session does not name a transcription model: the
/// caller's words are needed for the transcript.
pub const DEFAULT_INPUT_TRANSCRIPTION: &str = "gpt-4o-transcribe";

/// The speech-to-speech agent over the OpenAI Realtime API.
///
/// Uses from the [`ConversationSpec`]: the system prompt (as the session's instructions),
/// `first_message`, `silence`, `duration`, `builtins` and `custom_tools` (as the session's
/// tools), `apology`, and `turn.resume_after`. The turn-taking fields (`endpointing`,
/// backchannels, `tool_filler`) do not apply: the model's server VAD takes turns.
pub struct RealtimeBrain {
    spec: ConversationSpec,
    client: OpenAiRealtime,
    prices: PriceList,
    records: RecordSink,
    tools: Option<Arc<dyn ToolRunner>>,
}

impl RealtimeBrain {
    /// `prices` are looked up under [`OpenAiRealtime::name`] (`openai-realtime`).
    pub fn new(
        spec: ConversationSpec,
        client: OpenAiRealtime,
        prices: PriceList,
        records: RecordSink,
    ) -> Self {
        RealtimeBrain {
            spec,
            client,
            prices,
            records,
            tools: None,
        }
    }

    /// Runs tenant tools (the spec's `custom_tools`) through `runner`.
    pub fn with_tools(mut self, runner: Arc<dyn ToolRunner>) -> Self {
        self.tools = Some(runner);
        self
    }
}

impl Brain for RealtimeBrain {
    fn run(self: Box<Self>, io: BrainIo) -> BoxFuture<'static, ()> {
        Box::pin(call::run(*self, io))
    }

    /// Confirm, so that the server's VAD decides. Our VAD hears the caller first (the
    /// server's `speech_started` comes back over the network) and pauses the agent at once;
    /// the pause becomes an interruption when the server reports speech too, and the agent
    /// resumes when it does not (a cough the server ignored). With `Immediate`, our VAD alone
    /// would cut the agent off for noise the server never treats as a turn, leaving the model
    /// to believe the caller heard everything while the caller heard silence.
    fn barge_in_mode(&self) -> BargeInMode {
        BargeInMode::Confirm
    }

    fn wants_caller_audio(&self) -> bool {
        true
    }
}
