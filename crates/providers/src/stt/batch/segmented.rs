//! [`VadSegmented`]: a [`StreamingStt`] over a [`BatchStt`]. Our VAD cuts the caller's audio
//! into utterances; each is wrapped as WAV and transcribed on its own, in order, by a worker
//! task so the audio keeps flowing meanwhile. The events mimic a streaming provider without
//! interim results: `SpeechStarted` at onset, one final with `speech_final` per utterance,
//! then `UtteranceEnd`.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use switchboard_audio::g711;
use switchboard_audio::vad::{Vad, VadConfig, VadEvent};
use tokio::sync::mpsc;

use super::{BatchAudio, BatchStt, WavFormat};
use crate::stt::events::{SttEvent, Transcript, Word};
use crate::stt::options::{AudioEncoding, StreamOptions};
use crate::stt::stream::{Command, DriverEnds, StreamingStt, SttStream};
use crate::{ProviderError, Usage};

/// How a call is cut into utterances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmenterConfig {
    /// The VAD; its `sample_rate` is taken from the stream and its `hangover_ms` from the
    /// stream's `endpointing_ms` when that is set.
    pub vad: VadConfig,
    /// Audio kept before the detected onset, so a soft first syllable is not cut.
    pub pre_roll: Duration,
    /// Longer speech is cut and transcribed in pieces of this length.
    pub max_utterance: Duration,
    pub wav_format: WavFormat,
}

impl Default for SegmenterConfig {
    fn default() -> Self {
        Self {
            vad: VadConfig::new(8000),
            pre_roll: Duration::from_millis(100),
            max_utterance: Duration::from_secs(30),
            wav_format: WavFormat::Pcm16,
        }
    }
}

/// A batch provider made streaming by VAD segmentation.
#[derive(Clone)]
pub struct VadSegmented {
    name: String,
    batch: Arc<dyn BatchStt>,
    config: SegmenterConfig,
}

impl std::fmt::Debug for VadSegmented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VadSegmented")
            .field("name", &self.name)
            .field("config", &self.config)
            .finish()
    }
}

impl VadSegmented {
    pub fn new(batch: Arc<dyn BatchStt>, config: SegmenterConfig) -> Self {
        Self {
            name: format!("{}+vad", batch.name()),
            batch,
            config,
        }
    }

    fn start(&self, options: StreamOptions) -> Result<SttStream, ProviderError> {
        let refuse = |message: String| ProviderError::BadRequest {
            provider: "vad-segmented",
            status: 0,
            message,
        };
        if options.channels != 1 || options.encoding == AudioEncoding::Alaw {
            return Err(refuse(
                "only mono mu-law or linear16 audio can be segmented".into(),
            ));
        }
        let mut vad_config = self.config.vad;
        vad_config.sample_rate = options.sample_rate;
        if let Some(ms) = options.endpointing_ms {
            vad_config.hangover_ms = ms.max(vad_config.frame_ms);
        }
        let vad = Vad::new(vad_config).map_err(|e| refuse(e.to_string()))?;
        let (stream, ends) = SttStream::new(options.clone());
        let (jobs_tx, jobs_rx) = mpsc::channel(8);
        let worker = Worker {
            batch: self.batch.clone(),
            events: ends.events.clone(),
            options: options.clone(),
            format: self.config.wav_format,
        };
        let worker = tokio::spawn(worker.run(jobs_rx));
        let rate = u64::from(options.sample_rate);
        let cutter = Cutter {
            vad,
            history: Vec::new(),
            history_start: 0,
            utterance_start: None,
            pre_roll: self.config.pre_roll.as_millis() as u64 * rate / 1000,
            max_utterance: self.config.max_utterance.as_millis() as u64 * rate / 1000,
            keep: u64::from(vad_config.max_lead_in_ms + vad_config.onset_ms + vad_config.frame_ms)
                * rate
                / 1000,
            found: Vec::new(),
        };
        tokio::spawn(feed(ends, options, cutter, jobs_tx, worker));
        Ok(stream)
    }
}

impl StreamingStt for VadSegmented {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self, options: StreamOptions) -> BoxFuture<'_, Result<SttStream, ProviderError>> {
        Box::pin(async move { self.start(options) })
    }
}

