//! The conversation loop: one task that owns the call's state and reacts to the session
//! (caller speech, barge-ins, playback), the speech-to-text stream, the reply tasks and its
//! timers. It never waits on a provider: replies run as their own tasks.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::json;
use switchboard_audio::g711::Law;
use switchboard_providers::ProviderError;
use switchboard_providers::llm::{ChatRequest, Message, ToolSpec};
use switchboard_providers::stt::{AudioEncoding, SttEvent, SttEvents, SttSender};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::DropGuard;

use super::log;
use super::providers::ConversationProviders;
use super::remote::{Command, RemoteControl, RemoteError};
use super::reply::{self, Action, ReplyDeps, ReplyEvent, Script};
use super::spec::ConversationSpec;
use super::state::{CallerTurn, ReplyKind, Speaking};
use super::timers::{self, CallClock, ClockStep, Silence, SilenceStep};
use super::tools::ToolRunner;
use crate::agent::backchannel::{Classification, Interruption};
use crate::brain::{BargeInMode, Brain, BrainEvent, BrainIo, TurnId};
use crate::records::{CallRecord, RecordSink, Speaker, TranscriptEntry, TurnLatency};

/// How long the speech-to-text gets to report its usage at the end.
const STT_CLOSE_WAIT: Duration = Duration::from_millis(300);
/// How long an interruption waits for the session to report what was heard.
const CUT_WAIT: Duration = Duration::from_secs(1);
/// An empty final ending this long before the pause is about earlier silence.
const STALE_FINAL_MARGIN_MS: u64 = 200;
/// Longest the agent stays paused after the caller's speech ended while the speech-to-text
/// has not yet reported on it; past this it plays on.
const MAX_PAUSE_AFTER_SPEECH: Duration = Duration::from_millis(2500);

/// The LLM agent: listens with streaming STT, answers with the LLM through streaming TTS.
pub struct ConversationBrain {
    spec: ConversationSpec,
    providers: ConversationProviders,
    records: RecordSink,
    tools: Option<Arc<dyn ToolRunner>>,
    remote: Option<mpsc::Receiver<Command>>,
}

impl ConversationBrain {
    pub fn new(
        spec: ConversationSpec,
        providers: ConversationProviders,
        records: RecordSink,
    ) -> Self {
        ConversationBrain {
            spec,
            providers,
            records,
            tools: None,
            remote: None,
        }
    }

    /// A conversation driven by [`RemoteControl`] commands instead of the LLM: it says what
    /// it is told and hands back what the caller answers. Listening, barge-in, silence and
    /// duration policies and records are the same.
    pub fn remote(
        spec: ConversationSpec,
        providers: ConversationProviders,
        records: RecordSink,
    ) -> (Self, RemoteControl) {
        let (control, commands) = RemoteControl::channel();
        let mut brain = ConversationBrain::new(spec, providers, records);
        brain.remote = Some(commands);
        (brain, control)
    }

    /// Runs tenant tools (the spec's `custom_tools`) through `runner`.
    pub fn with_tools(mut self, runner: Arc<dyn ToolRunner>) -> Self {
        self.tools = Some(runner);
        self
    }
}

impl Brain for ConversationBrain {
    fn run(self: Box<Self>, io: BrainIo) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let mut conversation = Conversation::new(*self, io);
            conversation.run().await;
        })
    }

    fn barge_in_mode(&self) -> BargeInMode {
        BargeInMode::Confirm
    }

    fn wants_caller_audio(&self) -> bool {
        true
    }
}

/// The live STT stream: its events, its sender (for closing) and the guard that cancels it.
struct Listening {
    events: SttEvents,
    sender: SttSender,
    _guard: DropGuard,
}

