//! The call loop of the speech-to-speech brain: one task that owns the call's state and
//! reacts to the session (playback, pauses, barge-ins), the model's events, finished tools
//! and its timers. It never waits on playback (the speaker task does) or on a tool (each
//! runs as its own task).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::json;
use switchboard_audio::g711::{self, Law};
use switchboard_providers::llm::ToolCall;
use switchboard_providers::realtime::{
    RealtimeEvent, RealtimeInput, RealtimeOutput, ResponseStatus, TokenUsage, TurnDetection,
};
use switchboard_providers::{ProviderError, Usage};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::reply::{Playing, Reply};
use super::speaker::{self, Feed, SPEAKER_CAPACITY};
use super::tools::{self, Request, ToolDone};
use super::{DEFAULT_INPUT_TRANSCRIPTION, RealtimeBrain};
use crate::brain::{BrainEvent, BrainIo, TurnId};
use crate::conversation::log::{offset, timeline};
use crate::conversation::providers::PriceList;
use crate::conversation::spec::ConversationSpec;
use crate::conversation::timers::{self, CallClock, ClockStep, Silence, SilenceStep};
use crate::conversation::tools::ToolRunner;
use crate::records::{CallRecord, RecordSink, Speaker, TranscriptEntry, TurnLatency};

/// How long the model gets to report the usage of a response cut off by the hang-up.
const CLOSE_WAIT: Duration = Duration::from_millis(300);
/// After the model failed, how long its apology may take before the line is cut.
const APOLOGY_WAIT: Duration = Duration::from_secs(10);

/// Connects, then runs the call until the session ends.
pub(super) async fn run(brain: RealtimeBrain, mut io: BrainIo) {
    let RealtimeBrain {
        spec,
        client,
        prices,
        records,
        tools,
    } = brain;
    let started = Instant::now();
    let mut session = client.config().session();
    session.instructions = spec.system_prompt.clone();
    session.tools = spec.builtins.iter().map(|b| b.spec()).collect();
    session.tools.extend(spec.custom_tools.iter().cloned());
    session
        .input_transcription
        .get_or_insert_with(|| DEFAULT_INPUT_TRANSCRIPTION.to_owned());
    let server_interrupts = match session.turn_detection {
        TurnDetection::ServerVad {
            interrupt_response, ..
        }
        | TurnDetection::SemanticVad {
            interrupt_response, ..
        } => interrupt_response,
    };
    let connected = tokio::select! {
        biased;
        () = io.shutdown().cancelled() => return,
        connected = client.connect(session) => connected,
    };
    let (input, output) = match connected {
        Ok(stream) => stream.split(),
        Err(error) => {
            // No voice to apologise with: the line goes quiet and ends.
            timeline(
                &records,
                started,
                "s2s_failed",
                json!({"error": error.to_string()}),
            );
            let _ = io.hang_up("speech-to-speech provider unavailable").await;
            return;
        }
    };
    let law = io.call().law;
    let mut tasks = JoinSet::new();
    if let Some(audio) = io.take_caller_audio() {
        tasks.spawn(pump_caller_audio(audio, input.clone(), law));
    }
    let (speaker, feed) = mpsc::channel(SPEAKER_CAPACITY);
    tasks.spawn(speaker::run(feed, law));
    let (tool_done, tools_done) = mpsc::channel(16);
    let mut call = S2sCall {
        clock: CallClock::new(started, &spec.duration),
        io,
        spec,
        input,
        output: Some(output),
        provider: client.name(),
        prices,
        records,
        tools,
        tasks,
        tool_done,
        tools_done,
        speaker,
        server_interrupts,
        started,
        next_seq: 0,
        callers: HashMap::new(),
        caller_speaking: false,
        trigger: None,
        replies: Vec::new(),
        awaiting: false,
        pending: VecDeque::new(),
        paused: false,
        resume_at: None,
        silence: Silence::default(),
        ending: None,
        failed: false,
        overflowed: false,
    };
    call.run().await;
}