/// One utterance (or piece) to transcribe. Empty `samples`: answer a `Finalize` with an empty
/// final, in order with the rest.
struct Job {
    samples: Vec<i16>,
    start: u64,
    speech_final: bool,
    from_finalize: bool,
}

/// Keeps the audio of the utterance in progress (and a little before) and cuts jobs from it.
struct Cutter {
    vad: Vad,
    history: Vec<i16>,
    /// Sample index of `history[0]`.
    history_start: u64,
    utterance_start: Option<u64>,
    pre_roll: u64,
    max_utterance: u64,
    /// Samples kept while nobody speaks: enough for the VAD's look-back and the pre-roll.
    keep: u64,
    found: Vec<VadEvent>,
}

impl Cutter {
    fn total(&self) -> u64 {
        self.history_start + self.history.len() as u64
    }

    /// Adds samples; returns the VAD events they caused (in `self.found`).
    fn push(&mut self, samples: &[i16]) {
        self.history.extend_from_slice(samples);
        self.found.clear();
        let found = &mut self.found;
        self.vad.process(samples, |e| found.push(e));
        if self.utterance_start.is_none() && !self.vad.in_speech() {
            let keep = (self.keep + self.pre_roll) as usize;
            if self.history.len() > 2 * keep {
                let drop = self.history.len() - keep;
                self.history.drain(..drop);
                self.history_start += drop as u64;
            }
        }
    }

    /// The audio `[from, to)` as a job; the history before `to` is no longer needed.
    fn cut(&mut self, from: u64, to: u64, speech_final: bool, from_finalize: bool) -> Job {
        let from = from.max(self.history_start);
        let a = (from - self.history_start) as usize;
        let b = ((to.max(from)) - self.history_start) as usize;
        let samples = self.history[a..b.min(self.history.len())].to_vec();
        Job {
            samples,
            start: from,
            speech_final,
            from_finalize,
        }
    }
}

async fn feed(
    mut ends: DriverEnds,
    options: StreamOptions,
    mut cutter: Cutter,
    jobs: mpsc::Sender<Job>,
    worker: tokio::task::JoinHandle<()>,
) {
    let rate = u64::from(options.sample_rate);
    let at = |sample: u64| Duration::from_micros(sample * 1_000_000 / rate);
    let mut pcm = [0i16; 160];
    loop {
        let command = tokio::select! {
            biased;
            _ = ends.cancel.cancelled() => None,
            c = ends.commands.recv() => c,
        };
        let command = match command {
            Some(command) => command,
            // Cancelled: stop at once.
            None if ends.cancel.is_cancelled() => {
                worker.abort();
                return;
            }
            // Every sender is gone: nothing more will come, so finish as if closed.
            None => Command::CloseStream,
        };
        match command {
            Command::Audio(bytes) => {
                let width = options.encoding.bytes_per_sample() as usize;
                for chunk in bytes.chunks(pcm.len() * width) {
                    let n = decode(options.encoding, chunk, &mut pcm);
                    cutter.push(&pcm[..n]);
                    if !on_vad_events(&mut cutter, &ends, &jobs, &options, at).await {
                        return;
                    }
                }
            }
            Command::KeepAlive => {}
            Command::Finalize => {
                let total = cutter.total();
                let job = match cutter.utterance_start {
                    Some(start) => {
                        cutter.utterance_start = Some(total);
                        cutter.cut(start, total, false, true)
                    }
                    None => Job {
                        samples: Vec::new(),
                        start: total,
                        speech_final: false,
                        from_finalize: true,
                    },
                };
                if jobs.send(job).await.is_err() {
                    return;
                }
            }
            Command::CloseStream => {
                if let Some(start) = cutter.utterance_start.take() {
                    let total = cutter.total();
                    let _ = jobs.send(cutter.cut(start, total, false, false)).await;
                }
                drop(jobs);
                if worker.await.is_ok() && !ends.cancel.is_cancelled() {
                    let usage = Usage {
                        audio_ms: ends.audio_ms(&options),
                        ..Usage::default()
                    };
                    ends.emit(Ok(SttEvent::Closed { usage })).await;
                }
                return;
            }
        }
    }
}