struct Conversation {
    io: BrainIo,
    spec: ConversationSpec,
    providers: ConversationProviders,
    records: RecordSink,
    tools: Option<Arc<dyn ToolRunner>>,
    tool_specs: Vec<ToolSpec>,
    started: Instant,
    history: Vec<Message>,
    next_seq: u32,
    stt: Option<Listening>,
    stt_provider: String,
    tasks: JoinSet<()>,
    replies: mpsc::Sender<ReplyEvent>,
    reply_events: mpsc::Receiver<ReplyEvent>,
    caller: CallerTurn,
    speaking: Option<Speaking>,
    /// A turn the caller interrupted, until the session says how much of it they heard
    /// (the answer to the interruption waits for that, so the history stays in order).
    cutting: Option<(Speaking, Instant)>,
    answer_after_cut: bool,
    /// The agent is paused by caller speech over it, since then.
    paused: Option<Instant>,
    /// A final transcript arrived since the pause: the speech-to-text has caught up.
    final_since_pause: bool,
    /// Decide on the paused speech at this time (its transcript had time to arrive).
    resume_at: Option<Instant>,
    /// End the caller's turn at this time unless they speak again.
    patience_until: Option<Instant>,
    dtmf: String,
    dtmf_until: Option<Instant>,
    silence: Silence,
    clock: CallClock,
    /// The agent's last words are playing; hang up when this turn has played.
    ending: Option<(TurnId, String)>,
    /// Remote control: the command queue, the command waiting on the turn now playing,
    /// and the `ask` waiting for the caller's next turn.
    commands: Option<mpsc::Receiver<Command>>,
    playing_for: Option<(TurnId, Command)>,
    asked: Option<tokio::sync::oneshot::Sender<Result<String, RemoteError>>>,
}

impl Conversation {
    fn new(brain: ConversationBrain, io: BrainIo) -> Self {
        let ConversationBrain {
            spec,
            providers,
            records,
            tools,
            remote,
        } = brain;
        let mut tool_specs: Vec<ToolSpec> = spec.builtins.iter().map(|b| b.spec()).collect();
        tool_specs.extend(spec.custom_tools.iter().cloned());
        let (replies, reply_events) = mpsc::channel(64);
        let started = Instant::now();
        let stt_provider = providers.names.stt.clone();
        Conversation {
            clock: CallClock::new(started, &spec.duration),
            io,
            spec,
            providers,
            records,
            tools,
            tool_specs,
            started,
            history: Vec::new(),
            next_seq: 0,
            stt: None,
            stt_provider,
            tasks: JoinSet::new(),
            replies,
            reply_events,
            caller: CallerTurn::default(),
            speaking: None,
            cutting: None,
            answer_after_cut: false,
            paused: None,
            final_since_pause: false,
            resume_at: None,
            patience_until: None,
            dtmf: String::new(),
            dtmf_until: None,
            silence: Silence::default(),
            ending: None,
            commands: remote,
            playing_for: None,
            asked: None,
        }
    }

    async fn run(&mut self) {
        if let Err(error) = self.listen().await {
            self.event("stt_failed", json!({"error": error.to_string()}));
            self.goodbye(self.spec.apology.clone(), "speech-to-text unavailable")
                .await;
        } else if let Some(greeting) = self.spec.first_message.clone() {
            self.say(greeting, ReplyKind::Line).await;
        } else {
            self.silence.start(Instant::now());
        }
        loop {
            let wake = self.next_timer();
            tokio::select! {
                event = self.io.next_event() => match event {
                    Some(event) => self.on_session(event).await,
                    None => break,
                },
                event = next_stt(&mut self.stt) => self.on_stt(event).await,
                Some(event) = self.reply_events.recv() => self.on_reply(event).await,
                Some(command) = next_command(&mut self.commands),
                    if self.speaking.is_none() && self.cutting.is_none() && self.ending.is_none() =>
                {
                    self.on_command(command).await;
                }
                () = tokio::time::sleep_until(wake) => self.on_timer().await,
            }
        }
        self.wind_up().await;
    }

    /// Opens the speech-to-text stream and feeds it the caller's audio.
    async fn listen(&mut self) -> Result<(), ProviderError> {
        let mut options = self.providers.stt_options.clone();
        options.encoding = match self.io.call().law {
            Law::Ulaw => AudioEncoding::Mulaw,
            Law::Alaw => AudioEncoding::Alaw,
        };
        options.sample_rate = 8000;
        let stream = self.providers.stt.open(options).await?;
        let (sender, events, guard) = stream.split();
        if let Some(mut audio) = self.io.take_caller_audio() {
            let pump = sender.clone();
            self.tasks.spawn(async move {
                while let Some(frame) = audio.recv().await {
                    if pump.send_audio(frame).await.is_err() {
                        break;
                    }
                }
            });
        }
        self.stt = Some(Listening {
            events,
            sender,
            _guard: guard,
        });
        Ok(())
    }