/// Caller frames to the model as they come (mu-law; A-law is transcoded).
async fn pump_caller_audio(mut audio: mpsc::Receiver<Bytes>, input: RealtimeInput, law: Law) {
    let mut ulaw = Vec::new();
    while let Some(frame) = audio.recv().await {
        let sent = match law {
            Law::Ulaw => input.send_audio(&frame).await,
            Law::Alaw => {
                ulaw.resize(frame.len(), 0);
                g711::alaw_to_ulaw(&frame, &mut ulaw);
                input.send_audio(&ulaw).await
            }
        };
        if sent.is_err() {
            break;
        }
    }
}

/// Something to ask of the model once no response is under way.
#[derive(Debug)]
enum Pending {
    /// Say this line word for word.
    Line(String),
    ToolResult {
        call_id: String,
        output: String,
    },
}

/// A caller item heard by the server's VAD, waiting for its transcript.
#[derive(Debug)]
struct CallerItem {
    seq: u32,
    start_ms: u64,
    end_ms: Option<u64>,
}

/// How much of a reply the caller heard.
#[derive(Debug, Clone, Copy)]
enum Heard {
    All,
    Cut(u64),
}

struct S2sCall {
    io: BrainIo,
    spec: ConversationSpec,
    input: RealtimeInput,
    /// `None` once the model's stream has ended.
    output: Option<RealtimeOutput>,
    provider: &'static str,
    prices: PriceList,
    records: RecordSink,
    tools: Option<Arc<dyn ToolRunner>>,
    tasks: JoinSet<()>,
    tool_done: mpsc::Sender<ToolDone>,
    tools_done: mpsc::Receiver<ToolDone>,
    speaker: mpsc::Sender<Feed>,
    /// The server cancels its own response when the caller talks over it.
    server_interrupts: bool,
    started: Instant,
    next_seq: u32,
    callers: HashMap<String, CallerItem>,
    /// The server hears the caller speaking.
    caller_speaking: bool,
    /// When the server detected the end of caller speech not yet answered.
    trigger: Option<Instant>,
    /// Responses not yet done or not yet heard, in order.
    replies: Vec<Reply>,
    /// We asked for a response and it has not started.
    awaiting: bool,
    pending: VecDeque<Pending>,
    /// Our VAD paused the agent; the server has not confirmed the caller is talking.
    paused: bool,
    /// Let the paused agent carry on at this time.
    resume_at: Option<Instant>,
    silence: Silence,
    clock: CallClock,
    /// Hang up, for this reason, once the agent has nothing left to say.
    ending: Option<String>,
    /// The model failed; it gets one chance to apologise.
    failed: bool,
    /// Audio was dropped because the speaker fell behind (recorded once).
    overflowed: bool,
}

impl S2sCall {
    async fn run(&mut self) {
        match self.spec.first_message.clone() {
            Some(greeting) => self.say(greeting),
            None => self.silence.start(Instant::now()),
        }
        loop {
            self.ask().await;
            if self.quiet()
                && let Some(reason) = self.ending.take()
            {
                self.event("hang_up", json!({"reason": reason}));
                let _ = self.io.hang_up(reason).await;
            }
            let wake = self.next_timer();
            tokio::select! {
                event = self.io.next_event() => match event {
                    Some(event) => self.on_session(event).await,
                    None => break,
                },
                event = next_realtime(&mut self.output) => self.on_realtime(event).await,
                Some(done) = self.tools_done.recv() => self.on_tool_done(done),
                () = tokio::time::sleep_until(wake) => self.on_timer().await,
            }
        }
        self.wind_up().await;
    }

    /// Nothing is being said or about to be.
    fn quiet(&self) -> bool {
        self.replies.is_empty() && self.pending.is_empty() && !self.awaiting
    }

    fn reply_of(&self, turn: TurnId) -> Option<usize> {
        self.replies.iter().position(|r| r.turn() == Some(turn))
    }

    /// The response under way (the server runs one at a time).
    fn active(&mut self) -> Option<&mut Reply> {
        self.replies.iter_mut().rev().find(|r| !r.done)
    }

    // ----- the session -----

