//! What the caller does, step by step.

use std::time::Duration;

use super::utterance::Utterance;

/// One thing the caller does. All durations are on the call clock (see
/// [`Pace`](super::Pace)).
#[derive(Debug, Clone)]
pub enum Step {
    /// Speak the utterance, one frame per tick.
    Say(Utterance),
    /// Send silence for this long (rounded up to whole 20 ms frames).
    Pause(Duration),
    /// Send silence until the agent has spoken since the caller's last utterance ended (or
    /// the call started) and its audio has then finished playing for `quiet`. Gives up after
    /// `timeout` (recorded in [`CallReport::timed_out_steps`](super::CallReport)).
    WaitForAgent { quiet: Duration, timeout: Duration },
    /// Send silence until the agent starts talking (or use the talk spurt already playing),
    /// then speak `utterance` once `after` has passed since that spurt's first frame arrived,
    /// over its audio: a spurt that ends sooner hands over to the next one. Gives up, without
    /// speaking, if no agent audio arrives within `timeout`.
    BargeIn {
        utterance: Utterance,
        after: Duration,
        timeout: Duration,
    },
    /// Press a key: a `dtmf` message between two media frames (the line keeps flowing).
    Dtmf(char),
    /// Send `stop` and close the socket. A script that runs out of steps hangs up too.
    Hangup,
}

/// A list of [`Step`]s, built by chaining.
///
/// ```
/// use std::time::Duration;
/// use switchboard_testkit::caller::{Script, Utterance};
/// let hello = Utterance::tone(300.0, Duration::from_millis(400));
/// let script = Script::new()
///     .pause(Duration::from_millis(200))
///     .say(hello.clone())
///     .wait_for_agent(Duration::from_millis(500), Duration::from_secs(5))
///     .barge_in(hello, Duration::from_millis(300), Duration::from_secs(5))
///     .dtmf('1')
///     .hangup();
/// assert_eq!(script.steps().len(), 6);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Script {
    steps: Vec<Step>,
}

impl Script {
    pub fn new() -> Self {
        Script::default()
    }

    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    pub fn say(self, utterance: Utterance) -> Self {
        self.step(Step::Say(utterance))
    }

    pub fn pause(self, duration: Duration) -> Self {
        self.step(Step::Pause(duration))
    }

    pub fn wait_for_agent(self, quiet: Duration, timeout: Duration) -> Self {
        self.step(Step::WaitForAgent { quiet, timeout })
    }

    pub fn barge_in(self, utterance: Utterance, after: Duration, timeout: Duration) -> Self {
        self.step(Step::BargeIn {
            utterance,
            after,
            timeout,
        })
    }

    pub fn dtmf(self, digit: char) -> Self {
        self.step(Step::Dtmf(digit))
    }

    pub fn hangup(self) -> Self {
        self.step(Step::Hangup)
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub(crate) fn into_steps(self) -> Vec<Step> {
        self.steps
    }
}

impl From<Vec<Step>> for Script {
    fn from(steps: Vec<Step>) -> Self {
        Script { steps }
    }
}
