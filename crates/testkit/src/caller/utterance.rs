//! Something the caller says: mu-law 8 kHz audio cut into 20 ms frames.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use switchboard_audio::frame::G711_FRAME_LEN;
use switchboard_audio::g711::{self, ULAW_SILENCE};
use switchboard_audio::level::measure_ulaw;
use switchboard_audio::resample::{ResampleError, Resampler};
use switchboard_audio::wav::{self, Encoding, Wav, WavError};

/// The line rate: Twilio streams mu-law at 8 kHz.
const RATE: u32 = 8000;

/// A frame louder than this (RMS) counts as speech when locating where an utterance's
/// speech starts and ends. Fixture speech sits around -20 dBFS; digital silence and the
/// quiet line-noise fixtures sit below -48 dBFS.
const SPEECH_DBFS: f32 = -45.0;

/// Why audio could not be turned into an [`Utterance`].
#[derive(Debug, thiserror::Error)]
pub enum UtteranceError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("not a usable WAV file: {0}")]
    Wav(#[from] WavError),
    #[error("cannot resample to 8 kHz: {0}")]
    Resample(#[from] ResampleError),
}

/// Audio for the caller to speak, as whole 20 ms mu-law frames (the last one padded with
/// silence). Cheap to clone: a load generator shares one utterance among many calls.
///
/// It also knows which frames hold speech (the first and last louder than -45 dBFS), so
/// that reported timings run from the caller's actual speech onset and end rather than
/// from any leading or trailing silence in the file.
#[derive(Debug, Clone)]
pub struct Utterance {
    mulaw: Arc<[u8]>,
    /// First and last frame holding speech; the whole utterance if none is loud enough.
    speech: (usize, usize),
}

impl Utterance {
    /// Raw headerless mu-law at 8 kHz.
    pub fn from_mulaw(bytes: impl Into<Vec<u8>>) -> Self {
        let mut bytes = bytes.into();
        let padded = bytes.len().div_ceil(G711_FRAME_LEN).max(1) * G711_FRAME_LEN;
        bytes.resize(padded, ULAW_SILENCE);
        let frames = bytes.len() / G711_FRAME_LEN;
        let loud: Vec<usize> = bytes
            .chunks_exact(G711_FRAME_LEN)
            .enumerate()
            .filter(|(_, frame)| measure_ulaw(frame).rms_dbfs > SPEECH_DBFS)
            .map(|(i, _)| i)
            .collect();
        let speech = match (loud.first(), loud.last()) {
            (Some(&first), Some(&last)) => (first, last),
            _ => (0, frames - 1),
        };
        Utterance {
            mulaw: bytes.into(),
            speech,
        }
    }

    /// Linear 16-bit mono samples at any rate from 1 to 192 kHz, resampled to 8 kHz.
    pub fn from_pcm16(sample_rate: u32, samples: &[i16]) -> Result<Self, UtteranceError> {
        let line = if sample_rate == RATE {
            samples.to_vec()
        } else {
            resample_to_line_rate(sample_rate, samples)?
        };
        let mut mulaw = vec![0; line.len()];
        g711::encode_ulaw(&line, &mut mulaw);
        Ok(Self::from_mulaw(mulaw))
    }

    /// A parsed WAV file; 8 kHz mu-law (the common fixture) is used byte for byte.
    pub fn from_wav(wav: &Wav<'_>) -> Result<Self, UtteranceError> {
        if wav.spec.encoding == Encoding::Ulaw && wav.spec.sample_rate == RATE {
            return Ok(Self::from_mulaw(wav.data));
        }
        Self::from_pcm16(wav.spec.sample_rate, &wav.to_pcm16())
    }

    /// A WAV file held in memory (`include_bytes!` of a fixture, say).
    pub fn from_wav_bytes(bytes: &[u8]) -> Result<Self, UtteranceError> {
        Self::from_wav(&wav::parse(bytes)?)
    }

    /// A WAV file on disk.
    pub fn from_wav_file(path: impl AsRef<Path>) -> Result<Self, UtteranceError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| UtteranceError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_wav_bytes(&bytes)
    }

    /// A steady sine tone at -12 dBFS: a stand-in for speech when the content does not
    /// matter (every frame is "speech" to the timing logic and to energy detectors).
    pub fn tone(frequency_hz: f64, duration: Duration) -> Self {
        let count = (duration.as_micros() * u128::from(RATE) / 1_000_000) as usize;
        let amplitude = 32768.0 * 10f64.powf(-12.0 / 20.0);
        let step = std::f64::consts::TAU * frequency_hz / f64::from(RATE);
        let samples: Vec<i16> = (0..count)
            .map(|n| (amplitude * (step * n as f64).sin()) as i16)
            .collect();
        let mut mulaw = vec![0; samples.len()];
        g711::encode_ulaw(&samples, &mut mulaw);
        Self::from_mulaw(mulaw)
    }

    /// The audio as sent, padded to whole frames.
    pub fn mulaw(&self) -> &[u8] {
        &self.mulaw
    }

    pub fn frame_count(&self) -> usize {
        self.mulaw.len() / G711_FRAME_LEN
    }

    /// Frame `index` (20 ms from `index * 20` ms).
    ///
    /// # Panics
    /// If `index` is not below [`frame_count`](Self::frame_count).
    pub fn frame(&self, index: usize) -> &[u8] {
        &self.mulaw[index * G711_FRAME_LEN..(index + 1) * G711_FRAME_LEN]
    }

    /// First and last frame (inclusive) that hold speech.
    pub fn speech_frames(&self) -> (usize, usize) {
        self.speech
    }

    pub fn duration(&self) -> Duration {
        Duration::from_millis(self.frame_count() as u64 * 20)
    }
}