    // ----- the session -----

    async fn on_session(&mut self, event: BrainEvent) {
        let now = Instant::now();
        match event {
            BrainEvent::CallerSpeechStarted => {
                self.caller.started(now);
                self.patience_until = None;
                self.resume_at = None;
                self.silence.caller_spoke();
            }
            BrainEvent::CallerSpeechEnded(_) => {
                self.caller.stopped(now);
                if self.paused.is_some() {
                    self.resume_at = Some(now + self.spec.turn.resume_after);
                } else {
                    self.patience_until = Some(now + self.spec.turn.endpointing);
                }
            }
            BrainEvent::Dtmf(digit) => {
                self.dtmf.push(digit);
                self.silence.stop();
                self.dtmf_until = Some(if digit == '#' {
                    now
                } else {
                    now + self.spec.turn.dtmf_gap
                });
            }
            BrainEvent::AudioStarted { turn } => {
                if let Some(speaking) = self.speaking.as_mut().filter(|s| s.turn == turn) {
                    speaking.audio_started = Some(now);
                    let since = speaking.since_trigger(now);
                    if let Some(latency) = speaking.latency.as_mut() {
                        latency.first_audio_ms = since;
                        let latency = latency.clone();
                        self.records.record(CallRecord::Latency(latency));
                    }
                }
            }
            BrainEvent::TurnPlayed { turn, played_ms } => {
                // A turn that finished just as the caller interrupted it was heard whole.
                if let Some((cut, _)) = self.cutting.take_if(|(s, _)| s.turn == turn) {
                    self.record_turn(cut, played_ms, false);
                    self.after_cut().await;
                }
                self.on_played(turn, played_ms, false);
            }
            BrainEvent::AgentPaused { .. } => {
                self.paused = Some(now);
                self.final_since_pause = false;
                self.resume_at = None;
                self.judge_interruption().await;
            }
            BrainEvent::BargeIn { turn, played_ms } => {
                self.paused = None;
                self.resume_at = None;
                self.event("barge_in", json!({"turn": turn.0, "heard_ms": played_ms}));
                if self.ending.as_ref().is_some_and(|(t, _)| *t == turn) {
                    // The caller has more to say after all.
                    self.ending = None;
                }
                if let Some((cut, _)) = self.cutting.take_if(|(s, _)| s.turn == turn) {
                    self.record_turn(cut, played_ms, true);
                } else {
                    self.on_played(turn, played_ms, true);
                }
                self.after_cut().await;
            }
            BrainEvent::MarkPlayed { .. } => {}
        }
        if self.ending.is_some() && self.speaking.is_none() {
            self.hang_up_now().await;
        }
    }

    /// A turn is over: fully played, or cut off by the caller after `played_ms`.
    fn on_played(&mut self, turn: TurnId, played_ms: u64, interrupted: bool) {
        let Some(speaking) = self.speaking.take_if(|s| s.turn == turn) else {
            return;
        };
        self.record_turn(speaking, played_ms, interrupted);
        if !interrupted && self.caller.speaking_since.is_none() {
            self.silence.start(Instant::now());
        }
    }

    /// Cuts off the turn under way (its audio stops) and records what was heard of it.
    async fn cut_off(&mut self) {
        let Some(speaking) = self.speaking.take() else {
            return;
        };
        speaking.token.cancel();
        if speaking.audio_started.is_some() {
            let _ = self.io.interrupt().await;
            let played = speaking.played_by_clock();
            self.record_turn(speaking, played, true);
        }
    }

    /// Writes an agent turn's transcript entry and keeps the history to what was heard.
    fn record_turn(&mut self, speaking: Speaking, played_ms: u64, interrupted: bool) {
        if let Some((_, command)) = self.playing_for.take_if(|(t, _)| *t == speaking.turn) {
            let heard = speaking.heard_text(played_ms);
            self.settle(command, interrupted, heard);
        }
        let text = if interrupted {
            speaking.heard_text(played_ms)
        } else {
            speaking.full_text()
        };
        if interrupted {
            // The model must know what the caller actually heard.
            self.history.truncate(speaking.history_len);
            if !text.is_empty() {
                self.history.push(Message::assistant(format!("{text}...")));
            }
        }
        let start_ms = speaking
            .audio_started
            .map_or_else(|| self.offset(Instant::now()), |at| self.offset(at));
        if !text.is_empty() {
            self.records.record(CallRecord::Transcript(TranscriptEntry {
                seq: speaking.seq,
                speaker: Speaker::Agent,
                text,
                start_ms,
                end_ms: start_ms + played_ms,
                interrupted,
            }));
        }
    }

