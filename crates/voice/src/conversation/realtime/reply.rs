//! One response of the model as the brain tracks it: its assistant items (audio and
//! transcript), the turn that plays them, and what the caller heard of them.

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::brain::TurnId;
use crate::conversation::state::heard_words;
use crate::records::TurnLatency;

/// An assistant item of a response: its transcript so far and the audio received.
#[derive(Debug, Default)]
pub(super) struct Item {
    pub id: String,
    pub text: String,
    pub audio_ms: u64,
    /// Mu-law bytes received (8 a millisecond).
    bytes: u64,
    /// Its audio was dropped after a cut: it gets truncated to nothing.
    pub unheard: bool,
}

impl Item {
    pub(super) fn add_audio(&mut self, bytes: usize) {
        self.bytes += bytes as u64;
        self.audio_ms = self.bytes / 8;
    }
}

/// The turn playing a response.
#[derive(Debug)]
pub(super) struct Playing {
    pub turn: TurnId,
    pub token: CancellationToken,
}

/// A response, from `response.created` until the caller has heard it (or it was cut).
#[derive(Debug)]
pub(super) struct Reply {
    pub response_id: String,
    /// Its transcript entry.
    pub seq: u32,
    pub items: Vec<Item>,
    /// Begun at the first audio.
    pub playing: Option<Playing>,
    pub audio_started: Option<Instant>,
    /// `response.done` came.
    pub done: bool,
    /// Cut off: whatever else arrives for it is dropped.
    pub muted: bool,
    /// Answers caller speech detected at `trigger`; `None` for lines and tool follow-ups.
    pub latency: Option<TurnLatency>,
    pub trigger: Option<Instant>,
}

impl Reply {
    pub(super) fn new(response_id: String, seq: u32, trigger: Option<Instant>) -> Self {
        Reply {
            response_id,
            seq,
            items: Vec::new(),
            playing: None,
            audio_started: None,
            done: false,
            muted: false,
            latency: None,
            trigger,
        }
    }

    pub(super) fn turn(&self) -> Option<TurnId> {
        self.playing.as_ref().map(|p| p.turn)
    }

    pub(super) fn item(&mut self, id: &str) -> &mut Item {
        let index = match self.items.iter().position(|item| item.id == id) {
            Some(index) => index,
            None => {
                self.items.push(Item {
                    id: id.to_owned(),
                    ..Item::default()
                });
                self.items.len() - 1
            }
        };
        &mut self.items[index]
    }

    pub(super) fn audio_ms(&self) -> u64 {
        self.items.iter().map(|item| item.audio_ms).sum()
    }

    fn spoken(&self) -> Vec<(String, u64)> {
        self.items
            .iter()
            .filter(|item| item.audio_ms > 0 && !item.unheard)
            .map(|item| (item.text.trim().to_owned(), item.audio_ms))
            .collect()
    }

    /// Its whole transcript.
    pub(super) fn full_text(&self) -> String {
        let parts: Vec<String> = self.spoken().into_iter().map(|(text, _)| text).collect();
        parts.join(" ")
    }

    /// The words the caller heard of `played_ms` of its audio, in proportion within an item.
    pub(super) fn heard_text(&self, played_ms: u64) -> String {
        heard_words(&self.spoken(), played_ms)
    }

    /// Where to cut each item so the model's memory ends where the caller stopped hearing:
    /// `(item, audio_end_ms)` for every item not heard to its end.
    pub(super) fn truncations(&self, played_ms: u64) -> Vec<(String, u64)> {
        let mut left = played_ms;
        let mut cuts = Vec::new();
        for item in self.items.iter().filter(|item| item.audio_ms > 0) {
            let heard = if item.unheard {
                0
            } else {
                left.min(item.audio_ms)
            };
            left -= heard;
            if heard < item.audio_ms {
                cuts.push((item.id.clone(), heard));
            }
        }
        cuts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(items: &[(&str, &str, u64)]) -> Reply {
        let mut reply = Reply::new("resp_1".into(), 1, None);
        for (id, text, ms) in items {
            let item = reply.item(id);
            item.text = (*text).to_owned();
            item.audio_ms = *ms;
        }
        reply
    }

    #[test]
    fn a_cut_truncates_the_item_playing_and_everything_after_it() {
        let r = reply(&[
            ("item_a", "Hello there.", 1000),
            ("item_b", "How can I help you today?", 2000),
        ]);
        assert_eq!(r.audio_ms(), 3000);
        assert_eq!(r.full_text(), "Hello there. How can I help you today?");
        assert_eq!(
            r.truncations(1500),
            vec![("item_b".to_owned(), 500)],
            "the first item was heard to its end"
        );
        assert_eq!(
            r.truncations(400),
            vec![("item_a".to_owned(), 400), ("item_b".to_owned(), 0)]
        );
        assert!(r.truncations(3000).is_empty());
        // 1000 of 2000 ms of six words: three.
        assert_eq!(r.heard_text(2000), "Hello there. How can I");
    }

    #[test]
    fn unheard_items_are_cut_to_nothing_and_left_out_of_the_text() {
        let mut r = reply(&[("item_a", "Sure.", 800), ("item_b", "Let me see", 600)]);
        r.item("item_b").unheard = true;
        assert_eq!(r.truncations(800), vec![("item_b".to_owned(), 0)]);
        assert_eq!(r.full_text(), "Sure.");
    }
}
