//! The agent's audio as the caller heard it.

use std::path::Path;
use std::time::Duration;

use switchboard_audio::g711::ULAW_SILENCE;
use switchboard_audio::wav::{self, Encoding, WavSpec};

/// The outbound track on the call's timeline: sample `n` is what the caller's earpiece
/// played `n / 8` ms (call clock) after the call started, silence where nothing played.
/// Audio dropped by a `clear` before it played is not in it. Agent audio arriving while the
/// queue is dry starts at its arrival, so a late frame leaves a gap of silence.
///
/// With [`CallerConfig::record_audio`](super::CallerConfig) off only the length is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recording {
    audio: Vec<u8>,
    len: u64,
    kept: bool,
}

impl Recording {
    pub(crate) fn new(keep: bool) -> Self {
        Recording {
            kept: keep,
            ..Recording::default()
        }
    }

    /// Timeline length in samples: where the queued audio ends.
    pub(crate) fn end(&self) -> u64 {
        self.len
    }

    /// Pads with silence up to `position` (nothing played in between).
    pub(crate) fn extend_to(&mut self, position: u64) {
        if position > self.len {
            if self.kept {
                self.audio.resize(position as usize, ULAW_SILENCE);
            }
            self.len = position;
        }
    }

    pub(crate) fn append(&mut self, mulaw: &[u8]) {
        if self.kept {
            self.audio.extend_from_slice(mulaw);
        }
        self.len += mulaw.len() as u64;
    }

    /// Drops everything from `position` on; returns how many samples went.
    pub(crate) fn truncate(&mut self, position: u64) -> u64 {
        let dropped = self.len.saturating_sub(position);
        self.len -= dropped;
        if self.kept {
            self.audio.truncate(self.len as usize);
        }
        dropped
    }

    /// The mu-law 8 kHz samples (empty when audio was not kept).
    pub fn mulaw(&self) -> &[u8] {
        &self.audio
    }

    /// Whether the samples were kept (see [`CallerConfig::record_audio`](super::CallerConfig)).
    pub fn is_kept(&self) -> bool {
        self.kept
    }

    /// From the start of the call to the end of the last audio played.
    pub fn duration(&self) -> Duration {
        Duration::from_micros(self.len * 1000 / 8)
    }

    /// Whether `needle` appears, byte for byte, somewhere in the recording: the test for
    /// "the caller heard exactly this audio".
    pub fn contains(&self, needle: &[u8]) -> bool {
        needle.is_empty() || self.audio.windows(needle.len()).any(|w| w == needle)
    }

    /// Like [`contains`](Self::contains), but allows silence (`0xFF`) to have been inserted
    /// anywhere in `needle`: the test for "heard this audio, in order", robust to the queue
    /// running dry between frames that arrived late (a stalled sender, or a loaded test
    /// machine that read a burst of frames more than 20 ms apart).
    pub fn contains_with_gaps(&self, needle: &[u8]) -> bool {
        let needle: Vec<u8> = needle
            .iter()
            .copied()
            .filter(|&b| b != ULAW_SILENCE)
            .collect();
        let heard: Vec<u8> = self
            .audio
            .iter()
            .copied()
            .filter(|&b| b != ULAW_SILENCE)
            .collect();
        needle.is_empty() || heard.windows(needle.len()).any(|w| w == needle)
    }

    /// A mu-law 8 kHz mono WAV file of the recording.
    pub fn to_wav(&self) -> Vec<u8> {
        let spec = WavSpec {
            encoding: Encoding::Ulaw,
            sample_rate: 8000,
        };
        let mut out = Vec::with_capacity(self.audio.len() + 64);
        wav::write(spec, &self.audio, &mut out).expect("a call recording fits in a WAV file");
        out
    }

    /// Writes [`to_wav`](Self::to_wav) to `path`.
    pub fn save_wav(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, self.to_wav())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_silence_filled_timeline() {
        let mut recording = Recording::new(true);
        recording.extend_to(4);
        recording.append(&[1, 2, 3]);
        recording.extend_to(5); // already past: no-op
        assert_eq!(recording.mulaw(), [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]);
        assert_eq!(recording.truncate(5), 2);
        assert_eq!(recording.end(), 5);
        assert!(recording.contains(&[0xFF, 1]));
        assert!(!recording.contains(&[2]));
        recording.extend_to(7);
        recording.append(&[4, 5]);
        assert!(recording.contains_with_gaps(&[1, 4]) && !recording.contains(&[1, 4]));
        assert!(recording.contains_with_gaps(&[0xFF, 1, 0xFF, 4, 5]));
        assert!(!recording.contains_with_gaps(&[1, 5]));
    }

    #[test]
    fn writes_and_saves_a_mulaw_wav() {
        let mut recording = Recording::new(true);
        recording.append(&[7; 1600]);
        let file = recording.to_wav();
        let parsed = wav::parse(&file).unwrap();
        assert_eq!(parsed.spec.encoding, Encoding::Ulaw);
        assert_eq!(parsed.data, recording.mulaw());
        assert_eq!(recording.duration(), Duration::from_millis(200));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.wav");
        recording.save_wav(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), file);
    }

    #[test]
    fn can_keep_only_the_length() {
        let mut recording = Recording::new(false);
        recording.extend_to(10);
        recording.append(&[1; 6]);
        assert_eq!(recording.end(), 16);
        assert!(recording.mulaw().is_empty());
        assert!(!recording.is_kept());
    }
}
