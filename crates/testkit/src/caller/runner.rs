//! Executes a [`Script`] one 20 ms tick at a time.
//!
//! Every tick the session asks for the next [`Action`]; the runner answers with the frame to
//! send (speech, or silence so the line never goes quiet), a key press (which does not use
//! up the tick), or hang-up. Steps that wait on the agent read its state from the playback
//! queue, so the runner itself does no I/O and knows no wall time.

use switchboard_audio::frame::G711_FRAME_LEN;
use switchboard_audio::g711::ULAW_SILENCE;

use super::clock::{FRAME_SAMPLES, samples};
use super::playback::Playback;
use super::script::{Script, Step};
use super::utterance::Utterance;

const SILENCE: [u8; G711_FRAME_LEN] = [ULAW_SILENCE; G711_FRAME_LEN];

/// The agent side as the script sees it at one tick.
pub(crate) struct AgentView<'a> {
    /// Call-clock position now, in line samples.
    pub now: u64,
    pub playback: &'a Playback,
    /// Agent media frames received so far.
    pub frames_received: u64,
}

#[derive(Debug)]
pub(crate) enum Action {
    Frame(Frame),
    Dtmf(char),
    Hangup,
}

#[derive(Debug)]
pub(crate) struct Frame {
    pub audio: [u8; G711_FRAME_LEN],
    /// Set when the frame starts or ends an utterance's speech.
    pub speech: Option<SpeechCue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpeechCue {
    /// Index of the step in the script.
    pub step: usize,
    pub onset: bool,
    pub end: bool,
    pub barge_in: bool,
}

#[derive(Debug)]
enum Active {
    /// Between steps.
    Next,
    Speaking {
        utterance: Utterance,
        next_frame: usize,
        barge_in: bool,
    },
    Pausing {
        frames_left: u64,
    },
    Waiting {
        quiet: u64,
        deadline: u64,
    },
    AwaitingBarge {
        utterance: Utterance,
        after: u64,
        deadline: u64,
        /// Talk spurts counted before this step; a later one is the agent starting to talk.
        spurts_before: u64,
    },
    Done,
}

#[derive(Debug)]
pub(crate) struct Runner {
    steps: std::vec::IntoIter<Step>,
    /// Index of the step in `active` (the count of steps begun, minus one).
    step: usize,
    started: usize,
    active: Active,
    /// Agent frames received when the caller's last speech ended: "has the agent spoken
    /// since" compares against it.
    heard_before: u64,
    timed_out: Vec<usize>,
}

impl Runner {
    pub(crate) fn new(script: Script) -> Self {
        Runner {
            steps: script.into_steps().into_iter(),
            step: 0,
            started: 0,
            active: Active::Next,
            heard_before: 0,
            timed_out: Vec::new(),
        }
    }

    /// Whether the next frame is scripted audio (utterance or pause) rather than filler
    /// while waiting on the agent: unpaced callers burst only the former.
    pub(crate) fn scripted(&self) -> bool {
        matches!(
            self.active,
            Active::Next | Active::Speaking { .. } | Active::Pausing { .. }
        )
    }

    /// Script indices of the steps that gave up waiting.
    pub(crate) fn timed_out_steps(&self) -> &[usize] {
        &self.timed_out
    }

