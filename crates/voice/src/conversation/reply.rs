//! One assistant turn, spoken as it is generated: LLM tokens -> clause chunker -> TTS ->
//! the call, never waiting for the whole reply. Tool calls run in between, with a spoken
//! filler when one is slow.
//!
//! A reply runs as its own task and reports to the conversation loop on a channel; it never
//! touches conversation state. Each chunk is synthesised on its own and played as one
//! segment, so the loop knows exactly which text the caller heard when they interrupt. A
//! chunk's audio streams into the call as soon as it comes, while the model goes on writing,
//! and the next chunk's synthesis starts while the current one is still streaming, so chunk
//! boundaries add no gap.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use switchboard_providers::llm::{ChatEvent, ChatModel, ChatRequest, Message, ToolCall};
use switchboard_providers::tts::{StreamingTts, TtsEvent, TtsOutput, VoiceConfig};
use switchboard_providers::{ProviderError, Usage};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::spec::BuiltinTool;
use super::tools::ToolRunner;
use crate::agent::chunker::ClauseChunker;
use crate::brain::{Turn, TurnId};

/// Most LLM rounds in one turn (each tool result asks the model again).
const MAX_TOOL_ROUNDS: usize = 4;

/// What a reply says.
pub(crate) enum Script {
    /// Ask the LLM, with these messages and tools.
    Llm(ChatRequest),
    /// Say this text as it is (greeting, reprompt, goodbye).
    Fixed(String),
}

/// What a reply needs besides its script.
#[derive(Clone)]
pub(crate) struct ReplyDeps {
    pub llm: Arc<dyn ChatModel>,
    /// Who LLM and TTS usage is charged to until a fallback switch says otherwise.
    pub llm_name: String,
    pub tts: Arc<dyn StreamingTts>,
    pub tts_name: String,
    pub voice: VoiceConfig,
    pub tools: Option<Arc<dyn ToolRunner>>,
    pub call_id: String,
    pub filler: String,
    pub filler_after: Duration,
}

/// Something the conversation loop must decide (it owns the call's state).
#[derive(Debug)]
pub(crate) enum Action {
    EndCall {
        reason: String,
    },
    Transfer {
        to: String,
    },
    /// Answered with the text for the model.
    Extend {
        answer: oneshot::Sender<String>,
    },
}

/// Progress of a reply, for the loop.
#[derive(Debug)]
pub(crate) enum ReplyEvent {
    FirstToken {
        turn: TurnId,
        at: Instant,
    },
    FirstClause {
        turn: TurnId,
        at: Instant,
    },
    FirstAudio {
        turn: TurnId,
        at: Instant,
    },
    /// A chunk of the reply, queued as segment `index` with this much audio.
    Segment {
        turn: TurnId,
        text: String,
        audio_ms: u64,
    },
    Usage {
        role: &'static str,
        provider: String,
        usage: Usage,
    },
    ProviderSwitched {
        role: &'static str,
        from: String,
        to: String,
        reason: String,
    },
    ToolCalled {
        turn: TurnId,
        name: String,
        ok: bool,
        took_ms: u64,
        filler: bool,
    },
    Action(Action),
    /// The reply is complete: these messages join the conversation history.
    Finished {
        turn: TurnId,
        messages: Vec<Message>,
    },
    /// The reply could not be produced; `spoke` when some of it was played.
    Failed {
        turn: TurnId,
        error: String,
        spoke: bool,
    },
}

/// Runs one reply to its end (or its cancellation, which is silent).
pub(crate) async fn run(
    mut turn: Turn,
    script: Script,
    deps: ReplyDeps,
    events: mpsc::Sender<ReplyEvent>,
) {
    let id = turn.id();
    let token = turn.token().clone();
    let mut reply = Reply {
        id,
        deps,
        events,
        spoke: false,
        first_clause: false,
        first_audio: false,
    };
    let outcome = tokio::select! {
        biased;
        () = token.cancelled() => return,
        outcome = reply.speak(&mut turn, script) => outcome,
    };
    match outcome {
        Ok(messages) => {
            let _ = turn.finish().await;
            reply
                .tell(ReplyEvent::Finished { turn: id, messages })
                .await;
        }
        Err(ReplyError::Cancelled) => {}
        Err(ReplyError::Provider(error)) => {
            let spoke = reply.spoke;
            let _ = turn.finish().await;
            reply
                .tell(ReplyEvent::Failed {
                    turn: id,
                    error,
                    spoke,
                })
                .await;
        }
    }
}

