//! The two sides of the conversation as the loop tracks them: what the caller has said in
//! the turn under way, and what the agent is saying.

use std::time::Duration;

use switchboard_providers::stt::Transcript;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::brain::TurnId;
use crate::records::TurnLatency;

/// The caller's turn being gathered from the transcripts.
#[derive(Debug, Default)]
pub(crate) struct CallerTurn {
    /// Final transcripts so far, joined.
    text: String,
    /// The latest partial transcript after them.
    pub(crate) interim: String,
    /// Audio offsets of the first and last word heard, from the transcripts.
    first_word: Option<Duration>,
    last_word_end: Option<Duration>,
    /// Our VAD: the caller is speaking now, since when.
    pub(crate) speaking_since: Option<Instant>,
    /// Our VAD: when the caller last stopped speaking.
    pub(crate) stopped_at: Option<Instant>,
    /// How long the last stretch of speech lasted, once it is over.
    last_stretch_ms: u64,
}

impl CallerTurn {
    pub(crate) fn absorb(&mut self, transcript: &Transcript) {
        if !transcript.is_final {
            self.interim.clone_from(&transcript.text);
            return;
        }
        self.interim.clear();
        let text = transcript.text.trim();
        if text.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(text);
        let start = transcript
            .words
            .first()
            .map_or(transcript.start, |w| w.start);
        let end = transcript
            .words
            .last()
            .map_or(transcript.start + transcript.duration, |w| w.end);
        self.first_word.get_or_insert(start);
        self.last_word_end = Some(end);
    }

    /// Everything heard so far, finals and the partial after them.
    pub(crate) fn heard(&self) -> String {
        match (self.text.is_empty(), self.interim.trim().is_empty()) {
            (_, true) => self.text.clone(),
            (true, false) => self.interim.trim().to_owned(),
            (false, false) => format!("{} {}", self.text, self.interim.trim()),
        }
    }

    pub(crate) fn has_words(&self) -> bool {
        !self.text.is_empty() || !self.interim.trim().is_empty()
    }

    /// The caller started speaking.
    pub(crate) fn started(&mut self, now: Instant) {
        self.speaking_since = Some(now);
    }

    /// The caller stopped speaking.
    pub(crate) fn stopped(&mut self, now: Instant) {
        self.last_stretch_ms = self.speech_ms(now);
        self.speaking_since = None;
        self.stopped_at = Some(now);
    }

    /// How long the caller has been speaking in this stretch of speech, or how long the last
    /// stretch lasted once it is over.
    pub(crate) fn speech_ms(&self, now: Instant) -> u64 {
        self.speaking_since.map_or(self.last_stretch_ms, |since| {
            now.saturating_duration_since(since).as_millis() as u64
        })
    }

    /// Takes the turn's text (finals, or the partial when no final came) and its audio span.
    pub(crate) fn take(&mut self) -> (String, Option<(Duration, Duration)>) {
        let text = self.heard();
        let span = self.first_word.zip(self.last_word_end);
        self.text.clear();
        self.interim.clear();
        self.first_word = None;
        self.last_word_end = None;
        (text, span)
    }

    /// Forgets what was said (a backchannel the agent talked through).
    pub(crate) fn discard(&mut self) {
        self.take();
    }
}

/// Why the agent is speaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplyKind {
    /// An answer from the model.
    Answer,
    /// A fixed line: the greeting, a reprompt, a warning.
    Line,
    /// The last words before hanging up.
    Goodbye,
}

/// The agent turn under way.
#[derive(Debug)]
pub(crate) struct Speaking {
    pub(crate) turn: TurnId,
    pub(crate) token: CancellationToken,
    pub(crate) kind: ReplyKind,
    /// Its transcript entry.
    pub(crate) seq: u32,
    /// Its chunks, as played segments: text and audio length.
    pub(crate) segments: Vec<(String, u64)>,
    pub(crate) audio_started: Option<Instant>,
    /// Time the turn spent paused (caller speech that turned out not to interrupt).
    pub(crate) paused_for: Duration,
    /// The conversation history before this reply added to it.
    pub(crate) history_len: usize,
    /// `None` for fixed lines.
    pub(crate) latency: Option<TurnLatency>,
    /// The end of caller speech this turn answers, the origin of `latency`.
    pub(crate) trigger: Option<Instant>,
}

