//! The fake's ears: a pure state machine from received audio (and control messages) to the
//! messages Deepgram would send, each tagged with when it is due. No I/O and no clock: time
//! is the audio's own sample count, so results depend only on what was sent, never on how
//! fast; the session adds the configured latencies.
//!
//! Timeline of one utterance, with our VAD (onset as [`VadConfig::new`], hangover =
//! `endpointing`):
//! * VAD onset: `SpeechStarted` (with `vad_events`), timestamped at the segment start;
//! * every `interim_every` of audio while speaking: an interim `Results` revealing one more
//!   word of the scripted text (with `interim_results`);
//! * VAD end (after `endpointing` ms of silence): the final `Results` (`is_final`, and
//!   `speech_final` when endpointing is on) with the whole text, due `final_latency` later;
//! * `utterance_end_ms` of audio after the last word: `UtteranceEnd`.

use sha2::{Digest, Sha256};
use switchboard_audio::g711;
use switchboard_audio::vad::{Vad, VadConfig, VadEvent};

use super::DeepgramScript;
use super::handshake::Params;
use super::wire::{self, ResultsMsg, secs};

/// When a message is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    Now,
    /// After the configured final latency.
    AfterFinalLatency,
}

/// What the session should do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    Send(serde_json::Value, Due),
    /// Close normally once everything queued before has been sent.
    CloseWhenDone,
    /// Close now with this code and reason, dropping what is queued (a fault).
    Abort(u16, String),
    /// Stop answering for good (a fault).
    Stall,
}

/// How received bytes become samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decode {
    Mulaw,
    Linear16,
    /// Not an encoding the fake can hear: accepted, but no speech is ever found.
    Deaf,
}

struct Utterance {
    start: u64,
    text: String,
    interims: usize,
    next_interim: u64,
}

pub(crate) struct Engine {
    params: Params,
    request_id: String,
    rate: u32,
    decode: Decode,
    vad: Option<Vad>,
    found: Vec<VadEvent>,
    pcm: Vec<i16>,
    odd_byte: Option<u8>,
    sha: Sha256,
    samples: u64,
    utterances: Vec<String>,
    next_utterance: usize,
    current: Option<Utterance>,
    /// End of the audio covered by the last final, for silence finals.
    last_final_end: u64,
    /// Sample at which to send `UtteranceEnd`, and the last word's end in seconds.
    utterance_end: Option<(u64, f64)>,
    interim_every: u64,
    silence_every: Option<u64>,
    close_at: Option<(u64, u16, String)>,
    stall_at: Option<u64>,
    stopped: bool,
}

impl Engine {
    pub(crate) fn new(params: Params, script: &DeepgramScript, request_id: String) -> Self {
        let rate = params.sample_rate.unwrap_or(16_000);
        let decode = match (params.encoding.as_deref(), params.channels) {
            (Some("mulaw"), 1) => Decode::Mulaw,
            (Some("linear16"), 1) => Decode::Linear16,
            _ => Decode::Deaf,
        };
        let vad = (decode != Decode::Deaf)
            .then(|| {
                let mut config = VadConfig::new(rate);
                if let Some(ms) = params.endpointing_ms {
                    config.hangover_ms = ms.max(config.frame_ms);
                }
                Vad::new(config).ok()
            })
            .flatten();
        let samples_of = |d: std::time::Duration| d.as_millis() as u64 * u64::from(rate) / 1000;
        Self {
            request_id,
            rate,
            decode,
            vad,
            found: Vec::new(),
            pcm: vec![0; 160],
            odd_byte: None,
            sha: Sha256::new(),
            samples: 0,
            utterances: script.utterances.clone(),
            next_utterance: 0,
            current: None,
            last_final_end: 0,
            utterance_end: None,
            interim_every: samples_of(script.interim_every).max(1),
            silence_every: script
                .silence_final_every
                .map(samples_of)
                .filter(|&n| n > 0),
            close_at: script
                .close_at_audio
                .as_ref()
                .map(|(at, code, reason)| (samples_of(*at), *code, reason.clone())),
            stall_at: script.stall_at_audio.map(samples_of),
            stopped: false,
            params,
        }
    }

    /// Audio received so far, in seconds.
    pub(crate) fn audio_secs(&self) -> f64 {
        secs(self.samples, self.rate)
    }

    /// Takes in one binary frame.
    pub(crate) fn audio(&mut self, bytes: &[u8], out: &mut Vec<Action>) {
        if self.stopped {
            return;
        }
        self.sha.update(bytes);
        match self.decode {
            Decode::Mulaw => {
                for chunk in bytes.chunks(160) {
                    g711::decode_ulaw(chunk, &mut self.pcm[..chunk.len()]);
                    self.hear(chunk.len(), out);
                }
            }
            Decode::Linear16 => {
                let mut joined = Vec::with_capacity(bytes.len() + 1);
                joined.extend(self.odd_byte.take());
                joined.extend_from_slice(bytes);
                if joined.len() % 2 == 1 {
                    self.odd_byte = joined.pop();
                }
                for chunk in joined.chunks(320) {
                    let n = chunk.len() / 2;
                    for (o, p) in self.pcm.iter_mut().zip(chunk.chunks_exact(2)) {
                        *o = i16::from_le_bytes([p[0], p[1]]);
                    }
                    self.hear(n, out);
                }
            }
            Decode::Deaf => {
                // A guess at the duration is enough for the timers: count bytes as 16-bit samples.
                self.samples += bytes.len() as u64 / 2;
                self.check_faults(out);
            }
        }
    }

