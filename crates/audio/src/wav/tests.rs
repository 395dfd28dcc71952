use super::*;

fn spec(encoding: Encoding, sample_rate: u32) -> WavSpec {
    WavSpec {
        encoding,
        sample_rate,
    }
}

fn file(encoding: Encoding, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write(spec(encoding, 8000), data, &mut out).unwrap();
    out
}

/// Rebuilds a file from raw chunks with a correct RIFF size.
fn riff(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let mut body = b"WAVE".to_vec();
    for (id, content) in chunks {
        body.extend_from_slice(*id);
        body.extend_from_slice(&(content.len() as u32).to_le_bytes());
        body.extend_from_slice(content);
        if content.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn fmt(tag: u16, channels: u16, rate: u32, byte_rate: u32, align: u16, bits: u16) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&tag.to_le_bytes());
    f.extend_from_slice(&channels.to_le_bytes());
    f.extend_from_slice(&rate.to_le_bytes());
    f.extend_from_slice(&byte_rate.to_le_bytes());
    f.extend_from_slice(&align.to_le_bytes());
    f.extend_from_slice(&bits.to_le_bytes());
    f
}

#[test]
fn writes_and_parses_each_encoding() {
    let pcm: Vec<i16> = (0..321).map(|i| (i * 97 - 15000) as i16).collect();
    let mut out = Vec::new();
    write_pcm16(16000, &pcm, &mut out).unwrap();
    assert_eq!(out.len(), 44 + 642);
    let wav = parse(&out).unwrap();
    assert_eq!(wav.spec, spec(Encoding::Pcm16, 16000));
    assert_eq!(wav.to_pcm16(), pcm);
    assert_eq!(wav.duration_ms(), 20);

    for encoding in [Encoding::Ulaw, Encoding::Alaw] {
        // Odd length: the writer pads, the parser must not include the pad.
        let data: Vec<u8> = (0..161u32).map(|i| (i * 13) as u8).collect();
        let bytes = file(encoding, &data);
        assert_eq!(bytes.len(), 58 + 162);
        let wav = parse(&bytes).unwrap();
        assert_eq!(wav.spec, spec(encoding, 8000));
        assert_eq!(wav.data, &data[..]);
        assert_eq!(wav.sample_count(), 161);
        let decoded = wav.to_pcm16();
        let law = if encoding == Encoding::Ulaw {
            g711::Law::Ulaw
        } else {
            g711::Law::Alaw
        };
        assert!(
            decoded
                .iter()
                .zip(&data)
                .all(|(&s, &b)| s == law.to_linear(b))
        );
    }
}

#[test]
fn skips_unknown_chunks_anywhere() {
    let f = fmt(7, 1, 8000, 8000, 1, 8);
    let bytes = riff(&[
        (b"LIST", b"INFOISFT\x05\x00\x00\x00sox!\x00"),
        (b"fmt ", &f),
        (b"fact", &[3, 0, 0, 0]),
        (b"junk", b"odd"),
        (b"data", &[1, 2, 3]),
        (b"LIST", b"trailer"),
    ]);
    let wav = parse(&bytes).unwrap();
    assert_eq!(wav.data, &[1, 2, 3]);
}

#[test]
fn tolerates_a_missing_final_pad_byte_only() {
    let mut bytes = file(Encoding::Ulaw, &[9, 9, 9]);
    assert_eq!(bytes.pop(), Some(0));
    let riff_len = (bytes.len() - 8) as u32;
    bytes[4..8].copy_from_slice(&riff_len.to_le_bytes());
    assert_eq!(parse(&bytes).unwrap().data, &[9, 9, 9]);
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = file(Encoding::Ulaw, &[0x7F; 50]);
    for cut in 0..bytes.len() {
        let err = parse(&bytes[..cut]).unwrap_err();
        assert!(matches!(err, WavError::Truncated(_)), "cut {cut}: {err}");
    }
}

#[test]
fn rejects_bad_headers() {
    let good = file(Encoding::Pcm16, &[0, 0]);
    let mut not_riff = good.clone();
    not_riff[0] = b'X';
    assert_eq!(parse(&not_riff), Err(WavError::NotRiff));
    assert_eq!(parse(b"RIFX\0\0\0\0"), Err(WavError::NotRiff));
    let mut not_wave = good.clone();
    not_wave[8..12].copy_from_slice(b"AVI ");
    assert_eq!(parse(&not_wave), Err(WavError::NotWave));
    let mut trailing = good.clone();
    trailing.extend_from_slice(&[0, 0]);
    assert_eq!(
        parse(&trailing),
        Err(WavError::RiffSizeMismatch {
            declared: 38,
            actual: 40
        })
    );
}

#[test]
fn rejects_bad_chunk_sizes() {
    let f = fmt(1, 1, 8000, 16000, 2, 16);
    let mut bytes = riff(&[(b"fmt ", &f), (b"data", &[0, 0, 0, 0])]);
    // data says 5 bytes but 4 remain.
    let at = bytes.len() - 8;
    bytes[at..at + 4].copy_from_slice(&5u32.to_le_bytes());
    assert_eq!(
        parse(&bytes),
        Err(WavError::ChunkOverrun {
            id: "data".into(),
            size: 5,
            remaining: 4
        })
    );
    // A chunk header cut short inside a correctly sized RIFF.
    let mut short = riff(&[(b"fmt ", &f), (b"data", &[0, 0])]);
    short.extend_from_slice(b"LIS");
    let riff_len = (short.len() - 8) as u32;
    short[4..8].copy_from_slice(&riff_len.to_le_bytes());
    assert_eq!(parse(&short), Err(WavError::Truncated("chunk header")));
}