    // ----- speech to text -----

    async fn on_stt(&mut self, event: Option<Result<SttEvent, ProviderError>>) {
        match event {
            Some(Ok(SttEvent::Transcript(transcript))) => {
                self.caller.absorb(&transcript);
                if let Some(paused) = self.paused {
                    // Only a final about the speech over the agent settles it: an empty one
                    // for the silence before it (late, under load) says nothing.
                    let end = (transcript.start + transcript.duration).as_millis() as u64;
                    let about_it = !transcript.text.trim().is_empty()
                        || end + STALE_FINAL_MARGIN_MS >= self.offset(paused);
                    let settles = transcript.is_final && about_it;
                    self.final_since_pause |= settles;
                    self.judge_interruption().await;
                    // The speech is over and its words did not interrupt: play on now.
                    if self.paused.is_some() && settles && self.caller.speaking_since.is_none() {
                        self.resume().await;
                    }
                }
                if self.paused.is_none() {
                    if transcript.speech_final
                        && self.caller.has_words()
                        && self.caller.speaking_since.is_none()
                    {
                        self.end_caller_turn().await;
                    } else if self.caller.has_words() {
                        self.caller_keeps_talking();
                    }
                }
            }
            Some(Ok(SttEvent::UtteranceEnd { .. })) => {
                if self.paused.is_none()
                    && self.caller.has_words()
                    && self.caller.speaking_since.is_none()
                {
                    self.end_caller_turn().await;
                }
            }
            Some(Ok(SttEvent::ProviderSwitched(switch))) => {
                self.event(
                    "provider_switched",
                    json!({"role": "stt", "from": switch.failed, "to": switch.took_over,
                           "reason": switch.reason}),
                );
                if let Some(to) = switch.took_over {
                    self.stt_provider = to;
                }
            }
            Some(Ok(SttEvent::Closed { usage })) => {
                self.cost("stt", &self.stt_provider.clone(), &usage);
                self.stt = None;
            }
            Some(Ok(SttEvent::SpeechStarted { .. } | SttEvent::Metadata(_))) => {}
            Some(Err(error)) => {
                self.stt = None;
                self.event("stt_failed", json!({"error": error.to_string()}));
                if let Err(error) = self.listen().await {
                    self.event("stt_failed", json!({"error": error.to_string()}));
                    self.interrupt_and_say(self.spec.apology.clone(), "speech-to-text failed")
                        .await;
                }
            }
            None => self.stt = None,
        }
    }

    /// The caller goes on speaking while the agent prepares an answer it has not started
    /// to play: that answer is to a turn that was not over. Drop it; the caller's words so
    /// far stay and the turn ends later.
    fn caller_keeps_talking(&mut self) {
        let words = matches!(
            Interruption::classify(&self.caller.heard(), &self.spec.turn.backchannels),
            Classification::Words(_)
        );
        let Some(speaking) = &self.speaking else {
            return;
        };
        if !words || speaking.audio_started.is_some() || speaking.kind != ReplyKind::Answer {
            return;
        }
        let speaking = self.speaking.take().expect("checked above");
        speaking.token.cancel();
        self.history.truncate(speaking.history_len);
        // The caller's earlier words come back as part of this turn.
        if let Some(Message::User(earlier)) = self.history.pop() {
            let now = self.caller.heard();
            self.caller.discard();
            self.caller.interim = format!("{earlier} {now}");
        }
        self.event("reply_abandoned", json!({"turn": speaking.turn.0}));
    }

    /// While paused: interrupt when the caller's words call for it; otherwise wait.
    async fn judge_interruption(&mut self) {
        let now = Instant::now();
        let policy = &self.spec.turn;
        let interrupt = policy.backchannels.should_interrupt(
            &self.caller.heard(),
            self.caller.speech_ms(now),
            policy.interrupt_min_speech.as_millis() as u64,
        );
        if interrupt {
            self.paused = None;
            self.resume_at = None;
            if let Some(speaking) = self.speaking.take() {
                self.cutting = Some((speaking, now + CUT_WAIT));
            }
            let _ = self.io.interrupt().await;
        }
    }