    async fn on_session(&mut self, event: BrainEvent) {
        let now = Instant::now();
        match event {
            BrainEvent::CallerSpeechStarted => self.silence.caller_spoke(),
            BrainEvent::CallerSpeechEnded(_) => {
                if self.paused {
                    self.resume_at = Some(now + self.spec.turn.resume_after);
                }
            }
            BrainEvent::Dtmf(digit) => {
                // The model has no ears for keys; they are on the timeline.
                self.silence.stop();
                self.event("dtmf", json!({"digits": digit.to_string()}));
            }
            BrainEvent::AudioStarted { turn } => {
                let Some(index) = self.reply_of(turn) else {
                    return;
                };
                let reply = &mut self.replies[index];
                reply.audio_started = Some(now);
                let since = ms_since(reply.trigger, now);
                if let Some(latency) = reply.latency.as_mut() {
                    latency.first_audio_ms = since;
                    let latency = latency.clone();
                    self.records.record(CallRecord::Latency(latency));
                }
            }
            BrainEvent::TurnPlayed { turn, .. } => {
                if let Some(index) = self.reply_of(turn) {
                    self.settle(index, Heard::All).await;
                }
                if self.quiet() && !self.caller_speaking {
                    self.silence.start(now);
                }
            }
            BrainEvent::AgentPaused { .. } => {
                self.paused = true;
                self.resume_at = None;
            }
            BrainEvent::BargeIn { turn, played_ms } => {
                self.paused = false;
                self.resume_at = None;
                self.event("barge_in", json!({"turn": turn.0, "heard_ms": played_ms}));
                self.on_barge_in(turn, played_ms).await;
            }
            BrainEvent::MarkPlayed { .. } => {}
        }
    }

    /// The session cut `target` off after `played_ms`: earlier turns were heard whole, later
    /// ones not at all.
    async fn on_barge_in(&mut self, target: TurnId, played_ms: u64) {
        let mut index = 0;
        while index < self.replies.len() {
            let heard = match self.replies[index].turn() {
                Some(turn) if turn < target => Heard::All,
                Some(turn) if turn == target => Heard::Cut(played_ms),
                Some(_) => Heard::Cut(0),
                None => {
                    index += 1;
                    continue;
                }
            };
            if self.settle(index, heard).await {
                index += 1;
            }
        }
    }

    /// The caller heard `heard` of a reply: the model's memory is cut to match, the agent's
    /// transcript entry written. Returns whether the reply stays (its response is not done).
    async fn settle(&mut self, index: usize, heard: Heard) -> bool {
        let reply = &mut self.replies[index];
        let played = match heard {
            Heard::All => reply.audio_ms(),
            Heard::Cut(ms) => ms,
        };
        let interrupted = matches!(heard, Heard::Cut(_));
        let (text, cuts) = if interrupted {
            (reply.heard_text(played), reply.truncations(played))
        } else {
            (reply.full_text(), Vec::new())
        };
        if let Some(playing) = reply.playing.take() {
            playing.token.cancel();
        }
        reply.muted = true;
        let seq = reply.seq;
        let audio_started = reply.audio_started.take();
        let stays = !reply.done;
        if !stays {
            self.replies.remove(index);
        }
        for (item, audio_end_ms) in cuts {
            let _ = self.input.truncate(&item, 0, audio_end_ms).await;
        }
        if let Some(at) = audio_started
            && !text.is_empty()
        {
            let start_ms = self.offset(at);
            self.records.record(CallRecord::Transcript(TranscriptEntry {
                seq,
                speaker: Speaker::Agent,
                text,
                start_ms,
                end_ms: start_ms + played,
                interrupted,
            }));
        }
        stays
    }