/// Decodes one chunk (at most `out.len()` samples) of mu-law or linear16; returns the count.
fn decode(encoding: AudioEncoding, chunk: &[u8], out: &mut [i16]) -> usize {
    match encoding {
        AudioEncoding::Linear16 => {
            for (o, p) in out.iter_mut().zip(chunk.chunks_exact(2)) {
                *o = i16::from_le_bytes([p[0], p[1]]);
            }
            chunk.len() / 2
        }
        _ => {
            g711::decode_ulaw(chunk, &mut out[..chunk.len()]);
            chunk.len()
        }
    }
}

/// Acts on the VAD events of the last push; `false` when the stream should stop.
async fn on_vad_events(
    cutter: &mut Cutter,
    ends: &DriverEnds,
    jobs: &mpsc::Sender<Job>,
    options: &StreamOptions,
    at: impl Fn(u64) -> Duration,
) -> bool {
    for i in 0..cutter.found.len() {
        match cutter.found[i] {
            VadEvent::SpeechStart { at_sample } => {
                cutter.utterance_start = Some(at_sample.saturating_sub(cutter.pre_roll));
                if options.vad_events
                    && !ends
                        .emit(Ok(SttEvent::SpeechStarted {
                            channel: 0,
                            timestamp: at(at_sample),
                        }))
                        .await
                {
                    return false;
                }
            }
            VadEvent::SpeechEnd { at_sample } => {
                if let Some(start) = cutter.utterance_start.take()
                    && jobs
                        .send(cutter.cut(start, at_sample, true, false))
                        .await
                        .is_err()
                {
                    return false;
                }
            }
        }
    }
    if let Some(start) = cutter.utterance_start {
        let total = cutter.total();
        if total - start >= cutter.max_utterance {
            cutter.utterance_start = Some(total);
            return jobs
                .send(cutter.cut(start, total, false, false))
                .await
                .is_ok();
        }
    }
    true
}

/// Transcribes jobs one at a time, in order, and reports each as a final.
struct Worker {
    batch: Arc<dyn BatchStt>,
    events: mpsc::Sender<Result<SttEvent, ProviderError>>,
    options: StreamOptions,
    format: WavFormat,
}

impl Worker {
    /// Stops at the first failure, after reporting it; the feeder then finds the job queue
    /// closed and ends the stream.
    async fn run(self, mut jobs: mpsc::Receiver<Job>) {
        let rate = u64::from(self.options.sample_rate);
        let at = |sample: u64| Duration::from_micros(sample * 1_000_000 / rate);
        while let Some(job) = jobs.recv().await {
            let start = at(job.start);
            let duration = at(job.samples.len() as u64);
            let (text, confidence, words) = if job.samples.is_empty() {
                (String::new(), 0.0, Vec::new())
            } else {
                match self.batch.transcribe(self.audio(&job.samples)).await {
                    Ok(t) => (t.text, t.confidence.unwrap_or(1.0), shift(t.words, start)),
                    Err(e) => {
                        let _ = self.events.send(Err(e)).await;
                        return;
                    }
                }
            };
            let transcript = Transcript {
                text,
                confidence,
                start,
                duration,
                is_final: true,
                speech_final: job.speech_final,
                from_finalize: job.from_finalize,
                channel: 0,
                words,
            };
            if self
                .events
                .send(Ok(SttEvent::Transcript(transcript)))
                .await
                .is_err()
            {
                return;
            }
            let wants_end = self.options.utterance_end_ms.is_some() && job.speech_final;
            if wants_end {
                let end = SttEvent::UtteranceEnd {
                    channel: 0,
                    last_word_end: start + duration,
                };
                if self.events.send(Ok(end)).await.is_err() {
                    return;
                }
            }
        }
    }

    fn audio(&self, samples: &[i16]) -> BatchAudio {
        let rate = self.options.sample_rate;
        match self.format {
            WavFormat::Pcm16 => BatchAudio::from_pcm16(rate, samples),
            WavFormat::Ulaw => {
                let mut ulaw = vec![0u8; samples.len()];
                g711::encode_ulaw(samples, &mut ulaw);
                BatchAudio::from_ulaw(rate, &ulaw, WavFormat::Ulaw)
            }
        }
    }
}

/// Word times are relative to the piece; make them relative to the stream.
fn shift(words: Vec<Word>, by: Duration) -> Vec<Word> {
    words
        .into_iter()
        .map(|w| Word {
            start: w.start + by,
            end: w.end + by,
            ..w
        })
        .collect()
}
