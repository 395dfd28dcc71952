//! [`FallbackStt`]: the STT role served by a list of providers in order. The stream starts on
//! the first that opens; when it fails (an error, a dropped stream) or is too slow (no
//! `speech_final`/`UtteranceEnd` within [`FallbackPolicy::final_budget`] after the caller
//! stops speaking), the next one takes over mid-call. The switch is reported in-band as
//! [`SttEvent::ProviderSwitched`] so the session records it with the transcript.
//!
//! The chain keeps the audio sent since the last final (up to `replay_limit`) and replays it
//! into the new provider, so the utterance in progress is not lost; the new provider's
//! timestamps are shifted to stay in the caller's stream time. End of speech is judged by
//! our own VAD on the pushed audio, so a provider that goes silent is caught even though it
//! never says anything.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use switchboard_audio::g711;
use switchboard_audio::vad::{Vad, VadConfig, VadEvent};
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::DropGuard;

use super::events::{ProviderSwitch, SttEvent};
use super::options::{AudioEncoding, StreamOptions};
use super::stream::{Command, DriverEnds, StreamingStt, SttEvents, SttSender, SttStream};
use crate::{ProviderError, Usage};

/// When the chain gives up on a provider.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FallbackPolicy {
    /// Longest wait, after our VAD hears the caller stop, for the provider to end the
    /// utterance (`speech_final`, `UtteranceEnd` or a `Finalize` answer). `None`: errors only.
    /// Our VAD reports the end `vad.hangover_ms` after the last word, so the budget counts
    /// from there.
    pub final_budget: Option<Duration>,
    /// Most audio kept for replay into the next provider.
    pub replay_limit: Duration,
    /// The VAD that judges end of speech; its sample rate is taken from the stream.
    pub vad: VadConfig,
}

impl Default for FallbackPolicy {
    fn default() -> Self {
        Self {
            final_budget: Some(Duration::from_millis(1500)),
            replay_limit: Duration::from_secs(20),
            vad: VadConfig::new(8000),
        }
    }
}

/// Providers tried in order; itself a [`StreamingStt`].
#[derive(Clone)]
pub struct FallbackStt {
    name: String,
    providers: Vec<Arc<dyn StreamingStt>>,
    policy: FallbackPolicy,
}

impl std::fmt::Debug for FallbackStt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.providers.iter().map(|p| p.name()).collect();
        f.debug_struct("FallbackStt")
            .field("providers", &names)
            .field("policy", &self.policy)
            .finish()
    }
}

impl FallbackStt {
    pub fn new(providers: Vec<Arc<dyn StreamingStt>>, policy: FallbackPolicy) -> Self {
        let name = providers
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(">");
        Self {
            name,
            providers,
            policy,
        }
    }

    async fn start(&self, options: StreamOptions) -> Result<SttStream, ProviderError> {
        let mut vad_config = self.policy.vad;
        vad_config.sample_rate = options.sample_rate;
        let vad = Vad::new(vad_config).map_err(|e| ProviderError::BadRequest {
            provider: "stt-fallback",
            status: 0,
            message: e.to_string(),
        })?;
        let mut switches = Vec::new();
        let (inner, index) =
            open_from(&self.providers, 0, &options, Duration::ZERO, &mut switches).await?;
        let (stream, ends) = SttStream::new(options.clone());
        let (sender, events, guard) = inner.split();
        let chain = Chain {
            providers: self.providers.clone(),
            index,
            inner: Inner {
                sender,
                events,
                _guard: guard,
            },
            ends,
            policy: self.policy,
            vad,
            vad_events: Vec::new(),
            replay: VecDeque::new(),
            replay_bytes: 0,
            position: 0,
            offset: Duration::ZERO,
            deadline: None,
            ended_since_start: true,
            closing: false,
            senders_gone: false,
            options,
        };
        tokio::spawn(chain.run(switches));
        Ok(stream)
    }
}

impl StreamingStt for FallbackStt {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self, options: StreamOptions) -> BoxFuture<'_, Result<SttStream, ProviderError>> {
        Box::pin(self.start(options))
    }
}

/// Opens the first provider from `from` on that accepts, noting each refusal in `switches`.
async fn open_from(
    providers: &[Arc<dyn StreamingStt>],
    from: usize,
    options: &StreamOptions,
    at_audio: Duration,
    switches: &mut Vec<ProviderSwitch>,
) -> Result<(SttStream, usize), ProviderError> {
    let mut last = ProviderError::Upstream {
        provider: "stt-fallback",
        message: "no provider configured".into(),
    };
    for i in from..providers.len() {
        match providers[i].open(options.clone()).await {
            Ok(stream) => return Ok((stream, i)),
            Err(e) => {
                tracing::warn!(provider = providers[i].name(), error = %e, "STT provider failed to open");
                switches.push(ProviderSwitch {
                    failed: providers[i].name().to_owned(),
                    reason: e.to_string(),
                    took_over: providers.get(i + 1).map(|p| p.name().to_owned()),
                    at_audio,
                });
                last = e;
            }
        }
    }
    Err(last)
}