    /// The caller is talking: everything the agent is saying or about to say stops. Audio
    /// already playing is cut by the session (its `BargeIn` settles it); audio not yet
    /// heard is dropped and the model's memory cut to nothing of it. `server_cancelled`: the
    /// server stops its response by itself.
    async fn cut_off(&mut self, server_cancelled: bool) {
        let mut interrupt = self.paused;
        let mut cancel = false;
        let mut cuts = Vec::new();
        for reply in self.replies.iter_mut().filter(|r| !r.muted) {
            reply.muted = true;
            cancel |= !reply.done;
            interrupt |= reply.playing.is_some();
            if reply.audio_started.is_some() {
                continue;
            }
            if let Some(playing) = reply.playing.take() {
                playing.token.cancel();
            }
            cuts.extend(reply.truncations(0));
            for item in &mut reply.items {
                item.unheard = true;
            }
        }
        self.replies
            .retain(|r| !(r.done && r.playing.is_none() && r.audio_started.is_none()));
        for (item, audio_end_ms) in cuts {
            let _ = self.input.truncate(&item, 0, audio_end_ms).await;
        }
        if interrupt {
            let _ = self.io.interrupt().await;
        }
        if cancel && !server_cancelled {
            let _ = self.input.cancel_response().await;
        }
        self.paused = false;
        self.resume_at = None;
    }

    // ----- the model -----

    async fn on_realtime(&mut self, event: Option<Result<RealtimeEvent, ProviderError>>) {
        let event = match event {
            Some(Ok(event)) => event,
            Some(Err(error)) => {
                self.output = None;
                self.fail(error.to_string()).await;
                return;
            }
            None => {
                self.output = None;
                self.fail("the session ended".to_owned()).await;
                return;
            }
        };
        let now = Instant::now();
        match event {
            RealtimeEvent::SpeechStarted {
                audio_start_ms,
                item_id,
            } => {
                self.caller_speaking = true;
                self.silence.caller_spoke();
                let audible = self.replies.iter().any(|r| r.audio_started.is_some());
                if audible && !self.failed {
                    // Talking over the last words: the caller has more to say after all.
                    self.ending = None;
                }
                let seq = self.take_seq();
                self.callers.insert(
                    item_id,
                    CallerItem {
                        seq,
                        start_ms: audio_start_ms,
                        end_ms: None,
                    },
                );
                self.cut_off(self.server_interrupts).await;
            }
            RealtimeEvent::SpeechStopped {
                audio_end_ms,
                item_id,
            } => {
                self.caller_speaking = false;
                self.trigger = Some(now);
                if let Some(caller) = self.callers.get_mut(&item_id) {
                    caller.end_ms = Some(audio_end_ms);
                }
            }
            RealtimeEvent::InputTranscript { item_id, text } => self.on_caller_words(item_id, text),
            RealtimeEvent::ResponseStarted { response_id } => {
                // A response we asked for says a line or follows a tool; any other answers
                // the caller's last turn.
                let trigger = if std::mem::take(&mut self.awaiting) {
                    None
                } else {
                    self.trigger.take()
                };
                let seq = self.take_seq();
                let mut reply = Reply::new(response_id, seq, trigger);
                reply.latency = trigger.map(|at| TurnLatency {
                    speech_end_at_ms: Some(self.offset(at)),
                    ..TurnLatency::default()
                });
                self.replies.push(reply);
            }
            RealtimeEvent::AudioDelta { item_id, audio } => self.on_audio(item_id, audio).await,
            RealtimeEvent::OutputTranscriptDelta { item_id, text } => {
                if let Some(reply) = self.active().filter(|r| !r.muted) {
                    reply.item(&item_id).text.push_str(&text);
                }
            }
            RealtimeEvent::OutputTranscriptDone { item_id, text } => {
                let owner = self
                    .replies
                    .iter_mut()
                    .find(|r| r.items.iter().any(|i| i.id == item_id));
                if let Some(reply) = owner {
                    reply.item(&item_id).text = text;
                } else if let Some(reply) = self.active().filter(|r| !r.muted) {
                    reply.item(&item_id).text = text;
                }
            }
            RealtimeEvent::FunctionCall {
                call_id,
                name,
                arguments,
            } => self.on_function_call(ToolCall {
                id: call_id,
                name,
                arguments,
            }),
            RealtimeEvent::ResponseDone {
                response_id,
                status,
                usage,
            } => self.on_response_done(response_id, status, usage).await,
            RealtimeEvent::Error(error) => {
                // Whatever we asked for may have been refused: do not wait for it.
                self.awaiting = false;
                match error {
                    // The session goes on: a control event lost a race (a cancel after the
                    // response ended, say).
                    ProviderError::BadRequest { .. } => {
                        self.event("s2s_refused", json!({"error": error.to_string()}));
                    }
                    error => self.fail(error.to_string()).await,
                }
            }
            RealtimeEvent::Closed { .. } => {
                self.output = None;
                self.fail("the session closed".to_owned()).await;
            }
            RealtimeEvent::AudioDone { .. } | RealtimeEvent::Truncated { .. } => {}
        }
    }