    /// The interrupted turn is settled: answer the caller if their turn ended meanwhile.
    async fn after_cut(&mut self) {
        if self.cutting.is_none() && std::mem::take(&mut self.answer_after_cut) {
            self.end_caller_turn().await;
        }
    }

    /// The paused speech is over and did not interrupt: carry on.
    async fn resume(&mut self) {
        if let (Some(paused), Some(speaking)) = (self.paused, self.speaking.as_mut()) {
            speaking.paused_for += paused.elapsed();
        }
        self.paused = None;
        self.resume_at = None;
        let heard = self.caller.heard();
        self.caller.discard();
        // Words that are all backchannels, or no words at all (noise, a cough).
        let kind = if heard.trim().is_empty() {
            "false_interruption"
        } else {
            "backchannel"
        };
        self.event(kind, json!({"text": heard}));
        let _ = self.io.resume().await;
    }

    // ----- turns -----

    /// The caller has finished: record their words and answer.
    async fn end_caller_turn(&mut self) {
        self.patience_until = None;
        if self.cutting.is_some() {
            self.answer_after_cut = true;
            return;
        }
        let now = Instant::now();
        let trigger = self.caller.stopped_at.take().unwrap_or(now).min(now);
        let (text, span) = self.caller.take();
        if text.trim().is_empty() {
            return;
        }
        let (start_ms, end_ms) = match span {
            Some((start, end)) => (start.as_millis() as u64, end.as_millis() as u64),
            None => (self.offset(trigger), self.offset(trigger)),
        };
        let seq = self.take_seq();
        self.records.record(CallRecord::Transcript(TranscriptEntry {
            seq,
            speaker: Speaker::Caller,
            text: text.clone(),
            start_ms,
            end_ms,
            interrupted: false,
        }));
        self.answer(text, trigger, now).await;
    }

    /// Answers `text` (the caller's turn, or their key presses) with the model; under remote
    /// control, hands it to the waiting `ask` instead.
    async fn answer(&mut self, text: String, trigger: Instant, decided: Instant) {
        if self.commands.is_some() {
            if let Some(asked) = self.asked.take() {
                let _ = asked.send(Ok(text));
            }
            return;
        }
        // Whatever was under way (a reprompt, say) is moot now.
        self.cut_off().await;
        self.history.push(Message::user(text));
        let mut messages = vec![Message::system(self.spec.system_prompt.clone())];
        messages.extend(self.history.iter().cloned());
        let request = ChatRequest {
            messages,
            tools: self.tool_specs.clone(),
            temperature: self.providers.temperature,
            ..ChatRequest::default()
        };
        let latency = TurnLatency {
            speech_end_at_ms: Some(self.offset(trigger)),
            stt_final_ms: Some(ms_between(trigger, decided)),
            ..TurnLatency::default()
        };
        self.start(
            Script::Llm(request),
            ReplyKind::Answer,
            Some((latency, trigger)),
        )
        .await;
    }

    /// Says a fixed line.
    async fn say(&mut self, text: String, kind: ReplyKind) {
        self.start(Script::Fixed(text), kind, None).await;
    }

    /// Cuts off whatever plays and says `text` as the last words.
    async fn interrupt_and_say(&mut self, text: String, reason: &str) {
        self.cut_off().await;
        self.goodbye(text, reason).await;
    }

    /// Says `text` as the last words; the call ends for `reason` once they have played.
    async fn goodbye(&mut self, text: String, reason: &str) {
        self.say(text, ReplyKind::Goodbye).await;
        if let Some((_, why)) = self.ending.as_mut() {
            *why = reason.to_owned();
        }
    }