enum ReplyError {
    Cancelled,
    /// A provider failed (the text, never a secret).
    Provider(String),
}

impl From<ProviderError> for ReplyError {
    fn from(error: ProviderError) -> Self {
        match error {
            ProviderError::Cancelled => ReplyError::Cancelled,
            other => ReplyError::Provider(other.to_string()),
        }
    }
}

impl From<crate::VoiceError> for ReplyError {
    fn from(_: crate::VoiceError) -> Self {
        ReplyError::Cancelled
    }
}

struct Reply {
    id: TurnId,
    deps: ReplyDeps,
    events: mpsc::Sender<ReplyEvent>,
    spoke: bool,
    first_clause: bool,
    first_audio: bool,
}

/// A chunk being synthesised, and how much of its audio has gone to the call.
struct Pending {
    text: String,
    output: TtsOutput,
    audio_ms: u64,
    /// Who its TTS usage is charged to (a fallback switch changes it).
    provider: String,
}

/// The chunk whose audio is streaming into the call, and the one synthesising behind it.
#[derive(Default)]
struct Chunks {
    playing: Option<Pending>,
    ahead: Option<Pending>,
}

/// What woke a reply up: the LLM or the playing chunk's TTS.
enum Step {
    Llm(Option<Result<ChatEvent, ProviderError>>),
    Tts(Option<Result<TtsEvent, ProviderError>>),
}

impl Reply {
    async fn tell(&self, event: ReplyEvent) {
        let _ = self.events.send(event).await;
    }

    async fn speak(&mut self, turn: &mut Turn, script: Script) -> Result<Vec<Message>, ReplyError> {
        match script {
            Script::Fixed(text) => {
                let now = Instant::now();
                self.tell(ReplyEvent::FirstClause {
                    turn: self.id,
                    at: now,
                })
                .await;
                self.first_clause = true;
                let pending = self.synthesize(text.clone()).await?;
                self.play(turn, pending).await?;
                Ok(vec![Message::assistant(text)])
            }
            Script::Llm(request) => self.converse(turn, request).await,
        }
    }

    /// LLM rounds until the model answers without calling a tool.
    async fn converse(
        &mut self,
        turn: &mut Turn,
        mut request: ChatRequest,
    ) -> Result<Vec<Message>, ReplyError> {
        let mut added = Vec::new();
        for _ in 0..MAX_TOOL_ROUNDS {
            let (text, calls) = self.stream_round(turn, &request).await?;
            if calls.is_empty() {
                added.push(Message::assistant(text));
                return Ok(added);
            }
            let assistant = Message::Assistant {
                content: Some(text).filter(|t| !t.is_empty()),
                tool_calls: calls.clone(),
            };
            request.messages.push(assistant.clone());
            added.push(assistant);
            for call in &calls {
                let result = self.call_tool(turn, call).await?;
                let message = Message::tool_result(call.id.clone(), result);
                request.messages.push(message.clone());
                added.push(message);
            }
            // Built-ins that end the call need no further words from the model.
            if calls
                .iter()
                .all(|c| matches!(c.name.as_str(), "end_call" | "transfer_call"))
            {
                return Ok(added);
            }
        }
        Ok(added)
    }

