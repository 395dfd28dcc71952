//! Property tests: the WAV parser and the decoders are total, writing then parsing is the
//! identity, and the streaming APIs do not depend on chunking.

use proptest::prelude::*;
use switchboard_audio::g711;
use switchboard_audio::resample::Resampler;
use switchboard_audio::vad::{Vad, VadConfig, VadEvent};
use switchboard_audio::wav::{self, Encoding, WavSpec};

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Pcm16),
        Just(Encoding::Ulaw),
        Just(Encoding::Alaw)
    ]
}

/// A valid file of each encoding with arbitrary content.
fn valid_wav() -> impl Strategy<Value = (WavSpec, Vec<u8>)> {
    (
        encoding(),
        1u32..200_000,
        prop::collection::vec(any::<u8>(), 0..600),
    )
        .prop_map(|(encoding, sample_rate, mut data)| {
            if encoding == Encoding::Pcm16 && data.len() % 2 == 1 {
                data.pop();
            }
            (
                WavSpec {
                    encoding,
                    sample_rate,
                },
                data,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parser_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = wav::parse(&bytes);
    }

    #[test]
    fn parser_never_panics_on_a_corrupted_valid_file(
        (spec, data) in valid_wav(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = Vec::new();
        wav::write(spec, &data, &mut bytes).unwrap();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = wav::parse(&bytes);
        let _ = wav::parse(&bytes[..cut.index(bytes.len())]);
    }

    #[test]
    fn written_files_parse_back_identically((spec, data) in valid_wav()) {
        let mut bytes = Vec::new();
        wav::write(spec, &data, &mut bytes).unwrap();
        let parsed = wav::parse(&bytes).unwrap();
        prop_assert_eq!(parsed.spec, spec);
        prop_assert_eq!(parsed.data, &data[..]);
        let mut pcm = vec![0i16; parsed.sample_count()];
        prop_assert_eq!(parsed.decode_into(&mut pcm), data.len() / spec.encoding.bytes_per_sample());
    }

    #[test]
    fn pcm16_writer_round_trips_samples(rate in 1u32..100_000, samples in prop::collection::vec(any::<i16>(), 0..400)) {
        let mut bytes = Vec::new();
        wav::write_pcm16(rate, &samples, &mut bytes).unwrap();
        prop_assert_eq!(wav::parse(&bytes).unwrap().to_pcm16(), samples);
    }

    #[test]
    fn decoders_are_total_and_match_the_tables(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut u = vec![0i16; bytes.len()];
        let mut a = vec![0i16; bytes.len()];
        g711::decode_ulaw(&bytes, &mut u);
        g711::decode_alaw(&bytes, &mut a);
        for (i, &b) in bytes.iter().enumerate() {
            prop_assert_eq!(u[i], g711::ULAW_TABLE[b as usize]);
            prop_assert_eq!(a[i], g711::ALAW_TABLE[b as usize]);
            // Decoded values re-encode to a code that decodes to the same value.
            prop_assert_eq!(g711::ulaw_to_linear(g711::linear_to_ulaw(u[i])), u[i]);
            prop_assert_eq!(g711::alaw_to_linear(g711::linear_to_alaw(a[i])), a[i]);
        }
    }

    #[test]
    fn encoders_are_total(samples in prop::collection::vec(any::<i16>(), 0..400)) {
        let mut out = vec![0u8; samples.len()];
        g711::encode_ulaw(&samples, &mut out);
        g711::encode_alaw(&samples, &mut out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn resampler_chunking_never_changes_output(
        pair in prop::sample::select(vec![(8000u32, 16000u32), (16000, 8000), (8000, 24000), (24000, 8000), (48000, 8000), (16000, 24000), (22050, 16000)]),
        input in prop::collection::vec(any::<i16>(), 0..1500),
        splits in prop::collection::vec(0usize..400, 0..12),
    ) {
        let (from, to) = pair;
        let mut one = Resampler::new(from, to).unwrap();
        let mut expected = Vec::new();
        one.process_into(&input, &mut expected);
        let mut chunked = Resampler::new(from, to).unwrap();
        let mut got = Vec::new();
        let mut rest = &input[..];
        for s in splits {
            let n = s.min(rest.len());
            chunked.process_into(&rest[..n], &mut got);
            rest = &rest[n..];
        }
        chunked.process_into(rest, &mut got);
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn vad_chunking_never_changes_events(
        input in prop::collection::vec(any::<i16>(), 0..4000),
        loud_from in 0usize..4000,
        splits in prop::collection::vec(0usize..700, 0..12),
    ) {
        // Quiet random noise with a loud low-frequency stretch somewhere.
        let samples: Vec<i16> = input
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let quiet = x / 512;
                if i >= loud_from { quiet.saturating_add(((i / 20) % 2) as i16 * 12000 - 6000) } else { quiet }
            })
            .collect();
        let run = |chunks: &[usize]| {
            let mut vad = Vad::new(VadConfig::new(8000)).unwrap();
            let mut events: Vec<VadEvent> = Vec::new();
            let mut rest = &samples[..];
            for &s in chunks {
                let n = s.min(rest.len());
                vad.process(&rest[..n], |e| events.push(e));
                rest = &rest[n..];
            }
            vad.process(rest, |e| events.push(e));
            events
        };
        prop_assert_eq!(run(&splits), run(&[]));
    }
}
