//! A recording ready for upload: a mono WAV file, since the transcription endpoints take a
//! container and not raw G.711.

use std::time::Duration;

use bytes::Bytes;
use switchboard_audio::g711;
use switchboard_audio::wav::{self, Encoding, WavSpec};

/// How mu-law call audio is wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WavFormat {
    /// Decoded to 16-bit PCM: every server reads it (some self-hosted Whisper builds read only
    /// PCM).
    #[default]
    Pcm16,
    /// Kept as mu-law (format tag 7): half the bytes, read by ffmpeg-based servers.
    Ulaw,
}

/// One recording to transcribe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchAudio {
    /// A complete WAV file.
    pub wav: Bytes,
    pub duration: Duration,
}

impl BatchAudio {
    /// Wraps mu-law samples at `sample_rate` as a WAV file in `format`.
    pub fn from_ulaw(sample_rate: u32, ulaw: &[u8], format: WavFormat) -> Self {
        let mut out = Vec::with_capacity(64 + ulaw.len() * 2);
        let written = match format {
            WavFormat::Ulaw => wav::write(
                WavSpec {
                    encoding: Encoding::Ulaw,
                    sample_rate,
                },
                ulaw,
                &mut out,
            ),
            WavFormat::Pcm16 => {
                let mut pcm = vec![0i16; ulaw.len()];
                g711::decode_ulaw(ulaw, &mut pcm);
                wav::write_pcm16(sample_rate, &pcm, &mut out)
            }
        };
        written.expect("mono G.711 at a non-zero rate always fits a WAV file");
        Self {
            wav: Bytes::from(out),
            duration: duration(ulaw.len(), sample_rate),
        }
    }

    /// Wraps 16-bit PCM samples at `sample_rate` as a WAV file.
    pub fn from_pcm16(sample_rate: u32, samples: &[i16]) -> Self {
        let mut out = Vec::with_capacity(64 + samples.len() * 2);
        wav::write_pcm16(sample_rate, samples, &mut out)
            .expect("mono PCM at a non-zero rate always fits a WAV file");
        Self {
            wav: Bytes::from(out),
            duration: duration(samples.len(), sample_rate),
        }
    }

    /// An existing WAV file; its duration is read from the header (zero if unreadable).
    pub fn from_wav(file: Bytes) -> Self {
        let duration = wav::parse(&file)
            .map(|w| Duration::from_millis(w.duration_ms()))
            .unwrap_or_default();
        Self {
            wav: file,
            duration,
        }
    }
}

fn duration(samples: usize, sample_rate: u32) -> Duration {
    Duration::from_micros(samples as u64 * 1_000_000 / u64::from(sample_rate.max(1)))
}
