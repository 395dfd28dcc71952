//! 24 kHz s16le PCM (OpenAI `response_format: "pcm"`) to 8 kHz mu-law, streaming.

use switchboard_audio::g711;
use switchboard_audio::resample::Resampler;

use crate::tts::segmented::AudioDecoder;

/// Rate of OpenAI's `pcm` output.
pub const OPENAI_PCM_RATE: u32 = 24_000;

/// Converts little-endian 16-bit PCM at any rate to mu-law 8 kHz, chunk by chunk.
///
/// HTTP chunks split samples anywhere, so an odd trailing byte is carried to the next push.
/// The resampler is continuous across pushes (bit-identical to one-shot conversion), so the
/// same bytes come out however the body was chunked: exactly `samples / 3` for 24 kHz, plus,
/// at [`finish`](Self::finish), the filter's tail (its 2.5 ms group delay), which would
/// otherwise cut off the end of the last word.
#[derive(Debug)]
pub struct PcmToMulaw {
    resampler: Resampler,
    carry: Option<u8>,
    samples: Vec<i16>,
    resampled: Vec<i16>,
}

impl PcmToMulaw {
    /// For OpenAI's 24 kHz PCM.
    pub fn openai() -> Self {
        Self::new(OPENAI_PCM_RATE).expect("24 kHz is supported")
    }

    pub fn new(input_rate: u32) -> Result<Self, switchboard_audio::resample::ResampleError> {
        Ok(Self {
            resampler: Resampler::new(input_rate, 8_000)?,
            carry: None,
            samples: Vec::new(),
            resampled: Vec::new(),
        })
    }

    /// Converts `bytes` and appends the mu-law to `out`.
    pub fn push(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) {
        self.samples.clear();
        if let Some(low) = self.carry.take() {
            match bytes.split_first() {
                Some((&high, rest)) => {
                    self.samples.push(i16::from_le_bytes([low, high]));
                    bytes = rest;
                }
                None => {
                    self.carry = Some(low);
                    return;
                }
            }
        }
        let pairs = bytes.chunks_exact(2);
        self.carry = pairs.remainder().first().copied();
        self.samples
            .extend(pairs.map(|p| i16::from_le_bytes([p[0], p[1]])));
        self.resample_and_encode(out);
    }

    /// Flushes the resampler's tail (a dangling odd byte is dropped: it is half a sample).
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.carry = None;
        let tail = (self.resampler.delay_seconds() * f64::from(self.resampler.from_rate())).ceil()
            as usize;
        self.samples.clear();
        self.samples.resize(tail, 0);
        self.resample_and_encode(out);
    }

    fn resample_and_encode(&mut self, out: &mut Vec<u8>) {
        self.resampled.clear();
        self.resampler
            .process_into(&self.samples, &mut self.resampled);
        let start = out.len();
        out.resize(start + self.resampled.len(), 0);
        g711::encode_ulaw(&self.resampled, &mut out[start..]);
    }
}

impl AudioDecoder for PcmToMulaw {
    fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        PcmToMulaw::push(self, bytes, out);
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        PcmToMulaw::finish(self, out);
    }
}
