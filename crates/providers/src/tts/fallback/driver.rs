//! One chained stream: forwards text to the current provider and its audio back, and on a
//! failure or a blown first-byte budget hands the not-yet-spoken text to the next provider.
//!
//! What is replayed: everything, if no audio reached the engine yet (the switch is seamless);
//! otherwise only what came after the last flush sent before the latest audio chunk. Earlier
//! text is taken as spoken (its audio was playing), so the caller never hears words twice; the
//! cost is that the tail of the clause in flight may be lost.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::tts::meter::Meter;
use crate::tts::stream::{DriverEnds, TextCommand};
use crate::tts::types::{TtsEvent, VoiceConfig};
use crate::tts::{TtsInput, TtsStream};
use crate::{ProviderError, Usage};

use super::chain::FallbackEntry;
use super::switch::{FallbackSwitch, SwitchReason};

pub(crate) struct Chain {
    pub entries: Vec<FallbackEntry>,
    pub first_byte_budget: Option<Duration>,
    pub log: Mutex<Vec<FallbackSwitch>>,
}

impl Chain {
    pub async fn open_entry(
        &self,
        index: usize,
        voice: &VoiceConfig,
    ) -> Result<TtsStream, ProviderError> {
        let entry = &self.entries[index];
        entry
            .provider
            .open(entry.voice.clone().unwrap_or_else(|| voice.clone()))
            .await
    }

    pub fn record(
        &self,
        from: usize,
        to: usize,
        reason: SwitchReason,
        audio_delivered: bool,
        replayed_chars: u64,
        from_usage: Usage,
    ) -> FallbackSwitch {
        let switch = FallbackSwitch {
            from: self.entries[from].provider.name(),
            to: self.entries[to].provider.name(),
            reason,
            audio_delivered,
            replayed_chars,
            from_usage,
        };
        tracing::warn!(from = switch.from, to = switch.to, reason = %switch.reason, audio_delivered, "TTS fallback");
        self.log.lock().expect("switch log").push(switch.clone());
        switch
    }
}

/// The state of one chained stream.
struct Run {
    chain: Arc<Chain>,
    voice: VoiceConfig,
    index: usize,
    inner: TtsStream,
    /// Every command of this stream, in order.
    history: Vec<TextCommand>,
    /// `history[..spoken]` is taken as spoken.
    spoken: usize,
    /// Index after the last flush or close in `history`.
    after_last_flush: usize,
    audio_delivered: bool,
    /// When the current provider was asked to generate, while it owes its first audio.
    owed_since: Option<Instant>,
    current_audio: bool,
    meter: Meter,
}

pub(crate) async fn drive(
    chain: Arc<Chain>,
    voice: VoiceConfig,
    index: usize,
    inner: TtsStream,
    mut ends: DriverEnds,
    switches: Vec<FallbackSwitch>,
) {
    for switch in switches {
        if !ends.emit(Ok(TtsEvent::ProviderSwitched(switch))).await {
            return;
        }
    }
    let mut run = Run {
        chain,
        voice,
        index,
        inner,
        history: Vec::new(),
        spoken: 0,
        after_last_flush: 0,
        audio_delivered: false,
        owed_since: None,
        current_audio: false,
        meter: Meter::default(),
    };
    let mut input_open = true;
    loop {
        let budget_at = match (
            run.chain.first_byte_budget,
            run.owed_since,
            run.current_audio,
        ) {
            (Some(budget), Some(since), false) => Some(since + budget),
            _ => None,
        };
        let reason = tokio::select! {
            biased;
            () = ends.cancel.cancelled() => {
                run.inner.cancel();
                return;
            }
            command = ends.commands.recv(), if input_open => {
                let command = command.unwrap_or(TextCommand::Close);
                input_open = command != TextCommand::Close;
                run.take(command.clone());
                // A failed send means the provider's stream ended; its output says why.
                let _ = forward(&run.inner.input, command).await;
                continue;
            }
            event = run.inner.output.next() => match event {
                Some(Ok(TtsEvent::Audio(chunk))) => {
                    run.current_audio = true;
                    run.audio_delivered = true;
                    run.spoken = run.after_last_flush;
                    run.meter.audio(&chunk.mulaw);
                    if !ends.emit(Ok(TtsEvent::Audio(chunk))).await {
                        run.inner.cancel();
                        return;
                    }
                    continue;
                }
                Some(Ok(event @ TtsEvent::Final { .. })) => {
                    let _ = ends.emit(Ok(event)).await;
                    return;
                }
                Some(Ok(event)) => {
                    if !ends.emit(Ok(event)).await {
                        run.inner.cancel();
                        return;
                    }
                    continue;
                }
                Some(Err(error)) => (SwitchReason::Failed(error.to_string()), error),
                None => {
                    let error = ProviderError::Upstream { provider: run.name(), message: "stream ended without its final marker".into() };
                    (SwitchReason::Failed(error.to_string()), error)
                }
            },
            () = sleep_opt(budget_at) => {
                let budget = run.chain.first_byte_budget.unwrap_or_default();
                let error = ProviderError::Timeout { provider: run.name(), phase: crate::error::Phase::FirstByte, after: budget };
                (SwitchReason::FirstByteBudget(budget), error)
            }
        };
        if let Err(error) = run.switch(reason.0, reason.1, &ends).await {
            let _ = ends.emit(Err(error)).await;
            return;
        }
    }
}

