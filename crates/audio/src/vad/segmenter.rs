//! The onset / hangover state machine that turns per-block classes into speech segments.

use super::{FrameKind, VadEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// No speech. `lead_in` is where a run of unvoiced blocks began, if one is running.
    Silence { lead_in: Option<u64> },
    /// Voiced blocks seen since `start`, `voiced` samples of them so far.
    Onset { start: u64, voiced: u64 },
    /// In speech.
    Speech,
    /// In speech, but quiet since `end`.
    Hangover { end: u64 },
}

/// Durations in samples; see [`super::VadConfig`].
#[derive(Debug, Clone)]
pub(super) struct Segmenter {
    onset: u64,
    hangover: u64,
    max_lead_in: u64,
    state: State,
    clock: u64,
}

impl Segmenter {
    pub(super) fn new(onset: u64, hangover: u64, max_lead_in: u64) -> Self {
        Self {
            onset,
            hangover,
            max_lead_in,
            state: State::Silence { lead_in: None },
            clock: 0,
        }
    }

    /// Samples consumed so far (the timestamp of the next block's first sample).
    pub(super) fn clock(&self) -> u64 {
        self.clock
    }

    pub(super) fn in_speech(&self) -> bool {
        matches!(self.state, State::Speech | State::Hangover { .. })
    }

    pub(super) fn reset(&mut self) {
        self.state = State::Silence { lead_in: None };
        self.clock = 0;
    }

    /// Feeds one block of `len` samples classified as `kind`; returns the event it completes.
    pub(super) fn push(&mut self, len: u64, kind: FrameKind) -> Option<VadEvent> {
        let begin = self.clock;
        let end = begin + len;
        self.clock = end;
        match (self.state, kind) {
            (State::Silence { .. }, FrameKind::Background) => {
                self.state = State::Silence { lead_in: None };
                None
            }
            (State::Silence { lead_in }, FrameKind::Unvoiced) => {
                self.state = State::Silence {
                    lead_in: Some(lead_in.unwrap_or(begin)),
                };
                None
            }
            (State::Silence { lead_in }, FrameKind::Voiced) => {
                // A fricative or breath right before the voiced part belongs to the word.
                let start =
                    lead_in.map_or(begin, |l| l.max(begin.saturating_sub(self.max_lead_in)));
                self.state = State::Onset { start, voiced: 0 };
                self.count_voiced(len)
            }
            (State::Onset { .. }, FrameKind::Background) => {
                self.state = State::Silence { lead_in: None };
                None
            }
            // Unvoiced blocks inside an onset neither break nor advance it.
            (State::Onset { .. }, FrameKind::Unvoiced) => None,
            (State::Onset { .. }, FrameKind::Voiced) => self.count_voiced(len),
            (State::Speech, FrameKind::Background) => {
                self.state = State::Hangover { end: begin };
                self.check_hangover(end, begin)
            }
            (State::Speech, _) => None,
            (State::Hangover { .. }, FrameKind::Voiced | FrameKind::Unvoiced) => {
                self.state = State::Speech;
                None
            }
            (State::Hangover { end: quiet_since }, FrameKind::Background) => {
                self.check_hangover(end, quiet_since)
            }
        }
    }

    fn count_voiced(&mut self, len: u64) -> Option<VadEvent> {
        let State::Onset { start, voiced } = self.state else {
            return None;
        };
        let voiced = voiced + len;
        if voiced >= self.onset {
            self.state = State::Speech;
            Some(VadEvent::SpeechStart { at_sample: start })
        } else {
            self.state = State::Onset { start, voiced };
            None
        }
    }

    fn check_hangover(&mut self, now: u64, quiet_since: u64) -> Option<VadEvent> {
        if now - quiet_since >= self.hangover {
            self.state = State::Silence { lead_in: None };
            Some(VadEvent::SpeechEnd {
                at_sample: quiet_since,
            })
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FrameKind::{Background as B, Unvoiced as U, Voiced as V};

    /// Runs 10-sample blocks; returns (block index at which the event fired, event).
    fn run(seg: &mut Segmenter, kinds: &[FrameKind]) -> Vec<(usize, VadEvent)> {
        kinds
            .iter()
            .enumerate()
            .filter_map(|(i, &k)| seg.push(10, k).map(|e| (i, e)))
            .collect()
    }

    #[test]
    fn onset_and_hangover() {
        let mut seg = Segmenter::new(30, 20, 0);
        let events = run(&mut seg, &[B, V, V, B, V, V, V, V, B, V, B, B, B]);
        assert_eq!(
            events,
            [
                (6, VadEvent::SpeechStart { at_sample: 40 }),
                (11, VadEvent::SpeechEnd { at_sample: 100 }),
            ]
        );
        assert!(!seg.in_speech());
        assert_eq!(seg.clock(), 130);
    }

    #[test]
    fn zero_onset_starts_on_the_first_voiced_block() {
        let mut seg = Segmenter::new(0, 10, 0);
        assert_eq!(
            run(&mut seg, &[B, V, B]),
            [
                (1, VadEvent::SpeechStart { at_sample: 10 }),
                (2, VadEvent::SpeechEnd { at_sample: 20 }),
            ]
        );
    }

    #[test]
    fn unvoiced_lead_in_is_part_of_the_segment_but_alone_is_not_speech() {
        let mut seg = Segmenter::new(20, 20, 30);
        // A burst of unvoiced blocks that never turns voiced: nothing.
        assert!(run(&mut seg, &[U, U, U, B, B]).is_empty());
        // Fricative then vowel: the start goes back to the fricative, capped at 30 samples.
        let events = run(&mut seg, &[U, U, U, U, V, U, V, B, B]);
        assert_eq!(events[0], (6, VadEvent::SpeechStart { at_sample: 50 + 10 }));
        // Unvoiced blocks in speech and hangover keep the segment going.
        assert_eq!(events[1], (8, VadEvent::SpeechEnd { at_sample: 120 }));
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn speech_resumed_during_hangover_continues_the_segment() {
        let mut seg = Segmenter::new(10, 30, 0);
        let events = run(&mut seg, &[V, B, B, V, B, B, B]);
        assert_eq!(
            events,
            [
                (0, VadEvent::SpeechStart { at_sample: 0 }),
                (6, VadEvent::SpeechEnd { at_sample: 40 }),
            ]
        );
        seg.reset();
        assert_eq!(seg.clock(), 0);
    }
}
