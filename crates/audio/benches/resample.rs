//! Resampler cost per 20 ms frame, for every direction the call path can use.

use criterion::{BenchmarkId, Criterion, black_box, criterion_group, criterion_main};
use switchboard_audio::resample::Resampler;

fn bench(c: &mut Criterion) {
    let pairs = [
        (8000, 16000),
        (16000, 8000),
        (8000, 24000),
        (24000, 8000),
        (8000, 48000),
        (48000, 8000),
        (16000, 24000),
        (24000, 16000),
        (16000, 48000),
        (48000, 16000),
        (24000, 48000),
        (48000, 24000),
    ];
    let mut g = c.benchmark_group("resample per 20 ms frame");
    for (from, to) in pairs {
        let frame: Vec<i16> = (0..from as usize / 50)
            .map(|i| (8000.0 * (i as f64 * 0.05).sin()) as i16)
            .collect();
        let mut r = Resampler::new(from, to).unwrap();
        let mut out = vec![0i16; to as usize / 50];
        let id = BenchmarkId::from_parameter(format!("{}k->{}k", from / 1000, to / 1000));
        g.bench_function(id, |b| {
            b.iter(|| r.process(black_box(&frame), &mut out).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