    pub(crate) fn next(&mut self, agent: &AgentView<'_>) -> Action {
        loop {
            match &mut self.active {
                Active::Done => return Action::Hangup,
                Active::Next => {
                    let Some(step) = self.steps.next() else {
                        self.active = Active::Done;
                        return Action::Hangup;
                    };
                    self.step = self.started;
                    self.started += 1;
                    if let Some(action) = self.begin(step, agent) {
                        return action;
                    }
                }
                Active::Speaking {
                    utterance,
                    next_frame,
                    barge_in,
                } => {
                    let index = *next_frame;
                    *next_frame += 1;
                    let (first, last) = utterance.speech_frames();
                    let speech = (index == first || index == last).then_some(SpeechCue {
                        step: self.step,
                        onset: index == first,
                        end: index == last,
                        barge_in: *barge_in,
                    });
                    let mut audio = SILENCE;
                    audio.copy_from_slice(utterance.frame(index));
                    if index == last {
                        self.heard_before = agent.frames_received;
                    }
                    if *next_frame == utterance.frame_count() {
                        self.active = Active::Next;
                    }
                    return Action::Frame(Frame { audio, speech });
                }
                Active::Pausing { frames_left: 0 } => self.active = Active::Next,
                Active::Pausing { frames_left } => {
                    *frames_left -= 1;
                    return silence();
                }
                Active::Waiting { quiet, deadline } => {
                    let playback = agent.playback;
                    let finished = agent.frames_received > self.heard_before
                        && !playback.playing(agent.now)
                        && agent.now - playback.played_until() >= *quiet;
                    if finished {
                        self.active = Active::Next;
                    } else if agent.now >= *deadline {
                        self.give_up();
                    } else {
                        return silence();
                    }
                }
                Active::AwaitingBarge {
                    utterance,
                    after,
                    deadline,
                    spurts_before,
                } => {
                    let playback = agent.playback;
                    if playback.spurts() > *spurts_before {
                        // Talk over audio that is playing: a spurt that ended before
                        // `after` passes the turn to the next one.
                        if playback.playing(agent.now)
                            && agent.now >= playback.spurt_start() + *after
                        {
                            self.active = Active::Speaking {
                                utterance: utterance.clone(),
                                next_frame: 0,
                                barge_in: true,
                            };
                            continue;
                        }
                    } else if agent.now >= *deadline {
                        self.give_up();
                        continue;
                    }
                    return silence();
                }
            }
        }
    }

    /// Starts `step`; returns an action when the step is a single one.
    fn begin(&mut self, step: Step, agent: &AgentView<'_>) -> Option<Action> {
        self.active = match step {
            Step::Say(utterance) => Active::Speaking {
                utterance,
                next_frame: 0,
                barge_in: false,
            },
            Step::Pause(duration) => Active::Pausing {
                frames_left: samples(duration).div_ceil(FRAME_SAMPLES),
            },
            Step::WaitForAgent { quiet, timeout } => Active::Waiting {
                quiet: samples(quiet),
                deadline: agent.now + samples(timeout),
            },
            Step::BargeIn {
                utterance,
                after,
                timeout,
            } => {
                // Audio already playing is the spurt to talk over.
                let current = u64::from(agent.playback.playing(agent.now));
                Active::AwaitingBarge {
                    utterance,
                    after: samples(after),
                    deadline: agent.now + samples(timeout),
                    spurts_before: agent.playback.spurts() - current,
                }
            }
            Step::Dtmf(digit) => {
                self.active = Active::Next;
                return Some(Action::Dtmf(digit));
            }
            Step::Hangup => {
                self.active = Active::Done;
                return Some(Action::Hangup);
            }
        };
        None
    }

