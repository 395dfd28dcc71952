//! VAD evaluation on the committed fixtures, shared by `tests/vad_fixtures.rs` and
//! `examples/vad_eval.rs` (included with `#[path]`). Reads files: test/example code only.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use switchboard_audio::resample::Resampler;
use switchboard_audio::vad::{
    AdaptiveDetector, EnergyDetector, FrameDetector, FrameKind, Vad, VadConfig, VadEvent,
};
use switchboard_audio::wav;

/// One evaluation input with its ground truth.
pub struct Case {
    pub name: String,
    pub rate: u32,
    pub samples: Vec<i16>,
    /// Speech segments, start and end in ms.
    pub truth: Vec<(u64, u64)>,
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Loads a committed fixture as 16-bit PCM.
pub fn load(name: &str) -> (u32, Vec<i16>) {
    let bytes = std::fs::read(fixtures_dir().join(name)).expect("fixture exists");
    let parsed = wav::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    (parsed.spec.sample_rate, parsed.to_pcm16())
}

/// Parses labels.txt: file -> speech segments in ms.
pub fn labels() -> BTreeMap<String, Vec<(u64, u64)>> {
    let text = std::fs::read_to_string(fixtures_dir().join("labels.txt")).unwrap();
    let mut out: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        out.entry(f[0].to_string())
            .or_default()
            .push((f[1].parse().unwrap(), f[2].parse().unwrap()));
    }
    out
}

fn case(name: &str, labels: &BTreeMap<String, Vec<(u64, u64)>>) -> Case {
    let (rate, samples) = load(name);
    Case {
        name: name.to_string(),
        rate,
        samples,
        truth: labels.get(name).cloned().unwrap_or_default(),
    }
}

/// Mixes `noise` (looped) into `speech` with a gain in dB on the noise.
fn mix(speech: &[i16], noise: &[i16], noise_gain_db: f64) -> Vec<i16> {
    let g = 10f64.powf(noise_gain_db / 20.0);
    speech
        .iter()
        .zip(noise.iter().cycle())
        .map(|(&s, &n)| {
            (f64::from(s) + g * f64::from(n))
                .round()
                .clamp(-32768.0, 32767.0) as i16
        })
        .collect()
}

/// The committed fixtures plus variants derived from them in code.
pub fn cases() -> Vec<Case> {
    let labels = labels();
    let mut cases: Vec<Case> = [
        "speech_8k_ulaw.wav",
        "speech_16k_pcm16.wav",
        "silence_8k_ulaw.wav",
        "white_noise_8k_ulaw.wav",
        "pink_noise_8k_ulaw.wav",
        "cough_8k_ulaw.wav",
        "hold_music_8k_ulaw.wav",
    ]
    .iter()
    .map(|n| case(n, &labels))
    .collect();
    let speech = case("speech_8k_ulaw.wav", &labels);
    let (_, pink) = load("pink_noise_8k_ulaw.wav");
    let (_, white) = load("white_noise_8k_ulaw.wav");
    let (_, cough) = load("cough_8k_ulaw.wav");
    let variants = [
        (
            "speech_8k + pink -48 dBFS",
            mix(&speech.samples, &pink, 0.0),
        ),
        (
            "speech_8k + pink -36 dBFS",
            mix(&speech.samples, &pink, 12.0),
        ),
        (
            "speech_8k + white -45 dBFS",
            mix(&speech.samples, &white, 10.0),
        ),
        (
            "speech_8k - 20 dB (quiet)",
            mix(&speech.samples, &[0], 0.0)
                .iter()
                .map(|&s| (f64::from(s) * 0.1).round() as i16)
                .collect(),
        ),
        ("speech_8k + coughs", mix(&speech.samples, &cough, 0.0)),
    ];
    for (name, samples) in variants {
        cases.push(Case {
            name: name.to_string(),
            rate: 8000,
            samples,
            truth: speech.truth.clone(),
        });
    }
    cases
}

/// A detected segment: start, end (ms) and when SpeechStart was emitted (ms).
#[derive(Debug, Clone, Copy)]
pub struct Detected {
    pub start: u64,
    pub end: u64,
    pub emitted: u64,
}

/// Runs a VAD over the case in 20 ms frames; open segments are closed at the end.
pub fn detect<D: FrameDetector>(vad: &mut Vad<D>, case: &Case) -> (Vec<Detected>, f64) {
    let rate = case.rate;
    let frame = rate as usize / 50;
    let mut segments = Vec::new();
    let mut open: Option<(u64, u64)> = None;
    let started = Instant::now();
    let mut frames = 0u64;
    for chunk in case.samples.chunks(frame) {
        frames += 1;
        if let Some(event) = vad.process_frame(chunk) {
            let now = vad.samples_seen() * 1000 / u64::from(rate);
            match event {
                VadEvent::SpeechStart { .. } => open = Some((event.at_ms(rate), now)),
                VadEvent::SpeechEnd { .. } => {
                    let (start, emitted) = open.take().expect("end follows start");
                    segments.push(Detected {
                        start,
                        end: event.at_ms(rate),
                        emitted,
                    });
                }
            }
        }
    }
    if let Some((start, emitted)) = open {
        segments.push(Detected {
            start,
            end: vad.samples_seen() * 1000 / u64::from(rate),
            emitted,
        });
    }
    let ns_per_frame = started.elapsed().as_nanos() as f64 / frames as f64;
    (segments, ns_per_frame)
}