#[test]
fn rejects_bad_structure() {
    let f = fmt(1, 1, 8000, 16000, 2, 16);
    let d: &[u8] = &[0, 0];
    assert_eq!(
        parse(&riff(&[(b"data", d), (b"fmt ", &f)])),
        Err(WavError::DataBeforeFmt)
    );
    assert_eq!(
        parse(&riff(&[(b"fmt ", &f), (b"fmt ", &f), (b"data", d)])),
        Err(WavError::DuplicateChunk("fmt "))
    );
    assert_eq!(
        parse(&riff(&[(b"fmt ", &f), (b"data", d), (b"data", d)])),
        Err(WavError::DuplicateChunk("data"))
    );
    assert_eq!(parse(&riff(&[(b"fmt ", &f)])), Err(WavError::MissingData));
    assert_eq!(parse(&riff(&[(b"LIST", d)])), Err(WavError::MissingFmt));
    assert_eq!(
        parse(&riff(&[(b"fmt ", &f), (b"data", &[0, 0, 0])])),
        Err(WavError::PartialSample(3))
    );
}

#[test]
fn rejects_unsupported_or_inconsistent_formats() {
    let cases: [(Vec<u8>, WavError); 8] = [
        (
            fmt(3, 1, 8000, 32000, 4, 32),
            WavError::UnsupportedFormat(3),
        ),
        (
            fmt(1, 2, 8000, 32000, 4, 16),
            WavError::UnsupportedChannels(2),
        ),
        (fmt(1, 0, 8000, 0, 0, 16), WavError::UnsupportedChannels(0)),
        (
            fmt(1, 1, 8000, 8000, 1, 8),
            WavError::UnsupportedBits { format: 1, bits: 8 },
        ),
        (
            fmt(7, 1, 8000, 16000, 2, 16),
            WavError::UnsupportedBits {
                format: 7,
                bits: 16,
            },
        ),
        (fmt(1, 1, 0, 0, 2, 16), WavError::ZeroSampleRate),
        (
            fmt(1, 1, 8000, 16000, 4, 16),
            WavError::Inconsistent("block align"),
        ),
        (
            fmt(6, 1, 8000, 16000, 1, 8),
            WavError::Inconsistent("byte rate"),
        ),
    ];
    for (f, expected) in cases {
        assert_eq!(
            parse(&riff(&[(b"fmt ", &f), (b"data", &[0, 0])])),
            Err(expected)
        );
    }
    let short = &fmt(1, 1, 8000, 16000, 2, 16)[..14];
    assert_eq!(
        parse(&riff(&[(b"fmt ", short), (b"data", &[])])),
        Err(WavError::FmtTooShort(14))
    );
}

fn extensible(sub: u16, valid_bits: u16, bits: u16) -> Vec<u8> {
    let mut f = fmt(0xFFFE, 1, 8000, 8000 * u32::from(bits / 8), bits / 8, bits);
    f.extend_from_slice(&22u16.to_le_bytes());
    f.extend_from_slice(&valid_bits.to_le_bytes());
    f.extend_from_slice(&4u32.to_le_bytes()); // front centre
    f.extend_from_slice(&u32::from(sub).to_le_bytes());
    f.extend_from_slice(&SUBFORMAT_SUFFIX);
    f
}

#[test]
fn accepts_wave_format_extensible() {
    let f = extensible(1, 16, 16);
    let wav_bytes = riff(&[(b"fmt ", &f), (b"data", &[1, 0])]);
    let wav = parse(&wav_bytes).unwrap();
    assert_eq!(wav.spec, spec(Encoding::Pcm16, 8000));
    assert_eq!(wav.to_pcm16(), [1]);
    let f = extensible(7, 8, 8);
    assert_eq!(
        parse(&riff(&[(b"fmt ", &f), (b"data", &[1])]))
            .unwrap()
            .spec
            .encoding,
        Encoding::Ulaw
    );
    let f = extensible(3, 32, 32);
    assert_eq!(
        parse(&riff(&[(b"fmt ", &f), (b"data", &[0; 4])])),
        Err(WavError::UnsupportedFormat(3))
    );
    let mut f = extensible(1, 16, 16);
    f[30] ^= 1; // a GUID that is not a KSDATAFORMAT_SUBTYPE
    assert_eq!(
        parse(&riff(&[(b"fmt ", &f), (b"data", &[0; 2])])),
        Err(WavError::UnsupportedFormat(0xFFFE))
    );
    let f = extensible(1, 12, 16);
    assert!(matches!(
        parse(&riff(&[(b"fmt ", &f), (b"data", &[0; 2])])),
        Err(WavError::Inconsistent(_))
    ));
}

#[test]
fn writer_rejects_what_it_cannot_represent() {
    let mut out = Vec::new();
    assert_eq!(
        write(spec(Encoding::Pcm16, 8000), &[0; 3], &mut out),
        Err(WavError::PartialSample(3))
    );
    assert_eq!(
        write(spec(Encoding::Ulaw, 0), &[0; 3], &mut out),
        Err(WavError::ZeroSampleRate)
    );
    assert!(out.is_empty());
}
