//! Collects what happens during a call, in wall time since `connected`, and becomes the
//! [`CallReport`].

use std::time::Duration;

use super::recording::Recording;
use super::report::{
    BargeInTiming, CallEnd, CallReport, ClearRecord, CloseRecord, MarkRecord, OutboundPacing,
    PacingStats, ProtocolError, ProtocolViolation, TurnTiming,
};
use super::runner::SpeechCue;

#[derive(Debug, Default)]
pub(crate) struct CallLog {
    pub frames_received: u64,
    pub agent_audio_bytes: u64,
    pub dtmf_sent: u64,
    marks: Vec<MarkRecord>,
    clears: Vec<ClearRecord>,
    protocol_errors: Vec<ProtocolError>,
    turns: Vec<TurnTiming>,
    barge_ins: Vec<BargeInTiming>,
    /// The turn whose answer has not started yet.
    awaiting_answer: Option<usize>,
    /// The barge-in whose `clear` has not come yet.
    awaiting_clear: Option<usize>,
    /// The barge-in after which the agent has not fallen silent yet.
    awaiting_silence: Option<usize>,
    pub server_close: Option<CloseRecord>,
}

impl CallLog {
    /// A frame carrying an utterance's first or last speech went out at `at`.
    pub(crate) fn speech_sent(&mut self, cue: SpeechCue, at: Duration) {
        if cue.onset && cue.barge_in {
            self.awaiting_clear = Some(self.barge_ins.len());
            self.awaiting_silence = Some(self.barge_ins.len());
            self.barge_ins.push(BargeInTiming {
                step: cue.step,
                onset_at: at,
                clear_at: None,
                silenced_at: None,
            });
        }
        if cue.end {
            self.awaiting_answer = Some(self.turns.len());
            self.turns.push(TurnTiming {
                step: cue.step,
                speech_end_at: at,
                agent_audio_at: None,
            });
        }
    }

    /// Agent audio arrived; returns the turn it answers, if it is the first since the
    /// caller's last utterance.
    pub(crate) fn agent_media(&mut self, bytes: usize, at: Duration) -> Option<&TurnTiming> {
        self.frames_received += 1;
        self.agent_audio_bytes += bytes as u64;
        let turn = self.awaiting_answer.take()?;
        self.turns[turn].agent_audio_at = Some(at);
        Some(&self.turns[turn])
    }

    /// Records a server mark; returns its id (for the playback queue and [`Self::mark_name`]).
    pub(crate) fn mark_received(&mut self, name: String, at: Duration) -> usize {
        self.marks.push(MarkRecord {
            name,
            received_at: at,
            echoed_at: None,
            cleared: false,
        });
        self.marks.len() - 1
    }

    pub(crate) fn mark_name(&self, id: usize) -> &str {
        &self.marks[id].name
    }

    pub(crate) fn mark_echoed(&mut self, id: usize, cleared: bool, at: Duration) {
        let mark = &mut self.marks[id];
        mark.echoed_at = Some(at);
        mark.cleared = cleared;
    }

    pub(crate) fn clear(&mut self, dropped_samples: u64, at: Duration) {
        self.clears.push(ClearRecord {
            at,
            dropped: Duration::from_micros(dropped_samples * 1000 / 8),
        });
        if let Some(barge_in) = self.awaiting_clear.take() {
            self.barge_ins[barge_in].clear_at = Some(at);
        }
    }

    /// Whether a barge-in is waiting for the agent to fall silent.
    pub(crate) fn awaiting_silence(&self) -> bool {
        self.awaiting_silence.is_some()
    }

    /// The agent's audio ran out (or was cleared) at `at`, after the pending barge-in.
    pub(crate) fn silenced(&mut self, at: Duration) {
        if let Some(barge_in) = self.awaiting_silence.take() {
            let timing = &mut self.barge_ins[barge_in];
            timing.silenced_at = Some(at.max(timing.onset_at));
        }
    }

    pub(crate) fn violation(&mut self, violation: ProtocolViolation, at: Duration) {
        self.protocol_errors.push(ProtocolError { at, violation });
    }

    pub(crate) fn into_report(self, ending: Ending) -> CallReport {
        CallReport {
            stream_sid: ending.stream_sid,
            call_sid: ending.call_sid,
            ended_by: ending.ended_by,
            connect_time: ending.connect_time,
            duration: ending.duration,
            frames_sent: ending.frames_sent,
            dtmf_sent: self.dtmf_sent,
            frames_received: self.frames_received,
            agent_audio_bytes: self.agent_audio_bytes,
            marks: self.marks,
            clears: self.clears,
            protocol_errors: self.protocol_errors,
            turns: self.turns,
            barge_ins: self.barge_ins,
            timed_out_steps: ending.timed_out_steps,
            pacing: ending.pacing,
            outbound: ending.outbound,
            server_close: self.server_close,
            recording: ending.recording,
        }
    }
}

/// The parts of the report that the session, not the log, knows.
pub(crate) struct Ending {
    pub stream_sid: String,
    pub call_sid: String,
    pub ended_by: CallEnd,
    pub connect_time: Duration,
    pub duration: Duration,
    pub frames_sent: u64,
    pub timed_out_steps: Vec<usize>,
    pub pacing: PacingStats,
    pub outbound: OutboundPacing,
    pub recording: Recording,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn pairs_speech_with_the_answer_and_the_clear() {
        let mut log = CallLog::default();
        let cue = |onset, end, barge_in| SpeechCue {
            step: 4,
            onset,
            end,
            barge_in,
        };
        log.agent_media(160, ms(5)); // before any turn: answers nothing
        log.speech_sent(cue(true, false, false), ms(10));
        log.speech_sent(cue(false, true, false), ms(100));
        log.agent_media(160, ms(350));
        log.agent_media(160, ms(370));
        log.speech_sent(cue(true, false, true), ms(400));
        log.clear(800, ms(480));
        log.clear(0, ms(900)); // a later clear does not move the first one's time
        let ending = Ending {
            stream_sid: "MZ".into(),
            call_sid: "CA".into(),
            ended_by: CallEnd::HungUp,
            connect_time: ms(1),
            duration: ms(1000),
            frames_sent: 50,
            timed_out_steps: Vec::new(),
            pacing: PacingStats::default(),
            outbound: OutboundPacing::default(),
            recording: Recording::default(),
        };
        let report = log.into_report(ending);
        assert_eq!(report.turn_latencies(), [ms(250)]);
        assert_eq!(report.barge_ins[0].latency(), Some(ms(80)));
        assert_eq!(report.clears[0].dropped, ms(100));
        assert_eq!(report.frames_received, 3);
        assert_eq!(report.agent_audio_bytes, 480);
    }
}
