use super::*;

const RATES: [u32; 4] = [8000, 16000, 24000, 48000];

fn sine(rate: u32, freq: f64, amplitude: f64, seconds: f64) -> Vec<i16> {
    let n = (f64::from(rate) * seconds) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            (amplitude * (2.0 * std::f64::consts::PI * freq * t).sin()).round() as i16
        })
        .collect()
}

fn one_shot(from: u32, to: u32, input: &[i16]) -> Vec<i16> {
    let mut r = Resampler::new(from, to).unwrap();
    let mut out = Vec::new();
    r.process_into(input, &mut out);
    out
}

/// Power of `freq` in `x` (Goertzel), normalised so a full-scale sine gives about 0.5.
fn tone_power(x: &[i16], rate: u32, freq: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq / f64::from(rate);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s = f64::from(v) / 32768.0 + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    let n = x.len() as f64;
    (s1 * s1 + s2 * s2 - coeff * s1 * s2) * 2.0 / (n * n)
}

fn rms(x: &[i16]) -> f64 {
    (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

/// Frequency from zero crossings over the steady part of the signal.
fn zero_crossing_freq(x: &[i16], rate: u32) -> f64 {
    let first = x.iter().position(|&v| v > 0).unwrap();
    let mut crossings = Vec::new();
    for i in first + 1..x.len() {
        if x[i - 1] > 0 && x[i] <= 0 || x[i - 1] <= 0 && x[i] > 0 {
            crossings.push(i);
        }
    }
    let span = (crossings[crossings.len() - 1] - crossings[0]) as f64 / f64::from(rate);
    (crossings.len() - 1) as f64 / 2.0 / span
}

/// Skips the start-up transient (filter filling) at a given rate.
fn steady(x: &[i16], rate: u32) -> &[i16] {
    let skip = rate as usize / 50; // 20 ms
    &x[skip..x.len() - skip]
}

#[test]
fn one_khz_sine_stays_one_khz_with_the_same_level_for_every_pair() {
    for from in RATES {
        let input = sine(from, 1000.0, 16000.0, 0.5);
        for to in RATES {
            let out = one_shot(from, to, &input);
            assert_eq!(out.len(), input.len() * to as usize / from as usize);
            let s = steady(&out, to);
            let f = zero_crossing_freq(s, to);
            assert!((f - 1000.0).abs() < 1.0, "{from}->{to}: {f} Hz");
            let gain_db = 20.0 * (rms(s) / rms(steady(&input, from))).log10();
            assert!(gain_db.abs() < 0.05, "{from}->{to}: gain {gain_db} dB");
        }
    }
}

#[test]
fn dc_is_preserved_exactly() {
    for from in RATES {
        let input = vec![12345i16; from as usize / 10];
        for to in RATES {
            let out = one_shot(from, to, &input);
            for &v in steady(&out, to) {
                assert!((i32::from(v) - 12345).abs() <= 1, "{from}->{to}: {v}");
            }
        }
    }
}

#[test]
fn every_20ms_frame_gives_exactly_20ms() {
    for from in RATES {
        for to in RATES {
            let mut r = Resampler::new(from, to).unwrap();
            let frame = vec![100i16; from as usize / 50];
            let mut out = vec![0i16; to as usize / 50];
            for _ in 0..10 {
                assert_eq!(r.output_len(frame.len()), out.len());
                assert_eq!(r.process(&frame, &mut out), Ok(out.len()));
            }
        }
    }
}

#[test]
fn chunking_is_bit_identical_to_one_shot() {
    // Deterministic pseudo-random split points and a speech-like (noisy, multi-tone) input.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for from in RATES {
        let input: Vec<i16> = (0..from as usize / 5)
            .map(|i| {
                let t = i as f64 / f64::from(from);
                let v = 8000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()
                    + 3000.0 * (2.0 * std::f64::consts::PI * 3100.0 * t).sin();
                v as i16 ^ (next() as i16 & 0xFF)
            })
            .collect();
        for to in RATES {
            let expected = one_shot(from, to, &input);
            for _ in 0..3 {
                let mut r = Resampler::new(from, to).unwrap();
                let mut got = Vec::new();
                let mut rest = &input[..];
                while !rest.is_empty() {
                    let n = (next() as usize % 700).min(rest.len());
                    r.process_into(&rest[..n], &mut got);
                    rest = &rest[n..];
                }
                assert_eq!(got, expected, "{from}->{to}");
            }
        }
    }
}

#[test]
fn downsampling_attenuates_what_would_alias() {
    for (from, to) in [
        (16000, 8000),
        (24000, 8000),
        (48000, 8000),
        (48000, 16000),
        (24000, 16000),
    ] {
        let reference = one_shot(from, to, &sine(from, 1000.0, 16000.0, 0.5));
        let p_ref = tone_power(steady(&reference, to), to, 1000.0);
        // Tones from the stopband edge (0.55 * narrow rate) up to the input's Nyquist.
        for frac in [0.56, 0.625, 0.75, 0.875, 0.97] {
            let freq = frac * f64::from(to);
            if freq >= f64::from(from) / 2.0 {
                continue;
            }
            let out = one_shot(from, to, &sine(from, freq, 16000.0, 0.5));
            // Everything left is aliasing (or rounding noise): compare total power.
            let p_out = rms(steady(&out, to)).powi(2) / 32768f64.powi(2);
            let atten = 10.0 * (p_ref / p_out.max(1e-20)).log10();
            println!("{from}->{to}: {freq} Hz is {atten:.1} dB below 1 kHz");
            assert!(
                atten > 75.0,
                "{from}->{to}: {freq} Hz only {atten:.1} dB down"
            );
        }
    }
}

#[test]
fn upsampling_rejects_images() {
    for (from, to) in [(8000, 16000), (8000, 24000), (8000, 48000), (16000, 48000)] {
        let out = one_shot(from, to, &sine(from, 1000.0, 16000.0, 0.5));
        let s = steady(&out, to);
        let p_tone = tone_power(s, to, 1000.0);
        let p_image = tone_power(s, to, f64::from(from) - 1000.0);
        let atten = 10.0 * (p_tone / p_image.max(1e-20)).log10();
        println!("{from}->{to}: image {atten:.1} dB below the tone");
        assert!(atten > 75.0, "{from}->{to}: image only {atten:.1} dB down");
    }
}

#[test]
fn telephone_band_is_flat() {
    // 300 Hz .. 3.4 kHz through 16k -> 8k and 8k -> 16k stays within 0.05 dB.
    for (from, to) in [(16000, 8000), (8000, 16000)] {
        for freq in [300.0, 1000.0, 2000.0, 3000.0, 3400.0] {
            let input = sine(from, freq, 16000.0, 0.5);
            let out = one_shot(from, to, &input);
            let gain = 20.0 * (rms(steady(&out, to)) / rms(steady(&input, from))).log10();
            assert!(gain.abs() < 0.05, "{from}->{to} {freq} Hz: {gain:.3} dB");
        }
    }
}

#[test]
fn too_small_output_consumes_nothing() {
    let mut r = Resampler::new(8000, 16000).unwrap();
    let input = [1000i16; 160];
    let mut small = [0i16; 100];
    assert_eq!(
        r.process(&input, &mut small),
        Err(ResampleError::OutputTooSmall {
            needed: 320,
            capacity: 100
        })
    );
    let mut fresh = Resampler::new(8000, 16000).unwrap();
    let mut a = [0i16; 320];
    let mut b = [0i16; 320];
    r.process(&input, &mut a).unwrap();
    fresh.process(&input, &mut b).unwrap();
    assert_eq!(a, b);
}

#[test]
fn reset_restarts_the_stream() {
    let input = sine(16000, 700.0, 9000.0, 0.1);
    let mut r = Resampler::new(16000, 8000).unwrap();
    let mut first = Vec::new();
    r.process_into(&input, &mut first);
    r.reset();
    let mut second = Vec::new();
    r.process_into(&input, &mut second);
    assert_eq!(first, second);
}

#[test]
fn rejects_bad_rates_and_passes_equal_rates_through() {
    assert_eq!(
        Resampler::new(0, 8000).unwrap_err(),
        ResampleError::UnsupportedRate(0)
    );
    assert_eq!(
        Resampler::new(8000, 400_000).unwrap_err(),
        ResampleError::UnsupportedRate(400_000)
    );
    assert!(matches!(
        Resampler::new(192_000, 1_001),
        Err(ResampleError::RatioTooComplex { .. })
    ));
    let input: Vec<i16> = (0..500).map(|i| (i * 131 % 65536 - 32768) as i16).collect();
    assert_eq!(one_shot(8000, 8000, &input), input);
    // Odd but common TTS rates still work.
    let out = one_shot(22050, 8000, &sine(22050, 1000.0, 16000.0, 0.5));
    assert!((zero_crossing_freq(steady(&out, 8000), 8000) - 1000.0).abs() < 1.0);
}

#[test]
fn reports_filter_quality() {
    // Frequency response of the whole interleaved filter (the prototype as used), per pair.
    for (from, to) in [(8000, 16000), (16000, 8000), (48000, 8000), (16000, 24000)] {
        let r = Resampler::new(from, to).unwrap();
        let (up, taps) = (r.up, r.taps);
        let proto_rate = (up as u32 * from) as f64;
        let narrow = f64::from(from.min(to));
        let mut h = vec![0.0f64; up * taps];
        for phase in 0..up {
            for j in 0..taps {
                h[phase + j * up] = f64::from(r.coeffs[phase * taps + taps - 1 - j]);
            }
        }
        let response = |f: f64| {
            let w = 2.0 * std::f64::consts::PI * f / proto_rate;
            let (re, im) = h.iter().enumerate().fold((0.0, 0.0), |(re, im), (n, &c)| {
                (re + c * (w * n as f64).cos(), im - c * (w * n as f64).sin())
            });
            20.0 * ((re * re + im * im).sqrt() / up as f64).log10()
        };
        let ripple = (0..=100)
            .map(|i| response(0.425 * narrow * i as f64 / 100.0).abs())
            .fold(0.0, f64::max);
        let stop = (0..=2000)
            .map(|i| 0.55 * narrow + (proto_rate / 2.0 - 0.55 * narrow) * i as f64 / 2000.0)
            .map(|f| -response(f))
            .fold(f64::INFINITY, f64::min);
        println!(
            "{from}->{to}: taps/output {taps}, delay {:.3} ms, passband ripple {ripple:.4} dB, \
             at 0.4375 fl {:.2} dB, at 0.5 fl {:.1} dB, stopband >= {stop:.1} dB",
            r.delay_seconds() * 1000.0,
            response(0.4375 * narrow),
            response(0.5 * narrow)
        );
        assert!(ripple < 0.05, "{from}->{to}: ripple {ripple}");
        assert!(stop > 80.0, "{from}->{to}: stopband {stop}");
    }
}