/// Quality numbers for one candidate on one case.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Signed onset errors (detected - true), ms, one per detected utterance.
    pub onset_errors: Vec<i64>,
    /// Signed offset errors, ms.
    pub offset_errors: Vec<i64>,
    /// SpeechStart emission delay after the true start, ms.
    pub latencies: Vec<i64>,
    /// Utterances with no overlapping segment.
    pub missed: usize,
    /// Extra segments inside one utterance (it was split).
    pub splits: usize,
    /// Segments that overlap no utterance.
    pub false_triggers: usize,
    /// Time reported as speech outside every utterance, ms.
    pub false_ms: u64,
}

pub fn score(case: &Case, detected: &[Detected]) -> Score {
    let mut s = Score::default();
    let overlaps = |d: &Detected, t: &(u64, u64)| d.start < t.1 && d.end > t.0;
    for t in &case.truth {
        let hits: Vec<&Detected> = detected.iter().filter(|d| overlaps(d, t)).collect();
        match (hits.first(), hits.last()) {
            (Some(first), Some(last)) => {
                s.onset_errors.push(first.start as i64 - t.0 as i64);
                s.offset_errors.push(last.end as i64 - t.1 as i64);
                s.latencies.push(first.emitted as i64 - t.0 as i64);
                s.splits += hits.len() - 1;
            }
            _ => s.missed += 1,
        }
    }
    for d in detected {
        if !case.truth.iter().any(|t| overlaps(d, t)) {
            s.false_triggers += 1;
        }
        let inside: u64 = case
            .truth
            .iter()
            .map(|t| d.end.min(t.1).saturating_sub(d.start.max(t.0)))
            .sum();
        s.false_ms += (d.end - d.start) - inside;
    }
    s
}

/// Wraps the `earshot` neural VAD (16 kHz, 256-sample frames) as a block detector:
/// 8 kHz input is resampled to 16 kHz first; a block is voiced when the newest score is
/// at least 0.5.
pub struct EarshotDetector {
    detector: Box<earshot::Detector>,
    resampler: Option<Resampler>,
    wide: Vec<i16>,
    buffered: Vec<i16>,
    score: f32,
}

impl EarshotDetector {
    pub fn new(rate: u32) -> Self {
        Self {
            detector: earshot::Detector::default_boxed(),
            resampler: (rate != 16000).then(|| Resampler::new(rate, 16000).unwrap()),
            wide: Vec::with_capacity(1024),
            buffered: Vec::with_capacity(1024),
            score: 0.0,
        }
    }
}

impl FrameDetector for EarshotDetector {
    fn classify(&mut self, block: &[i16], _rate: u32) -> FrameKind {
        match &mut self.resampler {
            Some(r) => {
                self.wide.clear();
                r.process_into(block, &mut self.wide);
                self.buffered.extend_from_slice(&self.wide);
            }
            None => self.buffered.extend_from_slice(block),
        }
        let mut used = 0;
        while self.buffered.len() - used >= 256 {
            self.score = self.detector.predict_i16(&self.buffered[used..used + 256]);
            used += 256;
        }
        self.buffered.drain(..used);
        if self.score >= 0.5 {
            FrameKind::Voiced
        } else {
            FrameKind::Background
        }
    }

    fn reset(&mut self) {
        self.detector.reset();
        if let Some(r) = &mut self.resampler {
            r.reset();
        }
        self.buffered.clear();
        self.score = 0.0;
    }
}

/// The candidates, by name.
pub const CANDIDATES: [&str; 3] = ["energy -40 dBFS", "adaptive (default)", "earshot 1.2 (NN)"];

/// Evaluates candidate `index` on `case` with the default VAD configuration, or another
/// onset time.
pub fn run_candidate(index: usize, case: &Case, onset_ms: Option<u32>) -> (Vec<Detected>, f64) {
    let mut config = VadConfig::new(case.rate);
    if let Some(onset) = onset_ms {
        config.onset_ms = onset;
    }
    match index {
        0 => detect(
            &mut Vad::with_detector(config, EnergyDetector::default()).unwrap(),
            case,
        ),
        1 => detect(
            &mut Vad::with_detector(config, AdaptiveDetector::default()).unwrap(),
            case,
        ),
        _ => detect(
            &mut Vad::with_detector(config, EarshotDetector::new(case.rate)).unwrap(),
            case,
        ),
    }
}
