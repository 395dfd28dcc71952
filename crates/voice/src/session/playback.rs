//! What the caller has heard: the engine's table of turns, fed by the writer's reports and
//! the carrier's mark echoes.
//!
//! A mark echo is the carrier's word that everything before the mark has played; between
//! marks, and for carriers that are slow to echo, the writer's clock (frames sent minus the
//! audio still queued at the carrier) fills in. After a `clear` the carrier echoes every
//! pending mark at once; those echoes are counted but do not move the position.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::marks::MarkId;
use crate::brain::TurnId;
use crate::report::TurnReport;

/// How long past its expected end a turn counts as still playing without its final echo.
const ECHO_GRACE: Duration = Duration::from_millis(500);

#[derive(Debug)]
struct TurnState {
    id: TurnId,
    token: CancellationToken,
    /// End of the caller speech the turn answers.
    trigger: Option<Instant>,
    first_frame_at: Option<Instant>,
    /// Audio sent, as far as the writer has reported.
    sent_ms: u64,
    /// Audio confirmed played by mark echoes.
    confirmed_ms: u64,
    /// All audio sent; the carrier should finish it by then.
    play_end: Option<Instant>,
    /// The final mark came back: all of it played.
    played_all: bool,
    /// Barge-in: what had been played when it was cut.
    interrupted: Option<u64>,
    /// Paused since then (the caller may be interrupting): the clock estimate stands still.
    paused_at: Option<Instant>,
}

impl TurnState {
    /// Not finished playing and not interrupted.
    fn is_live(&self, now: Instant) -> bool {
        self.interrupted.is_none()
            && !self.played_all
            && self.play_end.is_none_or(|end| now < end + ECHO_GRACE)
    }

    /// Played so far: marks, or the clock since the first frame where it says more.
    fn played_ms(&self, now: Instant) -> u64 {
        if let Some(played) = self.interrupted {
            return played;
        }
        if self.played_all {
            return self.sent_ms;
        }
        let clock_now = self.paused_at.unwrap_or(now);
        let by_clock = self.first_frame_at.map_or(0, |at| {
            clock_now.saturating_duration_since(at).as_millis() as u64
        });
        self.confirmed_ms.max(by_clock.min(self.sent_ms))
    }
}

/// What an echoed mark meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Echo {
    /// A segment of a live turn played.
    Segment {
        turn: TurnId,
        segment: u32,
        played_ms: u64,
    },
    /// All of a turn played.
    TurnPlayed { turn: TurnId, played_ms: u64 },
    /// An echo for an interrupted turn (flushed by `clear`): no news.
    Stale,
    /// Not a mark we have pending.
    Unknown,
}

#[derive(Debug, Default)]
pub(crate) struct Playback {
    turns: Vec<TurnState>,
    /// Marks sent and not yet echoed, with the turn's audio before each.
    pending: VecDeque<(MarkId, u64)>,
    pub(crate) marks_echoed: u64,
    pub(crate) unknown_marks: u64,
}

impl Playback {
    fn turn_mut(&mut self, id: TurnId) -> Option<&mut TurnState> {
        // Recent turns are at the end.
        self.turns.iter_mut().rev().find(|t| t.id == id)
    }

    pub(crate) fn begin(&mut self, id: TurnId, token: CancellationToken, trigger: Option<Instant>) {
        self.turns.push(TurnState {
            id,
            token,
            trigger,
            first_frame_at: None,
            sent_ms: 0,
            confirmed_ms: 0,
            play_end: None,
            played_all: false,
            interrupted: None,
            paused_at: None,
        });
    }

    pub(crate) fn first_frame(&mut self, id: TurnId, at: Instant) {
        if let Some(turn) = self.turn_mut(id) {
            turn.first_frame_at.get_or_insert(at);
        }
    }

    pub(crate) fn mark_sent(&mut self, mark: MarkId, turn_ms: u64) {
        if let Some(turn) = self.turn_mut(mark.turn()) {
            turn.sent_ms = turn.sent_ms.max(turn_ms);
        }
        self.pending.push_back((mark, turn_ms));
    }

    pub(crate) fn turn_sent(&mut self, id: TurnId, sent_ms: u64, play_end: Instant) {
        if let Some(turn) = self.turn_mut(id) {
            turn.sent_ms = turn.sent_ms.max(sent_ms);
            turn.play_end = Some(play_end);
        }
    }