struct Inner {
    sender: SttSender,
    events: SttEvents,
    _guard: DropGuard,
}

struct Chain {
    providers: Vec<Arc<dyn StreamingStt>>,
    index: usize,
    inner: Inner,
    ends: DriverEnds,
    policy: FallbackPolicy,
    vad: Vad,
    vad_events: Vec<VadEvent>,
    /// Audio since the last final, with each chunk's byte position in the stream.
    replay: VecDeque<(u64, Bytes)>,
    replay_bytes: u64,
    /// Bytes pushed so far.
    position: u64,
    /// Stream time at which the current provider's audio begins.
    offset: Duration,
    /// When the current provider's time to end the utterance runs out.
    deadline: Option<Instant>,
    ended_since_start: bool,
    /// Set by `CloseStream`.
    closing: bool,
    /// Every sender is gone: no more commands, results still flow.
    senders_gone: bool,
    options: StreamOptions,
}

enum Step {
    Continue,
    /// The current provider failed; switch.
    Fail(String, ProviderError),
    Stop,
}

impl Chain {
    async fn run(mut self, switches: Vec<ProviderSwitch>) {
        for switch in switches {
            if !self.ends.emit(Ok(SttEvent::ProviderSwitched(switch))).await {
                return;
            }
        }
        loop {
            let wake = self
                .deadline
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            let step = tokio::select! {
                biased;
                _ = self.ends.cancel.cancelled() => {
                    let _ = self.ends.events.try_send(Err(ProviderError::Cancelled));
                    Step::Stop
                }
                event = self.inner.events.recv() => self.on_event(event).await,
                command = self.ends.commands.recv(), if !self.closing && !self.senders_gone => self.on_command(command).await,
                _ = sleep_until(wake), if self.deadline.is_some() => {
                    let budget = self.policy.final_budget.unwrap_or_default();
                    Step::Fail(
                        format!("no final within {} ms after speech ended", budget.as_millis()),
                        ProviderError::Timeout { provider: "stt-fallback", phase: crate::error::Phase::Idle, after: budget },
                    )
                }
            };
            match step {
                Step::Continue => {}
                Step::Stop => return,
                Step::Fail(reason, error) => {
                    if !self.switch(reason, error).await {
                        return;
                    }
                }
            }
        }
    }

    async fn on_event(&mut self, event: Option<Result<SttEvent, ProviderError>>) -> Step {
        let event = match event {
            Some(Ok(event)) => event,
            Some(Err(e)) => return Step::Fail(e.to_string(), e),
            None => {
                let e = ProviderError::Upstream {
                    provider: "stt-fallback",
                    message: "the stream ended unexpectedly".into(),
                };
                return Step::Fail(e.to_string(), e);
            }
        };
        let event = self.shift(event);
        match &event {
            SttEvent::Transcript(t) => {
                if t.speech_final || t.from_finalize {
                    self.utterance_ended();
                }
                if t.is_final {
                    self.forget_until(t.start + t.duration);
                }
            }
            SttEvent::UtteranceEnd { .. } => self.utterance_ended(),
            SttEvent::Closed { .. } => {
                let usage = Usage {
                    audio_ms: self.ends.audio_ms(&self.options),
                    ..Usage::default()
                };
                self.ends.emit(Ok(SttEvent::Closed { usage })).await;
                return Step::Stop;
            }
            _ => {}
        }
        if self.ends.emit(Ok(event)).await {
            Step::Continue
        } else {
            Step::Stop
        }
    }

    async fn on_command(&mut self, command: Option<Command>) -> Step {
        let Some(command) = command else {
            // Every sender is gone: stop reading commands, keep forwarding results.
            self.senders_gone = true;
            return Step::Continue;
        };
        let sent = match command {
            Command::Audio(bytes) => {
                self.hear(&bytes);
                self.replay.push_back((self.position, bytes.clone()));
                self.position += bytes.len() as u64;
                self.replay_bytes += bytes.len() as u64;
                let limit = self.policy.replay_limit.as_millis() as u64
                    * self.options.bytes_per_second()
                    / 1000;
                while self.replay_bytes > limit {
                    let Some((_, old)) = self.replay.pop_front() else {
                        break;
                    };
                    self.replay_bytes -= old.len() as u64;
                }
                self.inner.sender.send_audio(bytes).await
            }
            Command::KeepAlive => self.inner.sender.keep_alive().await,
            Command::Finalize => self.inner.sender.finalize().await,
            Command::CloseStream => {
                self.closing = true;
                self.inner.sender.close().await
            }
        };
        match sent {
            Ok(()) => Step::Continue,
            // The provider's own reason follows on its event channel.
            Err(_) => Step::Continue,
        }
    }

