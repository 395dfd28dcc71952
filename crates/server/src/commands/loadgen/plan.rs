//! What every call of a run does and what the fakes are known to add to each answer.

use std::time::Duration;

use anyhow::{Context, bail};
use switchboard_testkit::caller::{Script, Utterance};
use switchboard_testkit::fakes::llm::tokenize;
use switchboard_testkit::fakes::stt::deepgram::endpoint_wait;
use switchboard_testkit::fakes::suite::SuiteConfig;
use switchboard_voice::agent::chunker::ClauseChunker;

use crate::cli::LoadgenArgs;

/// The caller's speech: the committed fixture, cut into its three phrases.
const SPEECH: &[u8] = include_bytes!("../../../../audio/fixtures/speech_8k_ulaw.wav");

/// How long each wait for the agent may take before the step counts as unanswered.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// The agent has finished once it has been quiet this long.
const AGENT_DONE_QUIET: Duration = Duration::from_millis(600);
/// The caller talks over the agent this far into one of its talk spurts.
const BARGE_IN_AFTER: Duration = Duration::from_millis(400);
const THINK_PAUSE: Duration = Duration::from_millis(500);
/// Script cycles per call: far more than a run lasts (calls are stopped at its end).
const CYCLES: usize = 40;

/// The fakes' configured delays, as the loadgen was told them.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Delays {
    pub stt_final_ms: u64,
    pub llm_first_token_ms: u64,
    pub llm_tokens_per_second: u32,
    pub tts_first_byte_ms: u64,
    /// The endpointing silence the server asks the STT for (`endpointing=` on Deepgram).
    pub stt_endpointing_ms: u32,
}

/// A run's script and the fake-side share of each answer's latency.
pub struct Plan {
    pub delays: Delays,
    pub suite: SuiteConfig,
    pub script: Script,
    /// Per script step that speaks: the endpointing wait plus every configured delay until
    /// the first audio of the answer (STT final, LLM first token and the tokens of the
    /// first chunk, TTS first byte). `None` for steps that do not speak.
    expected: Vec<Option<Duration>>,
}

impl Plan {
    pub fn new(args: &LoadgenArgs) -> anyhow::Result<Self> {
        let delays = Delays {
            stt_final_ms: args.latencies.stt_final_ms,
            llm_first_token_ms: args.latencies.llm_first_token_ms,
            llm_tokens_per_second: args.latencies.llm_tokens_per_second.max(1),
            tts_first_byte_ms: args.latencies.tts_first_byte_ms,
            stt_endpointing_ms: args.stt_endpointing_ms,
        };
        let suite = SuiteConfig {
            base_port: 0,
            stt_final: ms(delays.stt_final_ms),
            llm_first_token: ms(delays.llm_first_token_ms),
            llm_tokens_per_second: delays.llm_tokens_per_second,
            tts_first_byte: ms(delays.tts_first_byte_ms),
            ..SuiteConfig::default()
        };
        let llm_until_first_chunk = first_chunk_time(&suite)?;
        let fixed = ms(delays.stt_final_ms) + llm_until_first_chunk + ms(delays.tts_first_byte_ms);

        let [_, short, medium] = phrases()?;
        let answer_of = |utterance: &Utterance| -> anyhow::Result<Duration> {
            let wait = endpoint_wait(utterance, delays.stt_endpointing_ms)
                .context("the fake STT never ends the caller's phrase")?;
            Ok(wait + fixed)
        };
        let (short_answer, medium_answer) = (answer_of(&short)?, answer_of(&medium)?);

        // The greeting, then: a question, its answer; another, talked over; the answer to that.
        let mut script = Script::new().wait_for_agent(AGENT_DONE_QUIET, ANSWER_TIMEOUT);
        let mut expected = vec![None];
        for _ in 0..CYCLES {
            script = script
                .say(short.clone())
                .wait_for_agent(AGENT_DONE_QUIET, ANSWER_TIMEOUT)
                .pause(THINK_PAUSE)
                .say(short.clone())
                .barge_in(medium.clone(), BARGE_IN_AFTER, ANSWER_TIMEOUT)
                .wait_for_agent(AGENT_DONE_QUIET, ANSWER_TIMEOUT)
                .pause(THINK_PAUSE);
            expected.extend([
                Some(short_answer),
                None,
                None,
                Some(short_answer),
                Some(medium_answer),
                None,
                None,
            ]);
        }
        Ok(Plan {
            delays,
            suite,
            script: script.hangup(),
            expected,
        })
    }

    /// What the fakes and the endpointing add to the answer of the utterance at `step`.
    pub fn expected(&self, step: usize) -> Option<Duration> {
        self.expected.get(step).copied().flatten()
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// From the LLM request to the token that completes the reply's first chunk (the chunker
/// may need the token after a sentence end to decide). Every scripted reply must agree, as
/// the loadgen cannot tell which reply answered which turn.
fn first_chunk_time(suite: &SuiteConfig) -> anyhow::Result<Duration> {
    let per_token = Duration::from_secs(1) / suite.llm_tokens_per_second.max(1);
    let mut indices = suite.replies.iter().map(|reply| {
        let mut chunker = ClauseChunker::default();
        let tokens = tokenize(reply);
        tokens
            .iter()
            .position(|token| chunker.push(token).next().is_some())
            .unwrap_or(tokens.len().saturating_sub(1))
    });
    let Some(first) = indices.next() else {
        bail!("the fake LLM has no replies");
    };
    if indices.any(|other| other != first) {
        bail!("the fake LLM's replies complete their first chunk at different tokens");
    }
    Ok(suite.llm_first_token + per_token * first as u32)
}

/// The fixture's three phrases (3.5 s, 1.1 s and 2.4 s), as the conversation tests cut them.
fn phrases() -> anyhow::Result<[Utterance; 3]> {
    let wav = switchboard_audio::wav::parse(SPEECH).context("the speech fixture")?;
    let cut = |from: usize, to: usize| Utterance::from_mulaw(wav.data[from * 8..to * 8].to_vec());
    Ok([cut(400, 3858), cut(4658, 5716), cut(6516, 8936)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_replies_agree_on_their_first_chunk() {
        let time = first_chunk_time(&SuiteConfig::default()).unwrap();
        assert!(time > SuiteConfig::default().llm_first_token, "{time:?}");
    }
}
