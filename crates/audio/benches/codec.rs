//! G.711 cost per 20 ms frame (160 samples at 8 kHz).

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use switchboard_audio::g711;

fn speechlike(n: usize) -> Vec<i16> {
    (0..n)
        .map(|i| {
            let t = i as f64 / 8000.0;
            (9000.0 * (2.0 * std::f64::consts::PI * 220.0 * t).sin()
                + 3000.0 * (2.0 * std::f64::consts::PI * 1730.0 * t).sin()) as i16
                ^ ((i as i16).wrapping_mul(7919) & 0x3F)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let pcm = speechlike(160);
    let mut ulaw = [0u8; 160];
    let mut alaw = [0u8; 160];
    g711::encode_ulaw(&pcm, &mut ulaw);
    g711::encode_alaw(&pcm, &mut alaw);
    let mut out_pcm = [0i16; 160];
    let mut out_bytes = [0u8; 160];

    let mut g = c.benchmark_group("g711 per 20 ms frame");
    g.throughput(Throughput::Elements(160));
    g.bench_function("ulaw decode", |b| {
        b.iter(|| g711::decode_ulaw(black_box(&ulaw), &mut out_pcm))
    });
    g.bench_function("ulaw encode", |b| {
        b.iter(|| g711::encode_ulaw(black_box(&pcm), &mut out_bytes))
    });
    g.bench_function("alaw decode", |b| {
        b.iter(|| g711::decode_alaw(black_box(&alaw), &mut out_pcm))
    });
    g.bench_function("alaw encode", |b| {
        b.iter(|| g711::encode_alaw(black_box(&pcm), &mut out_bytes))
    });
    g.bench_function("ulaw to alaw", |b| {
        b.iter(|| g711::ulaw_to_alaw(black_box(&ulaw), &mut out_bytes))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