    /// Processes `n` decoded samples in `self.pcm`.
    fn hear(&mut self, n: usize, out: &mut Vec<Action>) {
        if self.stopped {
            return;
        }
        self.samples += n as u64;
        if let Some(vad) = self.vad.as_mut() {
            let found = &mut self.found;
            found.clear();
            vad.process(&self.pcm[..n], |e| found.push(e));
        }
        for i in 0..self.found.len() {
            match self.found[i] {
                VadEvent::SpeechStart { at_sample } => self.speech_started(at_sample, out),
                VadEvent::SpeechEnd { at_sample } => self.speech_ended(at_sample, out),
            }
        }
        self.timers(out);
        self.check_faults(out);
    }

    fn speech_started(&mut self, at: u64, out: &mut Vec<Action>) {
        let text = self
            .utterances
            .get(self.next_utterance)
            .cloned()
            .unwrap_or_default();
        self.next_utterance += 1;
        self.utterance_end = None;
        self.current = Some(Utterance {
            start: at,
            text,
            interims: 0,
            next_interim: self.samples + self.interim_every,
        });
        if self.params.vad_events {
            out.push(Action::Send(
                wire::speech_started(secs(at, self.rate)),
                Due::Now,
            ));
        }
    }

    fn speech_ended(&mut self, at: u64, out: &mut Vec<Action>) {
        let Some(u) = self.current.take() else { return };
        let msg = self.results(
            &u.text,
            u.start,
            at,
            true,
            self.params.endpointing_ms.is_some(),
            false,
        );
        out.push(Action::Send(msg, Due::AfterFinalLatency));
        self.last_final_end = at;
        if let Some(ms) = self.params.utterance_end_ms {
            let gap = u64::from(ms) * u64::from(self.rate) / 1000;
            self.utterance_end = Some((at + gap, secs(at, self.rate)));
        }
    }

    /// Interims while speaking, `UtteranceEnd` after the gap, empty finals during silence.
    fn timers(&mut self, out: &mut Vec<Action>) {
        let now = self.samples;
        if let Some(u) = self.current.as_mut() {
            if self.params.interim_results && now >= u.next_interim {
                u.interims += 1;
                u.next_interim += self.interim_every;
                let shown: Vec<&str> = u.text.split_whitespace().take(u.interims).collect();
                let (text, start) = (shown.join(" "), u.start);
                let msg = self.results(&text, start, now, false, false, false);
                out.push(Action::Send(msg, Due::Now));
            }
            return;
        }
        if let Some((due, last_word_end)) = self.utterance_end
            && now >= due
        {
            self.utterance_end = None;
            let msg = wire::utterance_end(last_word_end, self.params.channels);
            out.push(Action::Send(msg, Due::Now));
        }
        if let Some(every) = self.silence_every
            && now - self.last_final_end >= every
        {
            let msg = self.results("", self.last_final_end, now, true, false, false);
            out.push(Action::Send(msg, Due::Now));
            self.last_final_end = now;
        }
    }

    fn check_faults(&mut self, out: &mut Vec<Action>) {
        if let Some((at, code, reason)) = &self.close_at
            && self.samples >= *at
        {
            out.push(Action::Abort(*code, reason.clone()));
            self.stopped = true;
            return;
        }
        if self.stall_at.is_some_and(|at| self.samples >= at) {
            out.push(Action::Stall);
            self.stopped = true;
        }
    }

    /// `{"type":"Finalize"}`: a final for everything heard so far, `from_finalize:true`.
    pub(crate) fn finalize(&mut self, out: &mut Vec<Action>) {
        if self.stopped {
            return;
        }
        let now = self.samples;
        let (text, start) = match self.current.as_mut() {
            Some(u) => {
                let taken = (std::mem::take(&mut u.text), u.start);
                u.start = now;
                taken
            }
            None => (String::new(), self.last_final_end),
        };
        let msg = self.results(&text, start, now, true, false, true);
        out.push(Action::Send(msg, Due::AfterFinalLatency));
        self.last_final_end = now;
    }

    /// `{"type":"CloseStream"}`: flush what is pending, then `Metadata`, then close 1000.
    pub(crate) fn close_stream(&mut self, out: &mut Vec<Action>) {
        if self.stopped {
            return;
        }
        if let Some(u) = self.current.take()
            && !u.text.is_empty()
        {
            let msg = self.results(&u.text, u.start, self.samples, true, false, false);
            out.push(Action::Send(msg, Due::AfterFinalLatency));
        }
        let sha: String = self
            .sha
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let meta = wire::metadata(
            &self.request_id,
            &sha,
            self.audio_secs(),
            self.params.channels,
        );
        out.push(Action::Send(meta, Due::Now));
        out.push(Action::CloseWhenDone);
        self.stopped = true;
    }

    fn results(
        &self,
        text: &str,
        from: u64,
        to: u64,
        is_final: bool,
        speech_final: bool,
        from_finalize: bool,
    ) -> serde_json::Value {
        ResultsMsg {
            text,
            start: secs(from, self.rate),
            duration: secs(to.saturating_sub(from), self.rate),
            is_final,
            speech_final,
            from_finalize,
            channels: self.params.channels,
            request_id: &self.request_id,
        }
        .to_json()
    }
}
