//! Caller utterances for the brain: a short history ring so an utterance can begin before
//! the VAD declared it, and the audio of the utterance while it lasts.
//!
//! G.711 at 8 kHz is one byte per sample, so sample indices and byte offsets are the same.

use switchboard_audio::g711::Law;

use crate::brain::Utterance;

/// The last `capacity` bytes of caller audio, indexed by absolute sample number.
#[derive(Debug)]
pub(crate) struct History {
    ring: Box<[u8]>,
    /// Samples pushed since the stream started.
    total: u64,
}

impl History {
    pub(crate) fn new(capacity: usize) -> Self {
        History {
            ring: vec![0; capacity.max(1)].into_boxed_slice(),
            total: 0,
        }
    }

    /// Samples pushed so far: the index one past the newest sample.
    pub(crate) fn end(&self) -> u64 {
        self.total
    }

    pub(crate) fn push(&mut self, mut bytes: &[u8]) {
        let cap = self.ring.len();
        if bytes.len() > cap {
            self.total += (bytes.len() - cap) as u64;
            bytes = &bytes[bytes.len() - cap..];
        }
        while !bytes.is_empty() {
            let at = (self.total % cap as u64) as usize;
            let n = (cap - at).min(bytes.len());
            self.ring[at..at + n].copy_from_slice(&bytes[..n]);
            self.total += n as u64;
            bytes = &bytes[n..];
        }
    }

    /// Appends samples `from..end()` to `out` (clipped to what the ring still holds, and
    /// to at most `limit` bytes). Returns the index of the first sample copied.
    pub(crate) fn copy_since(&self, from: u64, limit: usize, out: &mut Vec<u8>) -> u64 {
        let cap = self.ring.len() as u64;
        let oldest = self.total.saturating_sub(cap);
        let from = from.clamp(oldest, self.total);
        let end = self.total.min(from.saturating_add(limit as u64));
        let mut at = from;
        while at < end {
            let pos = (at % cap) as usize;
            let n = ((cap - at % cap).min(end - at)) as usize;
            out.extend_from_slice(&self.ring[pos..pos + n]);
            at += n as u64;
        }
        from
    }
}

/// An utterance being captured.
#[derive(Debug)]
struct Active {
    /// Sample index of `audio[0]` (padding included).
    first_sample: u64,
    /// Where the VAD says the speech began.
    speech_start: u64,
    audio: Vec<u8>,
    truncated: bool,
}

/// Collects the caller's audio between the VAD's `SpeechStart` and `SpeechEnd`.
#[derive(Debug)]
pub(crate) struct Capture {
    law: Law,
    history: History,
    /// Samples of padding on each side.
    padding: u64,
    /// Largest utterance in bytes; 0 means capture is off.
    max_bytes: usize,
    active: Option<Active>,
}

impl Capture {
    /// `history_samples` must cover how far before its detection the VAD can date a start.
    pub(crate) fn new(law: Law, padding: u64, max_bytes: usize, history_samples: usize) -> Self {
        Capture {
            law,
            history: History::new(history_samples),
            padding,
            max_bytes,
            active: None,
        }
    }

    /// Records caller audio; call before feeding the same audio to the VAD.
    pub(crate) fn push(&mut self, audio: &[u8]) {
        self.history.push(audio);
        if let Some(active) = &mut self.active
            && self.max_bytes > 0
        {
            let room = self.max_bytes.saturating_sub(active.audio.len());
            if room < audio.len() {
                active.truncated = true;
            }
            active
                .audio
                .extend_from_slice(&audio[..room.min(audio.len())]);
        }
    }

    /// The VAD declared speech from `at_sample`.
    pub(crate) fn start(&mut self, at_sample: u64) {
        let mut audio = Vec::new();
        let first_sample = if self.max_bytes > 0 {
            // About two seconds up front; long utterances grow it a few times.
            audio.reserve(self.max_bytes.min(16_000));
            let from = at_sample.saturating_sub(self.padding);
            self.history.copy_since(from, self.max_bytes, &mut audio)
        } else {
            at_sample
        };
        let truncated =
            self.max_bytes > 0 && self.history.end() - first_sample > self.max_bytes as u64;
        self.active = Some(Active {
            first_sample,
            speech_start: at_sample,
            audio,
            truncated,
        });
    }

    /// The VAD declared the end of speech at `at_sample`; the utterance, if one was open.
    pub(crate) fn end(&mut self, at_sample: u64) -> Option<Utterance> {
        let mut active = self.active.take()?;
        let keep = (at_sample + self.padding).saturating_sub(active.first_sample);
        active
            .audio
            .truncate(usize::try_from(keep).unwrap_or(usize::MAX));
        let speech = at_sample.saturating_sub(active.speech_start);
        Some(Utterance {
            audio: active.audio,
            law: self.law,
            speech_ms: speech / 8,
            started_at_ms: active.speech_start / 8,
            truncated: active.truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(from: u64, n: usize) -> Vec<u8> {
        (from..from + n as u64).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn history_keeps_the_newest_bytes_across_wraps() {
        let mut h = History::new(100);
        for k in 0..7 {
            h.push(&ramp(k * 37, 37));
        }
        assert_eq!(h.end(), 259);
        let mut out = Vec::new();
        assert_eq!(h.copy_since(200, usize::MAX, &mut out), 200);
        assert_eq!(out, ramp(200, 59));
        out.clear();
        // Older than the ring holds: clipped to the oldest kept sample.
        assert_eq!(h.copy_since(0, 10, &mut out), 159);
        assert_eq!(out, ramp(159, 10));
        // A push larger than the ring keeps its tail.
        h.push(&ramp(259, 250));
        out.clear();
        assert_eq!(h.copy_since(0, usize::MAX, &mut out), 409);
        assert_eq!(out, ramp(409, 100));
    }

    #[test]
    fn an_utterance_is_padded_on_both_sides() {
        let audio = ramp(0, 4000);
        let mut cap = Capture::new(Law::Ulaw, 80, 10_000, 1000);
        for chunk in audio[..1600].chunks(160) {
            cap.push(chunk);
        }
        // Speech dated at 1000, declared at 1600.
        cap.start(1000);
        for chunk in audio[1600..].chunks(160) {
            cap.push(chunk);
        }
        let utt = cap.end(3000).unwrap();
        assert_eq!(utt.audio, audio[920..3080]);
        assert_eq!((utt.speech_ms, utt.started_at_ms), (250, 125));
        assert!(!utt.truncated);
        assert_eq!(cap.end(3100), None);
    }

    #[test]
    fn long_utterances_are_truncated_and_capture_can_be_off() {
        let mut cap = Capture::new(Law::Alaw, 0, 500, 1000);
        cap.push(&[1; 160]);
        cap.start(0);
        for _ in 0..10 {
            cap.push(&[2; 160]);
        }
        let utt = cap.end(1760).unwrap();
        assert_eq!(utt.audio.len(), 500);
        assert!(utt.truncated);
        assert_eq!(utt.law, Law::Alaw);

        let mut off = Capture::new(Law::Ulaw, 80, 0, 1000);
        off.push(&[1; 160]);
        off.start(100);
        off.push(&[1; 160]);
        let utt = off.end(300).unwrap();
        assert!(utt.audio.is_empty() && !utt.truncated);
        assert_eq!(utt.speech_ms, 25);
    }
}