    fn give_up(&mut self) {
        self.timed_out.push(self.step);
        self.active = Active::Next;
    }
}

fn silence() -> Action {
    Action::Frame(Frame {
        audio: SILENCE,
        speech: None,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Drives the runner one tick per 20 ms of call time, letting `agent` change the
    /// playback queue before each tick; returns the actions in order.
    fn drive(
        script: Script,
        ticks: u64,
        mut agent: impl FnMut(u64, &mut Playback, &mut u64),
    ) -> (Vec<Action>, Runner) {
        let mut runner = Runner::new(script);
        let mut playback = Playback::new(false);
        let mut received = 0;
        let mut actions = Vec::new();
        for tick in 0..ticks {
            let now = tick * FRAME_SAMPLES;
            agent(now, &mut playback, &mut received);
            loop {
                let view = AgentView {
                    now,
                    playback: &playback,
                    frames_received: received,
                };
                let action = runner.next(&view);
                let frame_or_end = !matches!(action, Action::Dtmf(_));
                actions.push(action);
                if frame_or_end {
                    break;
                }
            }
        }
        (actions, runner)
    }

    fn summary(actions: &[Action]) -> String {
        actions
            .iter()
            .map(|a| match a {
                Action::Frame(f) if f.audio == SILENCE => '.',
                Action::Frame(_) => 's',
                Action::Dtmf(d) => *d,
                Action::Hangup => 'H',
            })
            .collect()
    }

    #[test]
    fn says_pauses_presses_and_hangs_up() {
        let tone = Utterance::tone(300.0, ms(60));
        let script = Script::new()
            .say(tone)
            .pause(ms(30))
            .dtmf('5')
            .say(Utterance::tone(300.0, ms(20)));
        let (actions, _) = drive(script, 8, |_, _, _| {});
        assert_eq!(summary(&actions), "sss..5sHH");
        let cues: Vec<_> = actions
            .iter()
            .filter_map(|a| match a {
                Action::Frame(f) => f.speech,
                _ => None,
            })
            .collect();
        assert_eq!(cues.len(), 3);
        assert!(cues[0].onset && !cues[0].end && cues[0].step == 0);
        assert!(cues[1].end && !cues[1].onset);
        assert!(cues[2].onset && cues[2].end && cues[2].step == 3);
    }

    #[test]
    fn waits_for_the_agent_to_finish() {
        let script = Script::new()
            .say(Utterance::tone(300.0, ms(20)))
            .wait_for_agent(ms(60), ms(10_000))
            .dtmf('#');
        // The agent answers at tick 3 with 100 ms of audio: playing 480..1280.
        let (actions, runner) = drive(script, 15, |now, playback, received| {
            if now == 480 {
                playback.media(now, &[1; 800]);
                *received += 1;
            }
        });
        // Quiet from 1280; 60 ms (480 samples) later is 1760, tick 11.
        assert_eq!(summary(&actions), "s..........#HHHH");
        assert!(runner.timed_out_steps().is_empty());
    }

    #[test]
    fn wait_gives_up_at_its_timeout() {
        let script = Script::new().wait_for_agent(ms(20), ms(100)).dtmf('1');
        let (actions, runner) = drive(script, 7, |_, _, _| {});
        assert_eq!(summary(&actions), ".....1HH");
        assert_eq!(runner.timed_out_steps(), [0]);
    }

    #[test]
    fn barges_in_after_the_agent_starts() {
        let script = Script::new().barge_in(Utterance::tone(300.0, ms(40)), ms(40), ms(1000));
        // Agent starts talking at tick 2 (position 320) for a long time.
        let (actions, _) = drive(script, 8, |now, playback, received| {
            if now == 320 {
                playback.media(now, &[1; 8000]);
                *received += 1;
            }
        });
        // Speaks from position 640 (tick 4): two frames, then hangs up.
        assert_eq!(summary(&actions), "....ssHH");
        let Action::Frame(onset) = &actions[4] else {
            panic!()
        };
        assert!(onset.speech.unwrap().barge_in && onset.speech.unwrap().onset);
    }

    #[test]
    fn barge_in_waits_for_a_spurt_long_enough_to_talk_over() {
        let script = Script::new().barge_in(Utterance::tone(300.0, ms(20)), ms(60), ms(1000));
        // 40 ms of audio at tick 1 (over before 60 ms), then a long spurt at tick 5.
        let (actions, _) = drive(script, 10, |now, playback, received| {
            if now == 160 {
                playback.media(now, &[1; 320]);
                *received += 1;
            }
            if now == 800 {
                playback.media(now, &[1; 8000]);
                *received += 1;
            }
        });
        // 60 ms into the second spurt is tick 8.
        assert_eq!(summary(&actions), "........sH");
    }

    #[test]
    fn barge_in_talks_over_audio_already_playing() {
        let mut playback_started = false;
        let script =
            Script::new()
                .pause(ms(40))
                .barge_in(Utterance::tone(300.0, ms(20)), ms(60), ms(1000));
        let (actions, _) = drive(script, 6, |now, playback, received| {
            if !playback_started {
                playback.media(now, &[1; 8000]);
                *received += 1;
                playback_started = true;
            }
        });
        // The spurt started at 0; 60 ms later is tick 3.
        assert_eq!(summary(&actions), "...sHH");
    }

    #[test]
    fn barge_in_without_agent_audio_gives_up_silently() {
        let script = Script::new().barge_in(Utterance::tone(300.0, ms(20)), ms(0), ms(60));
        let (actions, runner) = drive(script, 5, |_, _, _| {});
        assert_eq!(summary(&actions), "...HH");
        assert_eq!(runner.timed_out_steps(), [0]);
    }
}
