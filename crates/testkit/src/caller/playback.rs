//! Twilio's playback side (digest §1.7 item 5): the queue the server's `media` frames feed.
//!
//! Audio plays in arrival order at 8 samples per ms of call time, starting as soon as it
//! arrives if nothing is playing. A `mark` is due once everything queued before it has
//! played; a `clear` drops what has not played yet and makes every pending mark due at
//! once. All positions are line samples on the call clock (see [`super::clock`]).

use std::collections::VecDeque;

use super::recording::Recording;

/// Marks are identified by the caller's own number for them (their index in the call log),
/// since a server may reuse a name.
#[derive(Debug)]
struct PendingMark {
    id: usize,
    /// Position at which the audio queued before the mark has played.
    due: u64,
}

#[derive(Debug)]
pub(crate) struct Playback {
    /// Everything queued, on the timeline; its end is where the queue runs dry.
    recording: Recording,
    pending: VecDeque<PendingMark>,
    /// Talk spurts so far: media arriving while nothing was playing starts one.
    spurts: u64,
    spurt_start: u64,
}

impl Playback {
    pub(crate) fn new(keep_audio: bool) -> Self {
        Playback {
            recording: Recording::new(keep_audio),
            pending: VecDeque::new(),
            spurts: 0,
            spurt_start: 0,
        }
    }

    /// Queues agent audio that arrived at `now`.
    pub(crate) fn media(&mut self, now: u64, mulaw: &[u8]) {
        if !self.playing(now) {
            self.recording.extend_to(now);
            self.spurts += 1;
            self.spurt_start = now;
        }
        self.recording.append(mulaw);
    }

    /// Queues a mark that arrived now; [`pop_due`](Self::pop_due) hands it back when due.
    pub(crate) fn mark(&mut self, id: usize) {
        let due = self.recording.end();
        self.pending.push_back(PendingMark { id, due });
    }

    /// The next mark whose audio has played by `now`, in the order the marks came.
    pub(crate) fn pop_due(&mut self, now: u64) -> Option<usize> {
        if self.pending.front()?.due <= now {
            self.pending.pop_front().map(|m| m.id)
        } else {
            None
        }
    }

    /// When the next pending mark falls due.
    pub(crate) fn next_due(&self) -> Option<u64> {
        self.pending.front().map(|m| m.due)
    }

    /// Drops the audio not yet played at `now`; returns how many samples went and the
    /// pending marks, all due at once.
    pub(crate) fn clear(&mut self, now: u64) -> (u64, Vec<usize>) {
        let dropped = self.recording.truncate(now);
        let marks = self.pending.drain(..).map(|m| m.id).collect();
        (dropped, marks)
    }

    /// Whether agent audio is still playing at `now`.
    pub(crate) fn playing(&self, now: u64) -> bool {
        self.recording.end() > now
    }

    /// Where the queue ran dry (meaningful when not [`playing`](Self::playing)).
    pub(crate) fn played_until(&self) -> u64 {
        self.recording.end()
    }

    pub(crate) fn spurts(&self) -> u64 {
        self.spurts
    }

    /// Where the latest talk spurt started.
    pub(crate) fn spurt_start(&self) -> u64 {
        self.spurt_start
    }

    pub(crate) fn into_recording(self) -> Recording {
        self.recording
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(playback: &mut Playback, now: u64) -> Vec<usize> {
        std::iter::from_fn(|| playback.pop_due(now)).collect()
    }

    #[test]
    fn mark_is_due_when_the_audio_before_it_has_played() {
        let mut playback = Playback::new(true);
        playback.media(1000, &[1; 800]); // plays 1000..1800
        playback.mark(0);
        playback.media(1100, &[2; 160]); // queued behind: 1800..1960
        playback.mark(1);
        assert_eq!(playback.next_due(), Some(1800));
        assert!(drain(&mut playback, 1799).is_empty());
        assert_eq!(drain(&mut playback, 1800), [0]);
        assert!(drain(&mut playback, 1959).is_empty());
        assert_eq!(drain(&mut playback, 5000), [1]);
        assert_eq!(playback.next_due(), None);
        let recording = playback.into_recording();
        assert_eq!(recording.end(), 1960);
        assert_eq!(&recording.mulaw()[..1000], &[0xFF; 1000][..]);
    }

    #[test]
    fn mark_on_an_idle_queue_is_due_at_once() {
        let mut playback = Playback::new(true);
        playback.media(0, &[1; 160]);
        playback.mark(7);
        assert_eq!(drain(&mut playback, 500), [7]);
    }

    #[test]
    fn clear_drops_unplayed_audio_and_releases_marks() {
        let mut playback = Playback::new(true);
        playback.media(0, &[1; 8000]);
        playback.mark(0);
        playback.mark(1);
        let (dropped, marks) = playback.clear(3000);
        assert_eq!((dropped, marks), (5000, vec![0, 1]));
        assert!(!playback.playing(3000));
        assert_eq!(playback.played_until(), 3000);
        assert_eq!(playback.into_recording().mulaw().len(), 3000);
    }

    #[test]
    fn counts_talk_spurts() {
        let mut playback = Playback::new(false);
        playback.media(100, &[1; 160]);
        playback.media(200, &[1; 160]); // still playing: same spurt
        assert_eq!((playback.spurts(), playback.spurt_start()), (1, 100));
        playback.media(900, &[1; 160]);
        assert_eq!((playback.spurts(), playback.spurt_start()), (2, 900));
        assert!(playback.playing(1000) && !playback.playing(1060));
    }
}