    fn on_caller_words(&mut self, item_id: String, text: String) {
        let caller = self.callers.remove(&item_id);
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        let (seq, start_ms, end_ms) = match caller {
            Some(caller) => (
                caller.seq,
                caller.start_ms,
                caller.end_ms.unwrap_or(caller.start_ms),
            ),
            None => {
                let at = self.offset(Instant::now());
                (self.take_seq(), at, at)
            }
        };
        self.records.record(CallRecord::Transcript(TranscriptEntry {
            seq,
            speaker: Speaker::Caller,
            text,
            start_ms,
            end_ms,
            interrupted: false,
        }));
    }

    /// Audio of the response under way: its first piece begins the turn.
    async fn on_audio(&mut self, item_id: String, audio: Bytes) {
        let now = Instant::now();
        let Some(index) = self.replies.iter().rposition(|r| !r.done) else {
            return;
        };
        if self.replies[index].muted {
            // Said after the cut: the caller never hears it, nor should the model remember it.
            let reply = &mut self.replies[index];
            if !reply.items.iter().any(|i| i.id == item_id) {
                reply.item(&item_id).unheard = true;
                let _ = self.input.truncate(&item_id, 0, 0).await;
            }
            return;
        }
        if self.replies[index].playing.is_none() {
            let Ok(turn) = self.io.begin_turn().await else {
                return;
            };
            let id = turn.id();
            let token = turn.token().clone();
            self.feed(Feed::Begin(turn));
            self.silence.agent_speaks();
            let reply = &mut self.replies[index];
            reply.playing = Some(Playing { turn: id, token });
            let since = ms_since(reply.trigger, now);
            if let Some(latency) = reply.latency.as_mut() {
                latency.turn = id.0;
                latency.tts_first_byte_ms = since;
            }
        }
        let reply = &mut self.replies[index];
        reply.item(&item_id).add_audio(audio.len());
        if let Some(turn) = reply.turn() {
            self.feed(Feed::Audio(turn, audio));
        }
    }

    fn feed(&mut self, feed: Feed) {
        if let Err(TrySendError::Full(_)) = self.speaker.try_send(feed)
            && !std::mem::replace(&mut self.overflowed, true)
        {
            self.event("audio_dropped", json!({"reason": "playback queue full"}));
        }
    }

    async fn on_response_done(
        &mut self,
        response_id: String,
        status: ResponseStatus,
        usage: TokenUsage,
    ) {
        self.cost(&Usage {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            ..Usage::default()
        });
        if let Some(index) = self
            .replies
            .iter()
            .position(|r| r.response_id == response_id)
        {
            let reply = &mut self.replies[index];
            reply.done = true;
            if let Some(turn) = reply.turn().filter(|_| !reply.muted) {
                self.feed(Feed::Finish(turn));
            } else if reply.playing.is_none() && reply.audio_started.is_none() {
                // Nothing to play, or cut off and settled.
                self.replies.remove(index);
            }
        }
        match status {
            ResponseStatus::Failed => self.fail("the response failed".to_owned()).await,
            ResponseStatus::Incomplete { reason } => {
                self.event("response_incomplete", json!({"reason": reason}));
            }
            ResponseStatus::Completed
            | ResponseStatus::Cancelled { .. }
            | ResponseStatus::Other(_) => {}
        }
        if self.quiet() && !self.caller_speaking {
            self.silence.start(Instant::now());
        }
    }

