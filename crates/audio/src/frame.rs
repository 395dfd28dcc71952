//! Fixed-size 20 ms frames with inline storage, and a framer that cuts a byte stream into them.
//!
//! Frames own arrays rather than `Vec`s: a session keeps one or two and overwrites them every
//! 20 ms, so the media path never touches the allocator.

use crate::g711::{self, Law};
use crate::level::{self, Level};

/// Frame duration on the telephone path.
pub const FRAME_MS: u32 = 20;
/// Bytes in a 20 ms G.711 frame at 8 kHz (Twilio media payload size).
pub const G711_FRAME_LEN: usize = 160;
/// Largest [`PcmFrame`]: 30 ms at 48 kHz.
pub const MAX_PCM_FRAME_SAMPLES: usize = 1440;

/// Why a frame could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A G.711 frame must be exactly 160 bytes.
    #[error("G.711 frame must be {G711_FRAME_LEN} bytes, got {0}")]
    WrongLength(usize),
    /// More samples than [`MAX_PCM_FRAME_SAMPLES`].
    #[error("{0} samples exceed the frame capacity of {MAX_PCM_FRAME_SAMPLES}")]
    TooLong(usize),
    /// The frame is not at the rate the operation needs.
    #[error("frame is at {got} Hz but {expected} Hz is needed")]
    WrongRate {
        /// Rate required.
        expected: u32,
        /// Rate found.
        got: u32,
    },
    /// A rate of zero or above 48 kHz.
    #[error("unsupported frame rate {0} Hz")]
    UnsupportedRate(u32),
}

/// One 20 ms G.711 frame at 8 kHz: 160 companded bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct G711Frame {
    law: Law,
    bytes: [u8; G711_FRAME_LEN],
}

impl G711Frame {
    /// A frame of digital silence in `law`.
    pub const fn silence(law: Law) -> Self {
        Self {
            law,
            bytes: [law.silence(); G711_FRAME_LEN],
        }
    }

    /// Copies exactly 160 bytes into a frame.
    pub fn from_bytes(law: Law, bytes: &[u8]) -> Result<Self, FrameError> {
        let bytes: [u8; G711_FRAME_LEN] = bytes
            .try_into()
            .map_err(|_| FrameError::WrongLength(bytes.len()))?;
        Ok(Self { law, bytes })
    }

    /// The companding law of the bytes.
    pub fn law(&self) -> Law {
        self.law
    }

    /// The companded bytes.
    pub fn as_bytes(&self) -> &[u8; G711_FRAME_LEN] {
        &self.bytes
    }

    /// The companded bytes, to fill in place.
    pub fn bytes_mut(&mut self) -> &mut [u8; G711_FRAME_LEN] {
        &mut self.bytes
    }

    /// Decodes into `out`, which becomes an 8 kHz frame of 160 samples.
    pub fn decode_into(&self, out: &mut PcmFrame) {
        out.rate = 8000;
        out.len = G711_FRAME_LEN;
        self.law
            .decode(&self.bytes, &mut out.samples[..G711_FRAME_LEN]);
    }

    /// Encodes an 8 kHz, 160-sample PCM frame into this frame (keeping this frame's law).
    pub fn encode_from(&mut self, pcm: &PcmFrame) -> Result<(), FrameError> {
        if pcm.rate != 8000 {
            return Err(FrameError::WrongRate {
                expected: 8000,
                got: pcm.rate,
            });
        }
        if pcm.len != G711_FRAME_LEN {
            return Err(FrameError::WrongLength(pcm.len));
        }
        self.law.encode(pcm.samples(), &mut self.bytes);
        Ok(())
    }

    /// RMS and peak level of the frame.
    pub fn level(&self) -> Level {
        match self.law {
            Law::Ulaw => level::measure_ulaw(&self.bytes),
            Law::Alaw => {
                let mut pcm = [0i16; G711_FRAME_LEN];
                g711::decode_alaw(&self.bytes, &mut pcm);
                level::measure(&pcm)
            }
        }
    }
}

/// A mono 16-bit PCM frame of up to 30 ms at up to 48 kHz, stored inline.
#[derive(Clone)]
pub struct PcmFrame {
    rate: u32,
    len: usize,
    samples: [i16; MAX_PCM_FRAME_SAMPLES],
}

impl std::fmt::Debug for PcmFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcmFrame")
            .field("rate", &self.rate)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl PartialEq for PcmFrame {
    fn eq(&self, other: &Self) -> bool {
        self.rate == other.rate && self.samples() == other.samples()
    }
}

impl PcmFrame {
    /// A silent 20 ms frame at `rate` (which must be a multiple of 50 Hz up to 48 kHz).
    pub fn silence(rate: u32) -> Result<Self, FrameError> {
        if rate == 0 || rate > 48_000 || !rate.is_multiple_of(50) {
            return Err(FrameError::UnsupportedRate(rate));
        }
        Ok(Self {
            rate,
            len: (rate / 50) as usize,
            samples: [0; MAX_PCM_FRAME_SAMPLES],
        })
    }

    /// Replaces the contents with `samples` at `rate` (any length up to the capacity).
    pub fn copy_from(&mut self, rate: u32, samples: &[i16]) -> Result<(), FrameError> {
        if rate == 0 || rate > 48_000 {
            return Err(FrameError::UnsupportedRate(rate));
        }
        if samples.len() > MAX_PCM_FRAME_SAMPLES {
            return Err(FrameError::TooLong(samples.len()));
        }
        self.rate = rate;
        self.len = samples.len();
        self.samples[..samples.len()].copy_from_slice(samples);
        Ok(())
    }

    /// Sample rate in Hz.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The samples.
    pub fn samples(&self) -> &[i16] {
        &self.samples[..self.len]
    }