    /// The writer's last word on the turn it sent last (at session end).
    pub(crate) fn sent_total(&mut self, id: TurnId, sent_ms: u64) {
        if let Some(turn) = self.turn_mut(id) {
            turn.sent_ms = turn.sent_ms.max(sent_ms);
        }
    }

    pub(crate) fn echo(&mut self, mark: Option<MarkId>) -> Echo {
        let found = mark.and_then(|m| self.pending.iter().position(|(p, _)| *p == m));
        let Some(index) = found else {
            self.unknown_marks += 1;
            return Echo::Unknown;
        };
        let (mark, turn_ms) = self.pending.remove(index).expect("index is in range");
        self.marks_echoed += 1;
        let Some(turn) = self.turn_mut(mark.turn()) else {
            return Echo::Stale;
        };
        if turn.interrupted.is_some() {
            return Echo::Stale;
        }
        turn.confirmed_ms = turn.confirmed_ms.max(turn_ms);
        match mark {
            MarkId::Segment { turn: id, segment } => Echo::Segment {
                turn: id,
                segment,
                played_ms: turn.confirmed_ms,
            },
            MarkId::End { turn: id } => {
                turn.played_all = true;
                Echo::TurnPlayed {
                    turn: id,
                    played_ms: turn.sent_ms,
                }
            }
        }
    }

    /// The turn the caller may be hearing now (live, with audio sent), and how much of it
    /// has played.
    pub(crate) fn audible(&self, now: Instant) -> Option<(TurnId, u64)> {
        self.turns
            .iter()
            .rev()
            .find(|t| t.is_live(now) && t.first_frame_at.is_some())
            .map(|t| (t.id, t.played_ms(now)))
    }

    /// The writer holds its audio: the audible turn's clock stops. Returns that turn and
    /// what it has played; `None` when the agent is silent.
    pub(crate) fn pause(&mut self, now: Instant) -> Option<(TurnId, u64)> {
        let (id, played) = self.audible(now)?;
        if let Some(turn) = self.turn_mut(id) {
            turn.paused_at = Some(now);
        }
        Some((id, played))
    }

    /// The writer carries on: paused clocks restart where they stood.
    pub(crate) fn resume(&mut self, now: Instant) {
        for turn in &mut self.turns {
            if let Some(paused_at) = turn.paused_at.take() {
                let held = now.saturating_duration_since(paused_at);
                turn.first_frame_at = turn.first_frame_at.map(|at| at + held);
                turn.play_end = turn.play_end.map(|end| end + held);
            }
        }
    }

    /// Caller speech while the agent may be audible: if a live turn has sent audio, cancels
    /// every live turn and returns the audible one (the latest with audio). `None` when the
    /// agent is silent, which is not a barge-in.
    pub(crate) fn barge_in(&mut self, now: Instant) -> Option<TurnId> {
        let target = self
            .turns
            .iter()
            .rev()
            .find(|t| t.is_live(now) && t.first_frame_at.is_some())?
            .id;
        for turn in self.turns.iter_mut().filter(|t| t.is_live(now)) {
            turn.token.cancel();
            // Provisional, until the writer reports what it had sent.
            turn.interrupted = Some(turn.confirmed_ms);
        }
        Some(target)
    }

    /// The writer sent `clear`: settles how much of `target` was played. `writer_turn` is
    /// the turn the writer sent last, with its sent total and clock estimate of played audio.
    pub(crate) fn settle(
        &mut self,
        target: TurnId,
        writer_turn: Option<TurnId>,
        sent_ms: u64,
        played_by_clock: u64,
    ) -> u64 {
        let Some(turn) = self.turn_mut(target) else {
            return 0;
        };
        let played = if writer_turn == Some(target) {
            turn.sent_ms = turn.sent_ms.max(sent_ms);
            turn.confirmed_ms.max(played_by_clock).min(turn.sent_ms)
        } else {
            turn.confirmed_ms
        };
        turn.interrupted = Some(played);
        played
    }