    fn on_function_call(&mut self, call: ToolCall) {
        let tool = call.name.clone();
        let call_id = call.id.clone();
        match Request::new(call) {
            Request::EndCall { reason } => {
                self.event("end_call_requested", json!({"reason": reason}));
                self.ending = Some(format!("agent ended the call: {reason}"));
            }
            Request::Transfer { to } => {
                // The carrier carries the transfer out; without one the call ends here.
                self.event("transfer_requested", json!({"to": to}));
                self.ending = Some(format!("transfer to {to}"));
            }
            Request::Extend => {
                let granted = self.clock.extend(&self.spec.duration);
                if let Some(extensions) = granted {
                    self.event(
                        "duration_extended",
                        json!({"by_s": self.spec.duration.extension_step.as_secs(),
                               "extensions": extensions}),
                    );
                }
                let output = timers::extension_answer(&self.spec.duration, granted.is_some());
                self.pending
                    .push_back(Pending::ToolResult { call_id, output });
            }
            Request::Custom(call) => {
                tools::spawn(
                    &mut self.tasks,
                    self.tools.clone(),
                    self.io.call().call_id.clone(),
                    call,
                    self.io.shutdown().child_token(),
                    self.tool_done.clone(),
                );
                return;
            }
        }
        self.event(
            "tool_called",
            json!({"tool": tool, "ok": true, "took_ms": 0}),
        );
    }

    fn on_tool_done(&mut self, done: ToolDone) {
        let ToolDone {
            call_id,
            name,
            result,
            took_ms,
        } = done;
        self.event(
            "tool_called",
            json!({"tool": name, "ok": result.is_ok(), "took_ms": took_ms}),
        );
        let output = match result {
            Ok(text) | Err(text) => text,
        };
        self.pending
            .push_back(Pending::ToolResult { call_id, output });
    }

    /// The model failed. While its session is open it gets to apologise, once; otherwise
    /// (or when the apology fails too) the call ends now.
    async fn fail(&mut self, error: String) {
        self.event("s2s_failed", json!({"error": error}));
        if self.failed || self.output.is_none() {
            self.failed = true;
            self.event("hang_up", json!({"reason": "provider failed"}));
            let _ = self.io.hang_up("speech-to-speech provider failed").await;
            return;
        }
        self.failed = true;
        self.cut_off(false).await;
        self.pending.clear();
        self.awaiting = false;
        self.say(self.spec.apology.clone());
        self.ending = Some("provider failed".into());
        self.clock
            .stop_at(Instant::now() + APOLOGY_WAIT, "provider failed");
    }

    // ----- asking the model -----

    /// Queues a line for the model to say word for word.
    fn say(&mut self, text: String) {
        self.pending.push_back(Pending::Line(text));
    }

    /// Sends the next pending request once no response is under way (the server refuses a
    /// second one, and a tool result asks for one).
    async fn ask(&mut self) {
        if self.output.is_none() || self.awaiting || self.replies.iter().any(|r| !r.done) {
            return;
        }
        let Some(next) = self.pending.pop_front() else {
            return;
        };
        let sent = match next {
            Pending::Line(text) => {
                let instructions = format!(
                    "Say exactly the following, word for word, and nothing else: \"{text}\""
                );
                self.input.create_response(Some(&instructions)).await
            }
            Pending::ToolResult { call_id, output } => {
                self.input.send_tool_result(&call_id, &output).await
            }
        };
        // A failed send means the session is ending; its output reports why.
        self.awaiting = sent.is_ok();
    }

    // ----- timers -----

    fn next_timer(&self) -> Instant {
        let quiet = self.quiet();
        let silence = (quiet && self.ending.is_none() && !self.caller_speaking)
            .then(|| self.silence.wake(&self.spec.silence))
            .flatten();
        [self.resume_at, silence]
            .into_iter()
            .flatten()
            .fold(self.clock.wake(&self.spec.duration, quiet), Instant::min)
    }