    /// Runs our VAD over pushed audio to know when the caller stopped speaking.
    fn hear(&mut self, bytes: &[u8]) {
        let found = &mut self.vad_events;
        found.clear();
        match self.options.encoding {
            AudioEncoding::Mulaw => self.vad.process_ulaw(bytes, |e| found.push(e)),
            AudioEncoding::Alaw | AudioEncoding::Linear16 => {
                let mut pcm = [0i16; 160];
                let width = self.options.encoding.bytes_per_sample() as usize;
                for chunk in bytes.chunks(pcm.len() * width) {
                    let n = chunk.len() / width;
                    if width == 1 {
                        g711::decode_alaw(chunk, &mut pcm[..n]);
                    } else {
                        for (o, p) in pcm.iter_mut().zip(chunk.chunks_exact(2)) {
                            *o = i16::from_le_bytes([p[0], p[1]]);
                        }
                    }
                    self.vad.process(&pcm[..n], |e| found.push(e));
                }
            }
        }
        for e in &self.vad_events {
            match e {
                VadEvent::SpeechStart { .. } => self.ended_since_start = false,
                VadEvent::SpeechEnd { .. } => {
                    if !self.ended_since_start {
                        self.deadline = self.policy.final_budget.map(|b| Instant::now() + b);
                    }
                }
            }
        }
    }

    fn utterance_ended(&mut self) {
        self.ended_since_start = true;
        self.deadline = None;
    }

    /// Drops replay audio that ends before `until` (stream time): it has been transcribed.
    fn forget_until(&mut self, until: Duration) {
        let until_bytes = until.as_micros() as u64 * self.options.bytes_per_second() / 1_000_000;
        while let Some((start, chunk)) = self.replay.front() {
            if start + chunk.len() as u64 > until_bytes {
                break;
            }
            self.replay_bytes -= chunk.len() as u64;
            self.replay.pop_front();
        }
    }

    /// Moves a provider's timestamps into stream time.
    fn shift(&self, event: SttEvent) -> SttEvent {
        let by = self.offset;
        if by.is_zero() {
            return event;
        }
        match event {
            SttEvent::Transcript(mut t) => {
                t.start += by;
                for w in &mut t.words {
                    w.start += by;
                    w.end += by;
                }
                SttEvent::Transcript(t)
            }
            SttEvent::SpeechStarted { channel, timestamp } => SttEvent::SpeechStarted {
                channel,
                timestamp: timestamp + by,
            },
            SttEvent::UtteranceEnd {
                channel,
                last_word_end,
            } => SttEvent::UtteranceEnd {
                channel,
                last_word_end: last_word_end + by,
            },
            other => other,
        }
    }

    /// Hands the stream to the next provider that opens and replays the kept audio into it;
    /// `false` when none is left (the error has been reported).
    async fn switch(&mut self, reason: String, error: ProviderError) -> bool {
        let failed = self.providers[self.index].name().to_owned();
        let at_audio = self.options.audio_duration(self.position);
        tracing::warn!(provider = %failed, %reason, "STT provider failed; trying the next");
        self.inner.sender.cancel();
        let mut refusals = Vec::new();
        let opened = open_from(
            &self.providers,
            self.index + 1,
            &self.options,
            at_audio,
            &mut refusals,
        )
        .await;
        let took_over = opened
            .as_ref()
            .ok()
            .map(|(_, i)| self.providers[*i].name().to_owned());
        let first = ProviderSwitch {
            failed,
            reason,
            took_over: refusals.first().map(|r| r.failed.clone()).or(took_over),
            at_audio,
        };
        for switch in std::iter::once(first).chain(refusals) {
            if !self.ends.emit(Ok(SttEvent::ProviderSwitched(switch))).await {
                return false;
            }
        }
        let Ok((stream, index)) = opened else {
            self.ends.emit(Err(error)).await;
            return false;
        };
        let (sender, events, guard) = stream.split();
        self.inner = Inner {
            sender,
            events,
            _guard: guard,
        };
        self.index = index;
        let first_byte = self
            .replay
            .front()
            .map_or(self.position, |(start, _)| *start);
        self.offset = self.options.audio_duration(first_byte);
        for (_, chunk) in &self.replay {
            if self.inner.sender.send_audio(chunk.clone()).await.is_err() {
                break;
            }
        }
        if self.closing {
            let _ = self.inner.sender.close().await;
        }
        if self.deadline.is_some() {
            self.deadline = self.policy.final_budget.map(|b| Instant::now() + b);
        }
        true
    }
}