    async fn start(
        &mut self,
        script: Script,
        kind: ReplyKind,
        latency: Option<(TurnLatency, Instant)>,
    ) {
        let Ok(turn) = self.io.begin_turn().await else {
            return;
        };
        self.silence.agent_speaks();
        let id = turn.id();
        let (latency, trigger) = match latency {
            Some((mut latency, trigger)) => {
                latency.turn = id.0;
                (Some(latency), Some(trigger))
            }
            None => (None, None),
        };
        if kind == ReplyKind::Goodbye {
            self.ending = Some((id, "goodbye".into()));
        }
        self.speaking = Some(Speaking {
            turn: id,
            token: turn.token().clone(),
            kind,
            seq: self.take_seq(),
            segments: Vec::new(),
            audio_started: None,
            paused_for: Duration::ZERO,
            history_len: self.history.len(),
            latency,
            trigger,
        });
        let deps = ReplyDeps {
            llm: self.providers.llm.clone(),
            llm_name: self.providers.names.llm.clone(),
            tts: self.providers.tts.clone(),
            tts_name: self.providers.names.tts.clone(),
            voice: self.providers.voice.clone(),
            tools: self.tools.clone(),
            call_id: self.io.call().call_id.clone(),
            filler: self.spec.tool_filler.clone(),
            filler_after: self.spec.turn.tool_filler_after,
        };
        self.tasks
            .spawn(reply::run(turn, script, deps, self.replies.clone()));
    }

    // ----- replies -----

    async fn on_reply(&mut self, event: ReplyEvent) {
        match event {
            ReplyEvent::FirstToken { turn, at } => {
                self.with_latency(turn, at, |l, ms| l.llm_first_token_ms = ms);
            }
            ReplyEvent::FirstClause { turn, at } => {
                self.with_latency(turn, at, |l, ms| l.first_clause_ms = ms);
            }
            ReplyEvent::FirstAudio { turn, at } => {
                self.with_latency(turn, at, |l, ms| l.tts_first_byte_ms = ms);
            }
            ReplyEvent::Segment {
                turn,
                text,
                audio_ms,
            } => {
                if let Some(speaking) = self.speaking.as_mut().filter(|s| s.turn == turn) {
                    speaking.segments.push((text, audio_ms));
                }
            }
            ReplyEvent::Usage {
                role,
                provider,
                usage,
            } => self.cost(role, &provider, &usage),
            ReplyEvent::ProviderSwitched {
                role,
                from,
                to,
                reason,
            } => self.event(
                "provider_switched",
                json!({"role": role, "from": from, "to": to, "reason": reason}),
            ),
            ReplyEvent::ToolCalled {
                turn,
                name,
                ok,
                took_ms,
                filler,
            } => self.event(
                "tool_called",
                json!({"turn": turn.0, "tool": name, "ok": ok, "took_ms": took_ms,
                       "filler": filler}),
            ),
            ReplyEvent::Action(action) => self.on_action(action),
            ReplyEvent::Finished { turn, messages } => {
                let Some(speaking) = self.speaking.as_ref().filter(|s| s.turn == turn) else {
                    return;
                };
                let silent = speaking.segments.is_empty();
                self.history.extend(messages);
                let ending_here = self.ending.as_ref().is_some_and(|(t, _)| *t == turn);
                if silent && ending_here {
                    // The model ended the call without a word: say goodbye for it.
                    let reason = self.ending.take().map(|(_, r)| r).unwrap_or_default();
                    self.speaking = None;
                    self.say("Goodbye!".into(), ReplyKind::Goodbye).await;
                    if let Some((_, r)) = self.ending.as_mut() {
                        *r = reason;
                    }
                }
            }
            ReplyEvent::Failed { turn, error, spoke } => {
                self.event("reply_failed", json!({"turn": turn.0, "error": error}));
                let current = self.speaking.as_ref().is_some_and(|s| s.turn == turn);
                if current && !spoke {
                    self.speaking = None;
                    self.goodbye(self.spec.apology.clone(), "providers failed")
                        .await;
                }
            }
        }
    }

    fn on_action(&mut self, action: Action) {
        let turn = self.speaking.as_ref().map(|s| s.turn);
        match action {
            Action::EndCall { reason } => {
                self.event("end_call_requested", json!({"reason": reason}));
                if let Some(turn) = turn {
                    self.ending = Some((turn, format!("agent ended the call: {reason}")));
                }
            }
            Action::Transfer { to } => {
                // The carrier carries the transfer out; without one the call ends here.
                self.event("transfer_requested", json!({"to": to}));
                if let Some(turn) = turn {
                    self.ending = Some((turn, format!("transfer to {to}")));
                }
            }
            Action::Extend { answer } => {
                let policy = &self.spec.duration;
                let granted = self.clock.extend(policy);
                if let Some(extensions) = granted {
                    self.event(
                        "duration_extended",
                        json!({"by_s": policy.extension_step.as_secs(),
                               "extensions": extensions}),
                    );
                }
                let text = timers::extension_answer(&self.spec.duration, granted.is_some());
                let _ = answer.send(text);
            }
        }
    }