/// Resamples a whole clip, compensating the filter's delay so the output lines up with the
/// input and has the length the rate change implies.
fn resample_to_line_rate(rate: u32, samples: &[i16]) -> Result<Vec<i16>, ResampleError> {
    let mut resampler = Resampler::new(rate, RATE)?;
    let delay = resampler.delay_seconds();
    let tail = vec![0; (delay * f64::from(rate)).ceil() as usize + 1];
    let mut out = Vec::with_capacity(resampler.output_len(samples.len() + tail.len()));
    resampler.process_into(samples, &mut out);
    resampler.process_into(&tail, &mut out);
    let skip = ((delay * f64::from(RATE)).round() as usize).min(out.len());
    out.drain(..skip);
    out.truncate((samples.len() as u64 * u64::from(RATE) / u64::from(rate)) as usize);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_to_whole_frames_and_finds_the_speech() {
        let mut audio = vec![ULAW_SILENCE; 400];
        audio.extend_from_slice(Utterance::tone(440.0, Duration::from_millis(100)).mulaw());
        audio.extend_from_slice(&[ULAW_SILENCE; 170]);
        let utterance = Utterance::from_mulaw(audio);
        assert_eq!(utterance.mulaw().len() % 160, 0);
        assert_eq!(
            utterance.frame_count(),
            (400 + 800 + 170usize).div_ceil(160)
        );
        // Speech occupies bytes 400..1200: frames 2 (320..480) to 7 (1120..1280).
        assert_eq!(utterance.speech_frames(), (2, 7));
        assert_eq!(utterance.duration(), Duration::from_millis(180));
    }

    #[test]
    fn silence_counts_as_speech_throughout() {
        let utterance = Utterance::from_mulaw(vec![ULAW_SILENCE; 480]);
        assert_eq!(utterance.speech_frames(), (0, 2));
        assert_eq!(Utterance::from_mulaw(Vec::new()).frame_count(), 1);
    }

    #[test]
    fn mulaw_fixture_is_used_byte_for_byte() {
        let bytes = include_bytes!("../../../audio/fixtures/speech_8k_ulaw.wav");
        let wav = wav::parse(bytes).unwrap();
        let utterance = Utterance::from_wav(&wav).unwrap();
        assert_eq!(&utterance.mulaw()[..wav.data.len()], wav.data);
        let (first, last) = utterance.speech_frames();
        assert!(first < last && last < utterance.frame_count());
    }

    #[test]
    fn wideband_pcm_is_resampled_to_the_line_rate() {
        let tone = |rate: u32, ms: u32| -> Vec<i16> {
            (0..rate * ms / 1000)
                .map(|n| {
                    (8000.0
                        * (std::f64::consts::TAU * 300.0 * f64::from(n) / f64::from(rate)).sin())
                        as i16
                })
                .collect()
        };
        let mut file = Vec::new();
        wav::write_pcm16(16_000, &tone(16_000, 200), &mut file).unwrap();
        let utterance = Utterance::from_wav_bytes(&file).unwrap();
        assert_eq!(utterance.frame_count(), 10);
        // The same tone generated at 8 kHz and encoded directly: close, sample by sample.
        let direct = Utterance::from_pcm16(8000, &tone(8000, 200)).unwrap();
        let mut a = vec![0i16; 1600];
        let mut b = vec![0i16; 1600];
        g711::decode_ulaw(utterance.mulaw(), &mut a);
        g711::decode_ulaw(direct.mulaw(), &mut b);
        let worst = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (i32::from(*x) - i32::from(*y)).abs())
            .max();
        assert!(worst.unwrap() < 800, "worst sample difference {worst:?}");
    }

    #[test]
    fn missing_file_is_an_error_naming_it() {
        let err = Utterance::from_wav_file("/nonexistent/x.wav").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.wav"), "{err}");
    }
}