impl Speaking {
    pub(crate) fn full_text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|(t, _)| t.as_str()).collect();
        parts.join(" ")
    }

    /// What the caller has heard by the wall clock (audio started, less pauses), when the
    /// session's own account is not available.
    pub(crate) fn played_by_clock(&self) -> u64 {
        self.audio_started.map_or(0, |started| {
            let heard = started.elapsed().saturating_sub(self.paused_for);
            (heard.as_millis() as u64).min(self.audio_ms())
        })
    }

    pub(crate) fn audio_ms(&self) -> u64 {
        self.segments.iter().map(|(_, ms)| ms).sum()
    }

    /// The words the caller heard of `played_ms` of audio (see [`heard_words`]).
    pub(crate) fn heard_text(&self, played_ms: u64) -> String {
        heard_words(&self.segments, played_ms)
    }

    /// Ms since `trigger`, saturating into a `u32`.
    pub(crate) fn since_trigger(&self, at: Instant) -> Option<u32> {
        self.trigger
            .map(|t| u32::try_from(at.saturating_duration_since(t).as_millis()).unwrap_or(u32::MAX))
    }
}

/// The words a caller heard of `played_ms` of audio made of `segments` (text, audio ms) in
/// order: whole segments, then the share of the next one's words that its played share
/// covers.
pub(crate) fn heard_words(segments: &[(String, u64)], played_ms: u64) -> String {
    let mut left = played_ms;
    let mut heard: Vec<String> = Vec::new();
    for (text, ms) in segments {
        if left >= *ms {
            heard.push(text.clone());
            left -= ms;
            continue;
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let share = (words.len() as u64 * left / (*ms).max(1)) as usize;
        if share > 0 {
            heard.push(words[..share].join(" "));
        }
        break;
    }
    heard.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaking(segments: &[(&str, u64)]) -> Speaking {
        Speaking {
            turn: TurnId(1),
            token: CancellationToken::new(),
            kind: ReplyKind::Answer,
            seq: 0,
            segments: segments
                .iter()
                .map(|(t, ms)| ((*t).to_owned(), *ms))
                .collect(),
            audio_started: None,
            paused_for: Duration::ZERO,
            history_len: 0,
            latency: None,
            trigger: None,
        }
    }

    #[test]
    fn heard_text_keeps_whole_segments_and_a_share_of_the_next() {
        let s = speaking(&[
            ("Hello there.", 1000),
            ("I can help you with that today.", 2800),
        ]);
        assert_eq!(s.heard_text(0), "");
        assert_eq!(s.heard_text(499), "");
        assert_eq!(s.heard_text(999), "Hello");
        assert_eq!(s.heard_text(1000), "Hello there.");
        // 1400 of 2800 ms: half of seven words.
        assert_eq!(s.heard_text(2400), "Hello there. I can help");
        assert_eq!(s.heard_text(10_000), s.full_text());
        assert_eq!(s.audio_ms(), 3800);
    }

    #[test]
    fn caller_turn_joins_finals_and_falls_back_to_the_partial() {
        let mut turn = CallerTurn::default();
        let t = |text: &str, is_final| Transcript {
            text: text.into(),
            confidence: 1.0,
            start: Duration::from_millis(500),
            duration: Duration::from_millis(700),
            is_final,
            speech_final: false,
            from_finalize: false,
            channel: 0,
            words: Vec::new(),
        };
        turn.absorb(&t("book a", false));
        assert_eq!(turn.heard(), "book a");
        turn.absorb(&t("book a table", true));
        turn.absorb(&t("for", false));
        assert_eq!(turn.heard(), "book a table for");
        let (text, span) = turn.take();
        assert_eq!(text, "book a table for");
        assert_eq!(
            span,
            Some((Duration::from_millis(500), Duration::from_millis(1200)))
        );
        assert!(!turn.has_words());
    }
}