    /// One LLM request: its text is spoken clause by clause as it streams. A chunk's audio
    /// is played as soon as it comes, while the model goes on writing.
    async fn stream_round(
        &mut self,
        turn: &mut Turn,
        request: &ChatRequest,
    ) -> Result<(String, Vec<ToolCall>), ReplyError> {
        let cancel = turn.token().child_token();
        let _stop_llm = cancel.clone().drop_guard();
        let mut stream = self.deps.llm.stream(request, cancel);
        let mut chunker = ClauseChunker::default();
        let mut text = String::new();
        let mut calls = Vec::new();
        let mut first_token = false;
        let mut chunks = Chunks::default();
        let mut provider = self.deps.llm_name.clone();
        loop {
            // The playing chunk's audio first: it is what the caller is waiting for.
            let step = match chunks.playing.as_mut() {
                Some(playing) => tokio::select! {
                    biased;
                    event = playing.output.next() => Step::Tts(event),
                    event = stream.next() => Step::Llm(event),
                },
                None => Step::Llm(stream.next().await),
            };
            let event = match step {
                Step::Tts(event) => {
                    if let Some(playing) = chunks.playing.as_mut()
                        && self.play_next(turn, playing, event).await?
                    {
                        chunks.playing = chunks.ahead.take();
                    }
                    continue;
                }
                Step::Llm(None) => break,
                Step::Llm(Some(event)) => event,
            };
            match event? {
                ChatEvent::TextDelta(delta) => {
                    if !first_token {
                        first_token = true;
                        self.first_token().await;
                    }
                    text.push_str(&delta);
                    for chunk in chunker.push(&delta) {
                        self.queue_chunk(turn, &mut chunks, chunk).await?;
                    }
                }
                ChatEvent::ToolCall(call) => {
                    if !first_token {
                        first_token = true;
                        self.first_token().await;
                    }
                    calls.push(call);
                }
                ChatEvent::Usage(usage) => {
                    self.tell(ReplyEvent::Usage {
                        role: "llm",
                        provider: provider.clone(),
                        usage,
                    })
                    .await;
                }
                ChatEvent::Switched(switch) => {
                    let queued = chunks.playing.is_some() || chunks.ahead.is_some();
                    if switch.discarded_output && (self.spoke || queued) {
                        // Part of the failed model's reply was already said; the next model
                        // starts over, so the caller would hear the beginning twice.
                        return Err(ReplyError::Provider(format!(
                            "{} failed mid-reply",
                            switch.from
                        )));
                    }
                    if switch.discarded_output {
                        text.clear();
                        calls.clear();
                        chunker = ClauseChunker::default();
                    }
                    self.tell(ReplyEvent::ProviderSwitched {
                        role: "llm",
                        from: switch.from.clone(),
                        to: switch.to.clone(),
                        reason: format!("{:?}", switch.cause),
                    })
                    .await;
                    provider = switch.to;
                }
                ChatEvent::Finished(_) => {}
            }
        }
        for chunk in chunker.finish() {
            self.queue_chunk(turn, &mut chunks, chunk).await?;
        }
        for pending in [chunks.playing, chunks.ahead].into_iter().flatten() {
            self.play(turn, pending).await?;
        }
        Ok((text, calls))
    }

    async fn first_token(&mut self) {
        self.tell(ReplyEvent::FirstToken {
            turn: self.id,
            at: Instant::now(),
        })
        .await;
    }

    /// Starts synthesising `chunk`. At most one chunk synthesises ahead of the one playing:
    /// with both places taken, the playing one is played out first.
    async fn queue_chunk(
        &mut self,
        turn: &mut Turn,
        chunks: &mut Chunks,
        chunk: String,
    ) -> Result<(), ReplyError> {
        if !self.first_clause {
            self.first_clause = true;
            self.tell(ReplyEvent::FirstClause {
                turn: self.id,
                at: Instant::now(),
            })
            .await;
        }
        if chunks.ahead.is_some()
            && let Some(playing) = chunks.playing.take()
        {
            self.play(turn, playing).await?;
            chunks.playing = chunks.ahead.take();
        }
        let next = self.synthesize(chunk).await?;
        match chunks.playing {
            None => chunks.playing = Some(next),
            Some(_) => chunks.ahead = Some(next),
        }
        Ok(())
    }

    async fn synthesize(&self, text: String) -> Result<Pending, ReplyError> {
        let output = self
            .deps
            .tts
            .synthesize(self.deps.voice.clone(), text.clone())
            .await?;
        Ok(Pending {
            text,
            output,
            audio_ms: 0,
            provider: self.deps.tts_name.clone(),
        })
    }

    /// Streams a chunk's audio into the turn as one segment.
    async fn play(&mut self, turn: &mut Turn, mut pending: Pending) -> Result<(), ReplyError> {
        loop {
            let event = pending.output.next().await;
            if self.play_next(turn, &mut pending, event).await? {
                return Ok(());
            }
        }
    }