    /// The samples, to fill in place.
    pub fn samples_mut(&mut self) -> &mut [i16] {
        &mut self.samples[..self.len]
    }

    /// Duration in microseconds.
    pub fn duration_us(&self) -> u64 {
        self.len as u64 * 1_000_000 / u64::from(self.rate)
    }

    /// RMS and peak level of the frame.
    pub fn level(&self) -> Level {
        level::measure(self.samples())
    }
}

/// Cuts a stream of G.711 bytes arriving in arbitrary chunks (TTS output, say) into 20 ms
/// frames, carrying the remainder between pushes. Holds at most one partial frame.
#[derive(Debug, Clone)]
pub struct G711Framer {
    pending: G711Frame,
    filled: usize,
}

impl G711Framer {
    /// A framer for bytes in `law`.
    pub fn new(law: Law) -> Self {
        Self {
            pending: G711Frame::silence(law),
            filled: 0,
        }
    }

    /// Adds bytes and calls `on_frame` for every frame completed, in order.
    pub fn push(&mut self, mut data: &[u8], mut on_frame: impl FnMut(&G711Frame)) {
        while !data.is_empty() {
            let take = (G711_FRAME_LEN - self.filled).min(data.len());
            self.pending.bytes[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == G711_FRAME_LEN {
                on_frame(&self.pending);
                self.filled = 0;
            }
        }
    }

    /// Bytes held back waiting for a full frame.
    pub fn pending_len(&self) -> usize {
        self.filled
    }

    /// Completes the partial frame, if any, with silence and returns it.
    pub fn flush(&mut self) -> Option<G711Frame> {
        if self.filled == 0 {
            return None;
        }
        let silence = self.pending.law.silence();
        self.pending.bytes[self.filled..].fill(silence);
        self.filled = 0;
        Some(self.pending)
    }

    /// Drops any partial frame (on barge-in, say).
    pub fn clear(&mut self) {
        self.filled = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_frame_needs_exactly_160_bytes() {
        assert_eq!(
            G711Frame::from_bytes(Law::Ulaw, &[0; 159]),
            Err(FrameError::WrongLength(159))
        );
        let f = G711Frame::from_bytes(Law::Ulaw, &[0x55; 160]).unwrap();
        assert_eq!(f.as_bytes(), &[0x55; 160]);
        assert_eq!(f.law(), Law::Ulaw);
    }

    #[test]
    fn decode_then_encode_round_trips() {
        for law in [Law::Ulaw, Law::Alaw] {
            let mut bytes = [0u8; 160];
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = (i as u8).wrapping_mul(37) | 0x80; // avoid mu-law -0 (0x7F)
            }
            let frame = G711Frame::from_bytes(law, &bytes).unwrap();
            let mut pcm = PcmFrame::silence(16000).unwrap();
            frame.decode_into(&mut pcm);
            assert_eq!((pcm.rate(), pcm.samples().len()), (8000, 160));
            assert_eq!(pcm.duration_us(), 20_000);
            let mut back = G711Frame::silence(law);
            back.encode_from(&pcm).unwrap();
            assert_eq!(back, frame);
            assert_eq!(back.level(), pcm.level());
        }
    }

    #[test]
    fn encode_checks_rate_and_length() {
        let mut f = G711Frame::silence(Law::Ulaw);
        let pcm16 = PcmFrame::silence(16000).unwrap();
        assert_eq!(
            f.encode_from(&pcm16),
            Err(FrameError::WrongRate {
                expected: 8000,
                got: 16000
            })
        );
        let mut short = PcmFrame::silence(8000).unwrap();
        short.copy_from(8000, &[0; 80]).unwrap();
        assert_eq!(f.encode_from(&short), Err(FrameError::WrongLength(80)));
    }

    #[test]
    fn pcm_frame_limits() {
        assert!(PcmFrame::silence(96_000).is_err());
        assert!(PcmFrame::silence(8_010).is_err());
        assert_eq!(PcmFrame::silence(44_100).unwrap().samples().len(), 882);
        assert_eq!(PcmFrame::silence(48_000).unwrap().samples().len(), 960);
        let mut f = PcmFrame::silence(8000).unwrap();
        assert_eq!(
            f.copy_from(8000, &[0; 1441]),
            Err(FrameError::TooLong(1441))
        );
        assert_eq!(
            f.copy_from(0, &[0; 10]),
            Err(FrameError::UnsupportedRate(0))
        );
        f.copy_from(16000, &[7; 320]).unwrap();
        f.samples_mut()[0] = 1;
        assert_eq!(f.samples()[..2], [1, 7]);
    }

    #[test]
    fn framer_cuts_any_chunking_into_the_same_frames() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut expected = Vec::new();
        for chunk in data.chunks(160).filter(|c| c.len() == 160) {
            expected.push(G711Frame::from_bytes(Law::Ulaw, chunk).unwrap());
        }
        for step in [1, 3, 159, 160, 161, 500, 1000] {
            let mut framer = G711Framer::new(Law::Ulaw);
            let mut got = Vec::new();
            for chunk in data.chunks(step) {
                framer.push(chunk, |f| got.push(*f));
            }
            assert_eq!(got, expected, "step {step}");
            assert_eq!(framer.pending_len(), 1000 % 160);
            let last = framer.flush().unwrap();
            assert_eq!(&last.as_bytes()[..40], &data[960..]);
            assert!(last.as_bytes()[40..].iter().all(|&b| b == 0xFF));
            assert_eq!(framer.flush(), None);
        }
        let mut framer = G711Framer::new(Law::Alaw);
        framer.push(&[1, 2, 3], |_| unreachable!());
        framer.clear();
        assert_eq!(framer.pending_len(), 0);
    }
}