    fn with_latency(
        &mut self,
        turn: TurnId,
        at: Instant,
        set: impl FnOnce(&mut TurnLatency, Option<u32>),
    ) {
        if let Some(speaking) = self.speaking.as_mut().filter(|s| s.turn == turn) {
            let ms = speaking.since_trigger(at);
            if let Some(latency) = speaking.latency.as_mut() {
                set(latency, ms);
            }
        }
    }

    // ----- remote control -----

    async fn on_command(&mut self, command: Command) {
        let text = match &command {
            Command::Say { text, .. } | Command::Ask { text, .. } => Some(text.clone()),
            Command::HangUp { text, .. } => text.clone(),
        };
        match (&command, text) {
            (Command::HangUp { .. }, Some(text)) => {
                self.goodbye(text, "ended by remote control").await;
            }
            (Command::HangUp { .. }, None) => {
                self.settle(command, false, String::new());
                self.event("hang_up", json!({"reason": "ended by remote control"}));
                let _ = self.io.hang_up("ended by remote control").await;
                return;
            }
            (_, Some(text)) => self.say(text, ReplyKind::Line).await,
            (_, None) => {}
        }
        match self.speaking.as_ref() {
            Some(speaking) => self.playing_for = Some((speaking.turn, command)),
            // The session is over: the command's sender learns it from the drop.
            None => drop(command),
        }
    }

    /// A remote command's line has played (or was cut off after `heard`).
    fn settle(&mut self, command: Command, interrupted: bool, heard: String) {
        let outcome = if interrupted {
            Err(RemoteError::Interrupted { heard })
        } else {
            Ok(())
        };
        match command {
            Command::Say { done, .. } | Command::HangUp { done, .. } => {
                let _ = done.send(outcome);
            }
            // Interrupted or not, the answer is the caller's next turn.
            Command::Ask { answer, .. } => self.asked = Some(answer),
        }
    }

    // ----- timers -----

    fn next_timer(&self) -> Instant {
        [
            self.patience_until,
            self.resume_at,
            self.cutting.as_ref().map(|(_, until)| *until),
            self.dtmf_until,
            self.silence_counts()
                .then(|| self.silence.wake(&self.spec.silence))
                .flatten(),
        ]
        .into_iter()
        .flatten()
        .fold(
            self.clock
                .wake(&self.spec.duration, self.speaking.is_none()),
            Instant::min,
        )
    }

    async fn on_timer(&mut self) {
        let now = Instant::now();
        if let Some(reason) = self.clock.hard_stop_due(now) {
            let _ = self.io.hang_up(reason).await;
            return;
        }
        if let Some((cut, _)) = self.cutting.take_if(|(_, until)| now >= *until) {
            // The session never said what was heard: estimate it by the clock.
            let played = cut.played_by_clock();
            self.record_turn(cut, played, true);
            self.after_cut().await;
        }
        if self.patience_until.is_some_and(|at| now >= at) {
            self.patience_until = None;
            if self.caller.has_words() && self.caller.speaking_since.is_none() {
                self.end_caller_turn().await;
            }
        }
        if self.resume_at.is_some_and(|at| now >= at) && self.caller.speaking_since.is_none() {
            self.judge_interruption().await;
            let waited = self
                .caller
                .stopped_at
                .is_some_and(|stopped| now >= stopped + MAX_PAUSE_AFTER_SPEECH);
            if self.paused.is_some() && (self.final_since_pause || waited) {
                self.resume().await;
            } else if self.paused.is_some() {
                // The transcript of that speech is late: give it a little longer.
                self.resume_at = Some(now + Duration::from_millis(100));
            } else if self.caller.has_words() {
                // It was an interruption after all: the caller's turn is over.
                self.patience_until = Some(now);
            }
        }
        if self.dtmf_until.is_some_and(|at| now >= at) {
            self.dtmf_until = None;
            let digits = std::mem::take(&mut self.dtmf);
            self.event("dtmf", json!({"digits": digits}));
            let text = format!("(The caller pressed these keys on the keypad: {digits})");
            self.answer(text, now, now).await;
        }
        match self
            .clock
            .due(now, &self.spec.duration, self.speaking.is_none())
        {
            Some(ClockStep::TimeUp) => {
                self.event("duration_limit", json!({}));
                let end = self.spec.duration.end_message.clone();
                self.interrupt_and_say(end, "time limit reached").await;
                return;
            }
            Some(ClockStep::Warn) => {
                self.event("duration_warning", json!({}));
                self.say(self.spec.duration.warning_message.clone(), ReplyKind::Line)
                    .await;
            }
            None => {}
        }
        if self.speaking.is_none() && self.ending.is_none() && self.silence_counts() {
            match self.silence.due(now, &self.spec.silence) {
                Some(SilenceStep::HangUp) => {
                    self.event("silence_hangup", json!({}));
                    let goodbye = self.spec.silence.goodbye_message.clone();
                    self.goodbye(goodbye, "no response from the caller").await;
                }
                Some(SilenceStep::Reprompt) => {
                    self.event("reprompt", json!({}));
                    self.say(self.spec.silence.reprompt_message.clone(), ReplyKind::Line)
                        .await;
                }
                None => {}
            }
        }
    }