    /// Handles the chunk's next TTS event; true once its segment is complete.
    async fn play_next(
        &mut self,
        turn: &mut Turn,
        pending: &mut Pending,
        event: Option<Result<TtsEvent, ProviderError>>,
    ) -> Result<bool, ReplyError> {
        let Some(event) = event else {
            // Ended without `Final`: cancelled.
            return Err(ReplyError::Cancelled);
        };
        match event? {
            TtsEvent::Audio(chunk) => {
                if !self.first_audio {
                    self.first_audio = true;
                    self.tell(ReplyEvent::FirstAudio {
                        turn: self.id,
                        at: Instant::now(),
                    })
                    .await;
                }
                pending.audio_ms += chunk.duration_ms();
                self.spoke = true;
                turn.send(chunk.mulaw).await?;
            }
            TtsEvent::Flushed => {}
            TtsEvent::ProviderSwitched(switch) => {
                self.tell(ReplyEvent::ProviderSwitched {
                    role: "tts",
                    from: switch.from.to_owned(),
                    to: switch.to.to_owned(),
                    reason: format!("{:?}", switch.reason),
                })
                .await;
                pending.provider = switch.to.to_owned();
            }
            TtsEvent::Final { usage } => {
                turn.end_segment().await?;
                self.tell(ReplyEvent::Segment {
                    turn: self.id,
                    text: std::mem::take(&mut pending.text),
                    audio_ms: pending.audio_ms,
                })
                .await;
                self.tell(ReplyEvent::Usage {
                    role: "tts",
                    provider: pending.provider.clone(),
                    usage,
                })
                .await;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Runs one tool call; a slow one gets the spoken filler while it runs.
    async fn call_tool(&mut self, turn: &mut Turn, call: &ToolCall) -> Result<String, ReplyError> {
        let started = Instant::now();
        let arguments = call.arguments_json().unwrap_or(serde_json::Value::Null);
        let result = match BuiltinTool::from_name(&call.name) {
            Some(builtin) => Ok(self.builtin(builtin, &arguments).await),
            None => self.custom(turn, call).await?,
        };
        let (ok, text) = match result {
            Ok(text) => (true, text),
            Err(text) => (false, text),
        };
        self.tell(ReplyEvent::ToolCalled {
            turn: self.id,
            name: call.name.clone(),
            ok,
            took_ms: started.elapsed().as_millis() as u64,
            filler: started.elapsed() >= self.deps.filler_after
                && BuiltinTool::from_name(&call.name).is_none(),
        })
        .await;
        Ok(text)
    }

    async fn builtin(&self, tool: BuiltinTool, arguments: &serde_json::Value) -> String {
        let text_arg = |name: &str| {
            arguments
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        match tool {
            BuiltinTool::EndCall => {
                let reason = text_arg("reason");
                self.tell(ReplyEvent::Action(Action::EndCall { reason }))
                    .await;
                "The call will end after this reply.".to_owned()
            }
            BuiltinTool::TransferCall => {
                let to = text_arg("to");
                self.tell(ReplyEvent::Action(Action::Transfer { to: to.clone() }))
                    .await;
                format!("Transferring the caller to {to}.")
            }
            BuiltinTool::ExtendCall => {
                let (answer, answered) = oneshot::channel();
                self.tell(ReplyEvent::Action(Action::Extend { answer }))
                    .await;
                answered
                    .await
                    .unwrap_or_else(|_| "The call could not be extended.".to_owned())
            }
        }
    }

    /// A tenant tool through the runner; the filler plays if it is still running after
    /// `filler_after`. `Err` inside is the tool's failure, told to the model.
    async fn custom(
        &mut self,
        turn: &mut Turn,
        call: &ToolCall,
    ) -> Result<Result<String, String>, ReplyError> {
        let Some(runner) = self.deps.tools.clone() else {
            return Ok(Err(format!("There is no tool called {}.", call.name)));
        };
        let cancel = turn.token().child_token();
        let _stop = cancel.clone().drop_guard();
        let running = runner.run(&self.deps.call_id, call, cancel);
        tokio::pin!(running);
        let wait = tokio::time::sleep(self.deps.filler_after);
        tokio::select! {
            result = &mut running => return Ok(result),
            () = wait => {}
        }
        let filler = self.synthesize(self.deps.filler.clone()).await?;
        self.play(turn, filler).await?;
        Ok(running.await)
    }
}
