use super::*;

/// 0.5 s quiet noise, 0.8 s of a 200 Hz buzz with harmonics (voiced-like), 1 s quiet.
fn burst(rate: u32) -> Vec<i16> {
    let mut seed = 1u32;
    let n = |s: f64| (s * f64::from(rate)) as usize;
    (0..n(2.3))
        .map(|i| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let hiss = f64::from((seed >> 16) as i16 >> 8) * 0.5; // about -60 dBFS
            let t = i as f64 / f64::from(rate);
            let voiced = if (n(0.5)..n(1.3)).contains(&i) {
                (1..6)
                    .map(|h| {
                        3000.0 / h as f64
                            * (2.0 * std::f64::consts::PI * 200.0 * h as f64 * t).sin()
                    })
                    .sum()
            } else {
                0.0
            };
            (hiss + voiced) as i16
        })
        .collect()
}

fn events<D: FrameDetector>(vad: &mut Vad<D>, samples: &[i16], chunk: usize) -> Vec<VadEvent> {
    let mut out = Vec::new();
    for c in samples.chunks(chunk) {
        vad.process(c, |e| out.push(e));
    }
    out
}

#[test]
fn finds_a_voiced_burst_with_sample_timestamps() {
    for rate in [8000, 16000] {
        let mut vad = Vad::new(VadConfig::new(rate)).unwrap();
        let got = events(&mut vad, &burst(rate), rate as usize / 50);
        assert_eq!(
            got,
            [
                VadEvent::SpeechStart {
                    at_sample: u64::from(rate) / 2
                },
                VadEvent::SpeechEnd {
                    at_sample: u64::from(rate) * 13 / 10
                },
            ],
            "{rate} Hz"
        );
        assert_eq!(got[0].at_ms(rate), 500);
        assert!(!vad.in_speech());
        assert_eq!(vad.samples_seen(), u64::from(rate) * 23 / 10);
    }
}

#[test]
fn events_do_not_depend_on_chunking() {
    let samples = burst(8000);
    let mut reference_vad = Vad::new(VadConfig::new(8000)).unwrap();
    let reference = events(&mut reference_vad, &samples, samples.len());
    assert_eq!(reference.len(), 2);
    for chunk in [1, 7, 80, 159, 160, 161, 1000] {
        let mut vad = Vad::new(VadConfig::new(8000)).unwrap();
        assert_eq!(
            events(&mut vad, &samples, chunk),
            reference,
            "chunk {chunk}"
        );
    }
    // process_frame gives the same events one 20 ms frame at a time.
    let mut vad = Vad::new(VadConfig::new(8000)).unwrap();
    let framed: Vec<_> = samples
        .chunks(160)
        .filter_map(|f| vad.process_frame(f))
        .collect();
    assert_eq!(framed, reference);
}

#[test]
fn ulaw_input_matches_decoded_input() {
    let pcm = burst(8000);
    let mut ulaw = vec![0u8; pcm.len()];
    crate::g711::encode_ulaw(&pcm, &mut ulaw);
    let mut decoded = vec![0i16; pcm.len()];
    crate::g711::decode_ulaw(&ulaw, &mut decoded);
    let mut a = Vad::new(VadConfig::new(8000)).unwrap();
    let expected = events(&mut a, &decoded, 160);
    let mut b = Vad::new(VadConfig::new(8000)).unwrap();
    let mut got = Vec::new();
    for chunk in ulaw.chunks(333) {
        b.process_ulaw(chunk, |e| got.push(e));
    }
    assert_eq!(got, expected);
    assert_eq!(got.len(), 2);
}

#[test]
fn block_length_and_reset() {
    let mut config = VadConfig::new(16000);
    config.frame_ms = 10;
    let mut vad = Vad::with_detector(config, EnergyDetector::default()).unwrap();
    assert_eq!(vad.block_len(), 160);
    let samples = burst(16000);
    let first = events(&mut vad, &samples, 320);
    vad.reset();
    assert_eq!(vad.samples_seen(), 0);
    assert_eq!(events(&mut vad, &samples, 320), first);
    assert_eq!(first.len(), 2);
}

#[test]
fn rejects_bad_config() {
    let mut c = VadConfig::new(7999);
    assert_eq!(Vad::new(c).unwrap_err(), VadError::UnsupportedRate(7999));
    c.sample_rate = 96_000;
    assert_eq!(Vad::new(c).unwrap_err(), VadError::UnsupportedRate(96_000));
    c.sample_rate = 8000;
    c.frame_ms = 25;
    assert_eq!(Vad::new(c).unwrap_err(), VadError::UnsupportedFrame(25));
}