    async fn on_timer(&mut self) {
        let now = Instant::now();
        if let Some(reason) = self.clock.hard_stop_due(now) {
            self.event("hang_up", json!({"reason": reason}));
            let _ = self.io.hang_up(reason).await;
            return;
        }
        if self.resume_at.is_some_and(|at| now >= at) {
            self.resume_at = None;
            if std::mem::take(&mut self.paused) {
                // The server heard no speech: noise, or a cough.
                self.event("agent_resumed", json!({}));
                let _ = self.io.resume().await;
            }
        }
        match self.clock.due(now, &self.spec.duration, self.quiet()) {
            Some(ClockStep::TimeUp) => {
                self.event("duration_limit", json!({}));
                self.cut_off(false).await;
                self.pending.clear();
                self.say(self.spec.duration.end_message.clone());
                self.ending = Some("time limit reached".into());
                return;
            }
            Some(ClockStep::Warn) => {
                self.event("duration_warning", json!({}));
                self.say(self.spec.duration.warning_message.clone());
            }
            None => {}
        }
        if self.quiet() && self.ending.is_none() && !self.caller_speaking {
            match self.silence.due(now, &self.spec.silence) {
                Some(SilenceStep::HangUp) => {
                    self.event("silence_hangup", json!({}));
                    self.say(self.spec.silence.goodbye_message.clone());
                    self.ending = Some("no answer from the caller".into());
                }
                Some(SilenceStep::Reprompt) => {
                    self.event("reprompt", json!({}));
                    self.say(self.spec.silence.reprompt_message.clone());
                }
                None => {}
            }
        }
    }

    // ----- records -----

    fn take_seq(&mut self) -> u32 {
        self.next_seq += 1;
        self.next_seq
    }

    fn offset(&self, at: Instant) -> u64 {
        offset(self.started, at)
    }

    fn event(&self, kind: &'static str, data: serde_json::Value) {
        timeline(&self.records, self.started, kind, data);
    }

    fn cost(&self, usage: &Usage) {
        for cost in self.prices.costs(self.provider, "s2s", usage) {
            self.records.record(CallRecord::Cost(cost));
        }
    }

    /// The session is over: what the caller heard of a turn cut off by the hang-up is
    /// recorded, the model reports the usage of a response cut short, and the caller audio
    /// it heard is metered.
    async fn wind_up(&mut self) {
        let now = Instant::now();
        while let Some(index) = self.replies.iter().position(|r| r.audio_started.is_some()) {
            let reply = &self.replies[index];
            let audio_ms = reply.audio_ms();
            let played = reply
                .audio_started
                .map_or(0, |at| now.saturating_duration_since(at).as_millis() as u64)
                .min(audio_ms);
            let heard = if played < audio_ms {
                Heard::Cut(played)
            } else {
                Heard::All
            };
            if self.settle(index, heard).await {
                self.replies[index].done = true;
                self.replies.remove(index);
            }
        }
        if let Some(mut output) = self.output.take() {
            let _ = self.input.close().await;
            let wait = tokio::time::sleep(CLOSE_WAIT);
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    () = &mut wait => break,
                    event = output.next() => match event {
                        Some(Ok(RealtimeEvent::ResponseDone { usage, .. })) => self.cost(&Usage {
                            input_tokens: usage.input_tokens,
                            output_tokens: usage.output_tokens,
                            ..Usage::default()
                        }),
                        Some(Ok(_)) => {}
                        Some(Err(_)) | None => break,
                    },
                }
            }
        }
        self.cost(&Usage {
            audio_ms: self.input.usage().audio_ms,
            ..Usage::default()
        });
        self.input.cancel();
        self.tasks.abort_all();
    }
}

async fn next_realtime(
    output: &mut Option<RealtimeOutput>,
) -> Option<Result<RealtimeEvent, ProviderError>> {
    match output {
        Some(output) => output.next().await,
        None => std::future::pending().await,
    }
}

fn ms_since(from: Option<Instant>, to: Instant) -> Option<u32> {
    from.map(|at| u32::try_from(to.saturating_duration_since(at).as_millis()).unwrap_or(u32::MAX))
}