impl Run {
    fn name(&self) -> &'static str {
        self.chain.entries[self.index].provider.name()
    }

    fn take(&mut self, command: TextCommand) {
        match &command {
            TextCommand::Text(text) => self.meter.text(text),
            TextCommand::Flush | TextCommand::Close => {
                if self.owed_since.is_none() && !self.current_audio {
                    self.owed_since = Some(Instant::now());
                }
            }
        }
        self.history.push(command);
        if !matches!(self.history.last(), Some(TextCommand::Text(_))) {
            self.after_last_flush = self.history.len();
        }
    }

    /// Moves to the next provider that opens and takes the replay; `Err` when none is left
    /// (with the last failure).
    async fn switch(
        &mut self,
        mut reason: SwitchReason,
        mut error: ProviderError,
        ends: &DriverEnds,
    ) -> Result<(), ProviderError> {
        self.inner.cancel();
        let replay_from = if self.audio_delivered { self.spoken } else { 0 };
        let replay: Vec<TextCommand> = self.history[replay_from..].to_vec();
        let replayed_chars = replay
            .iter()
            .map(|c| {
                if let TextCommand::Text(t) = c {
                    t.chars().count() as u64
                } else {
                    0
                }
            })
            .sum();
        loop {
            let next = self.index + 1;
            if next >= self.chain.entries.len() {
                return Err(error);
            }
            let from_usage = std::mem::take(&mut self.meter).usage();
            let opened = self.chain.open_entry(next, &self.voice).await;
            let switch = self.chain.record(
                self.index,
                next,
                reason,
                self.audio_delivered,
                replayed_chars,
                from_usage,
            );
            self.index = next;
            match opened {
                Ok(inner) => {
                    self.inner = inner;
                    self.current_audio = false;
                    self.owed_since = None;
                    for command in &replay {
                        self.take_replayed(command);
                        let _ = forward(&self.inner.input, command.clone()).await;
                    }
                    if !ends.emit(Ok(TtsEvent::ProviderSwitched(switch))).await {
                        self.inner.cancel();
                    }
                    return Ok(());
                }
                Err(open_error) => {
                    let _ = ends.emit(Ok(TtsEvent::ProviderSwitched(switch))).await;
                    reason = SwitchReason::OpenFailed(open_error.to_string());
                    error = open_error;
                }
            }
        }
    }

    /// Bookkeeping for a replayed command (history already holds it).
    fn take_replayed(&mut self, command: &TextCommand) {
        match command {
            TextCommand::Text(text) => self.meter.text(text),
            TextCommand::Flush | TextCommand::Close => {
                self.owed_since.get_or_insert_with(Instant::now);
            }
        }
    }
}

async fn forward(input: &TtsInput, command: TextCommand) -> Result<(), ProviderError> {
    match command {
        TextCommand::Text(text) => input.send_text(text).await,
        TextCommand::Flush => input.flush().await,
        TextCommand::Close => input.close().await,
    }
}

async fn sleep_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
