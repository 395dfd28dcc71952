//! Level meter and VAD cost per 20 ms frame, on real speech from the fixtures.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use switchboard_audio::level;
use switchboard_audio::vad::{EnergyDetector, FrameDetector, FrameKind, Vad, VadConfig};
use switchboard_audio::{resample::Resampler, wav};

fn fixture(name: &str) -> Vec<i16> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let bytes = std::fs::read(path).unwrap();
    wav::parse(&bytes).unwrap().to_pcm16()
}

/// Cycles through the frames of a fixture, one per iteration.
fn frames<'a>(samples: &'a [i16], len: usize) -> impl FnMut() -> &'a [i16] + 'a {
    let mut i = 0;
    let count = samples.len() / len;
    move || {
        i = (i + 1) % count;
        &samples[i * len..(i + 1) * len]
    }
}

/// earshot behind our 8 -> 16 kHz resampler, as the evaluation runs it.
struct Earshot {
    detector: Box<earshot::Detector>,
    resampler: Resampler,
    wide: Vec<i16>,
    buffered: Vec<i16>,
    score: f32,
}

impl FrameDetector for Earshot {
    fn classify(&mut self, block: &[i16], _rate: u32) -> FrameKind {
        self.wide.clear();
        self.resampler.process_into(block, &mut self.wide);
        self.buffered.extend_from_slice(&self.wide);
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
    fn reset(&mut self) {}
}

fn bench(c: &mut Criterion) {
    let speech8 = fixture("speech_8k_ulaw.wav");
    let speech16 = fixture("speech_16k_pcm16.wav");
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/speech_8k_ulaw.wav"),
    )
    .unwrap();
    let ulaw = wav::parse(&bytes).unwrap().data.to_vec();

    let mut g = c.benchmark_group("level per 20 ms frame");
    let mut next = frames(&speech8, 160);
    g.bench_function("pcm16 8k", |b| b.iter(|| level::measure(black_box(next()))));
    let mut i = 0;
    g.bench_function("ulaw 8k", |b| {
        b.iter(|| {
            i = (i + 160) % (ulaw.len() - 160);
            level::measure_ulaw(black_box(&ulaw[i..i + 160]))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("vad per 20 ms frame");
    let mut vad = Vad::new(VadConfig::new(8000)).unwrap();
    let mut next = frames(&speech8, 160);
    g.bench_function("adaptive 8k", |b| {
        b.iter(|| vad.process_frame(black_box(next())))
    });
    let mut vad = Vad::new(VadConfig::new(16000)).unwrap();
    let mut next = frames(&speech16, 320);
    g.bench_function("adaptive 16k", |b| {
        b.iter(|| vad.process_frame(black_box(next())))
    });
    let mut vad = Vad::new(VadConfig::new(8000)).unwrap();
    let mut i = 0;
    g.bench_function("adaptive 8k from ulaw", |b| {
        b.iter(|| {
            i = (i + 160) % (ulaw.len() - 160);
            let mut event = None;
            vad.process_ulaw(black_box(&ulaw[i..i + 160]), |e| event = Some(e));
            event
        })
    });
    let mut vad = Vad::with_detector(VadConfig::new(8000), EnergyDetector::default()).unwrap();
    let mut next = frames(&speech8, 160);
    g.bench_function("energy 8k", |b| {
        b.iter(|| vad.process_frame(black_box(next())))
    });
    let earshot = Earshot {
        detector: earshot::Detector::default_boxed(),
        resampler: Resampler::new(8000, 16000).unwrap(),
        wide: Vec::with_capacity(1024),
        buffered: Vec::with_capacity(1024),
        score: 0.0,
    };
    let mut vad = Vad::with_detector(VadConfig::new(8000), earshot).unwrap();
    let mut next = frames(&speech8, 160);
    g.bench_function("earshot 8k (incl. resample to 16k)", |b| {
        b.iter(|| vad.process_frame(black_box(next())))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