    pub(crate) fn report(&self, now: Instant) -> Vec<TurnReport> {
        self.turns
            .iter()
            .map(|t| TurnReport {
                turn: t.id,
                response_ms: t
                    .trigger
                    .zip(t.first_frame_at)
                    .map(|(spoke, sent)| sent.saturating_duration_since(spoke).as_millis() as u64),
                sent_ms: t.sent_ms,
                played_ms: t.played_ms(now),
                interrupted: t.interrupted.is_some(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn seg(turn: u32, segment: u32) -> MarkId {
        MarkId::Segment {
            turn: TurnId(turn),
            segment,
        }
    }

    #[test]
    fn echoes_advance_the_position_and_finish_the_turn() {
        let t0 = Instant::now();
        let mut pb = Playback::default();
        pb.begin(TurnId(1), CancellationToken::new(), Some(t0));
        pb.first_frame(TurnId(1), t0 + 5 * MS);
        pb.mark_sent(seg(1, 0), 200);
        pb.mark_sent(seg(1, 1), 400);
        pb.turn_sent(TurnId(1), 400, t0 + 405 * MS);
        pb.mark_sent(MarkId::End { turn: TurnId(1) }, 400);
        assert_eq!(
            pb.echo(Some(seg(1, 0))),
            Echo::Segment {
                turn: TurnId(1),
                segment: 0,
                played_ms: 200
            }
        );
        // Unknown and repeated names do not move anything.
        assert_eq!(pb.echo(Some(seg(1, 0))), Echo::Unknown);
        assert_eq!(pb.echo(None), Echo::Unknown);
        assert!(matches!(
            pb.echo(Some(seg(1, 1))),
            Echo::Segment { played_ms: 400, .. }
        ));
        assert_eq!(
            pb.echo(Some(MarkId::End { turn: TurnId(1) })),
            Echo::TurnPlayed {
                turn: TurnId(1),
                played_ms: 400
            }
        );
        assert_eq!((pb.marks_echoed, pb.unknown_marks), (3, 2));
        let report = pb.report(t0 + 10 * MS);
        assert_eq!(report[0].response_ms, Some(5));
        assert_eq!((report[0].sent_ms, report[0].played_ms), (400, 400));
        assert!(!report[0].interrupted);
        // Finished: no barge-in possible.
        assert_eq!(pb.barge_in(t0 + 500 * MS), None);
    }

    #[test]
    fn barge_in_cancels_live_turns_and_settles_played_audio() {
        let t0 = Instant::now();
        let mut pb = Playback::default();
        let (a, b) = (CancellationToken::new(), CancellationToken::new());
        pb.begin(TurnId(1), a.clone(), None);
        // Silent agent: not a barge-in.
        assert_eq!(pb.barge_in(t0), None);
        pb.first_frame(TurnId(1), t0);
        pb.mark_sent(seg(1, 0), 500);
        pb.begin(TurnId(2), b.clone(), None);
        assert_eq!(pb.barge_in(t0 + 300 * MS), Some(TurnId(1)));
        assert!(a.is_cancelled() && b.is_cancelled());
        assert_eq!(pb.settle(TurnId(1), Some(TurnId(1)), 620, 300), 300);
        // The flushed echo is stale.
        assert_eq!(pb.echo(Some(seg(1, 0))), Echo::Stale);
        let report = pb.report(t0 + 400 * MS);
        assert_eq!((report[0].sent_ms, report[0].played_ms), (620, 300));
        assert!(report[0].interrupted && report[1].interrupted);
        assert_eq!(report[1].played_ms, 0);
    }

    #[test]
    fn without_echoes_the_clock_estimates_and_the_turn_ends() {
        let t0 = Instant::now();
        let mut pb = Playback::default();
        pb.begin(TurnId(1), CancellationToken::new(), None);
        pb.first_frame(TurnId(1), t0);
        pb.turn_sent(TurnId(1), 1000, t0 + 1000 * MS);
        assert_eq!(pb.report(t0 + 250 * MS)[0].played_ms, 250);
        assert_eq!(pb.report(t0 + 5000 * MS)[0].played_ms, 1000);
        // Well past its end with no echo, the agent counts as silent.
        assert_eq!(pb.barge_in(t0 + 1600 * MS), None);
        assert_eq!(pb.barge_in(t0 + 900 * MS), Some(TurnId(1)));
    }
}