    /// Whether the caller's silence means anything. Under remote control the person only owes
    /// an answer while a question waits for one; between commands (the controller is busy
    /// elsewhere) a quiet line is expected, and the controller decides when to hang up.
    fn silence_counts(&self) -> bool {
        self.commands.is_none() || self.asked.as_ref().is_some_and(|a| !a.is_closed())
    }

    async fn hang_up_now(&mut self) {
        if let Some((_, command)) = self.playing_for.take() {
            self.settle(command, false, String::new());
        }
        if let Some((_, reason)) = self.ending.take() {
            self.event("hang_up", json!({"reason": reason}));
            let _ = self.io.hang_up(reason).await;
        }
    }

    // ----- records -----

    fn take_seq(&mut self) -> u32 {
        self.next_seq += 1;
        self.next_seq
    }

    fn offset(&self, at: Instant) -> u64 {
        log::offset(self.started, at)
    }

    fn event(&self, kind: &'static str, data: serde_json::Value) {
        log::timeline(&self.records, self.started, kind, data);
    }

    fn cost(&self, role: &'static str, provider: &str, usage: &switchboard_providers::Usage) {
        for cost in self.providers.prices.costs(provider, role, usage) {
            self.records.record(CallRecord::Cost(cost));
        }
    }

    /// The session is over: what the caller heard of a turn cut off by the hang-up is
    /// recorded, and the speech-to-text reports its usage.
    async fn wind_up(&mut self) {
        if let Some(speaking) = self.speaking.take()
            && speaking.audio_started.is_some()
        {
            let audio_ms = speaking.audio_ms();
            let played = speaking.played_by_clock();
            self.record_turn(speaking, played, played < audio_ms);
        }
        if let Some(mut listening) = self.stt.take() {
            let _ = listening.sender.close().await;
            let wait = tokio::time::sleep(STT_CLOSE_WAIT);
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    () = &mut wait => break,
                    event = listening.events.recv() => match event {
                        Some(Ok(SttEvent::Closed { usage })) => {
                            self.cost("stt", &self.stt_provider.clone(), &usage);
                            break;
                        }
                        Some(Ok(_)) => {}
                        Some(Err(_)) | None => break,
                    },
                }
            }
        }
        self.tasks.abort_all();
    }
}

async fn next_command(commands: &mut Option<mpsc::Receiver<Command>>) -> Option<Command> {
    match commands {
        Some(commands) => commands.recv().await,
        None => std::future::pending().await,
    }
}

async fn next_stt(stt: &mut Option<Listening>) -> Option<Result<SttEvent, ProviderError>> {
    match stt {
        Some(listening) => listening.events.recv().await,
        None => std::future::pending().await,
    }
}

fn ms_between(from: Instant, to: Instant) -> u32 {
    u32::try_from(to.saturating_duration_since(from).as_millis()).unwrap_or(u32::MAX)
}
