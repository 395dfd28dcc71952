//! The call's two clocks, shared by the brains that hold a conversation: silence (reprompt,
//! then hang up) and the duration limit (warning, last words, hard stop, extensions). They
//! only keep time and say what is due; the brain decides how to speak.

use std::time::Duration;

use tokio::time::Instant;

use super::spec::{DurationPolicy, SilencePolicy};

/// After the time limit, how long the agent may take to finish before the line is cut.
pub(crate) const HARD_STOP_GRACE: Duration = Duration::from_secs(20);

/// How long nobody has spoken.
#[derive(Debug, Default)]
pub(crate) struct Silence {
    since: Option<Instant>,
    reprompted: bool,
    /// The reprompt's own turn does not end the silence: hang-up counts from its start.
    hold: bool,
}

/// What a silence calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SilenceStep {
    /// Ask whether the caller is still there.
    Reprompt,
    /// Say goodbye and hang up.
    HangUp,
}

impl Silence {
    /// The caller spoke: no silence, and the next one is reprompted afresh.
    pub(crate) fn caller_spoke(&mut self) {
        self.since = None;
        self.reprompted = false;
        self.hold = false;
    }

    /// Something happened (a key press): no silence for now.
    pub(crate) fn stop(&mut self) {
        self.since = None;
    }

    /// The agent starts a turn: no silence while it speaks, unless the turn is the reprompt.
    pub(crate) fn agent_speaks(&mut self) {
        if !std::mem::take(&mut self.hold) {
            self.since = None;
        }
    }

    /// Silence from `now`, unless it is already running.
    pub(crate) fn start(&mut self, now: Instant) {
        self.since.get_or_insert(now);
    }

    /// When the next step falls due.
    pub(crate) fn wake(&self, policy: &SilencePolicy) -> Option<Instant> {
        let after = if self.reprompted {
            policy.hangup_after
        } else {
            policy.reprompt_after
        };
        self.since.map(|since| since + after)
    }

    /// The step due at `now`; ask only while the agent is quiet.
    pub(crate) fn due(&mut self, now: Instant, policy: &SilencePolicy) -> Option<SilenceStep> {
        let since = self.since?;
        if self.reprompted && now >= since + policy.hangup_after {
            return Some(SilenceStep::HangUp);
        }
        if !self.reprompted && now >= since + policy.reprompt_after {
            self.reprompted = true;
            self.hold = true;
            return Some(SilenceStep::Reprompt);
        }
        None
    }
}

/// The duration limit of the call.
#[derive(Debug)]
pub(crate) struct CallClock {
    deadline: Instant,
    warned: bool,
    extensions: u32,
    /// Hang up at this time whatever is playing, for this reason.
    hard_stop: Option<(Instant, String)>,
}

/// What the duration limit calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClockStep {
    /// Say the warning.
    Warn,
    /// Time is up: cut the agent off and say the last words (the hard stop is set).
    TimeUp,
}

impl CallClock {
    pub(crate) fn new(started: Instant, policy: &DurationPolicy) -> Self {
        CallClock {
            deadline: started + policy.max,
            warned: false,
            extensions: 0,
            hard_stop: None,
        }
    }

    fn warn_at(&self, policy: &DurationPolicy) -> Instant {
        self.deadline
            .checked_sub(policy.warning_before)
            .unwrap_or(self.deadline)
    }

    /// When the next step (or the hard stop) falls due. The warning counts only while the
    /// agent is quiet: it waits for the agent anyway, and a past instant would spin the loop.
    pub(crate) fn wake(&self, policy: &DurationPolicy, agent_quiet: bool) -> Instant {
        let warning = (!self.warned && agent_quiet).then(|| self.warn_at(policy));
        [
            warning,
            Some(self.deadline).filter(|_| self.hard_stop.is_none()),
            self.hard_stop.as_ref().map(|(at, _)| *at),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(self.deadline)
    }

    /// The hang-up reason once the hard stop has come.
    pub(crate) fn hard_stop_due(&self, now: Instant) -> Option<String> {
        self.hard_stop
            .as_ref()
            .filter(|(at, _)| now >= *at)
            .map(|(_, reason)| reason.clone())
    }

    /// Hangs up at `at` whatever is playing, unless an earlier hard stop is set.
    pub(crate) fn stop_at(&mut self, at: Instant, reason: impl Into<String>) {
        if self.hard_stop.as_ref().is_none_or(|(set, _)| at < *set) {
            self.hard_stop = Some((at, reason.into()));
        }
    }

    /// The step due at `now`; the warning waits while the agent speaks.
    pub(crate) fn due(
        &mut self,
        now: Instant,
        policy: &DurationPolicy,
        agent_quiet: bool,
    ) -> Option<ClockStep> {
        if now >= self.deadline && self.hard_stop.is_none() {
            self.hard_stop = Some((now + HARD_STOP_GRACE, "time limit reached".into()));
            return Some(ClockStep::TimeUp);
        }
        if !self.warned && now >= self.warn_at(policy) && agent_quiet {
            self.warned = true;
            return Some(ClockStep::Warn);
        }
        None
    }

    /// `extend_call`: more time within the policy. Returns the extensions granted so far, or
    /// `None` when none is left.
    pub(crate) fn extend(&mut self, policy: &DurationPolicy) -> Option<u32> {
        if self.extensions >= policy.max_extensions {
            return None;
        }
        self.extensions += 1;
        self.deadline += policy.extension_step;
        self.warned = false;
        self.hard_stop = None;
        Some(self.extensions)
    }
}

/// What the model is told after `extend_call`.
pub(crate) fn extension_answer(policy: &DurationPolicy, granted: bool) -> String {
    if granted {
        format!(
            "The call was extended by {} minutes.",
            policy.extension_step.as_secs() / 60
        )
    } else {
        "The call cannot be extended any further.".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn silence_reprompts_then_hangs_up_from_its_start() {
        let policy = SilencePolicy::default();
        let t0 = Instant::now();
        let mut silence = Silence::default();
        assert_eq!(silence.wake(&policy), None);
        silence.start(t0);
        assert_eq!(silence.wake(&policy), Some(t0 + policy.reprompt_after));
        assert_eq!(silence.due(t0 + S, &policy), None);
        assert_eq!(
            silence.due(t0 + policy.reprompt_after, &policy),
            Some(SilenceStep::Reprompt)
        );
        // The reprompt's turn keeps the silence; the next turn ends it.
        silence.agent_speaks();
        assert_eq!(silence.wake(&policy), Some(t0 + policy.hangup_after));
        assert_eq!(
            silence.due(t0 + policy.hangup_after, &policy),
            Some(SilenceStep::HangUp)
        );
        silence.agent_speaks();
        assert_eq!(silence.wake(&policy), None);
        // Caller speech starts the count over, with a reprompt first.
        silence.start(t0);
        silence.caller_spoke();
        silence.start(t0 + 30 * S);
        assert_eq!(
            silence.wake(&policy),
            Some(t0 + 30 * S + policy.reprompt_after)
        );
    }

    #[test]
    fn the_clock_warns_ends_and_extends_within_the_policy() {
        let policy = DurationPolicy {
            max: 60 * S,
            warning_before: 10 * S,
            extension_step: 120 * S,
            max_extensions: 1,
            ..DurationPolicy::default()
        };
        let t0 = Instant::now();
        let mut clock = CallClock::new(t0, &policy);
        assert_eq!(clock.wake(&policy, true), t0 + 50 * S);
        assert_eq!(clock.wake(&policy, false), t0 + 60 * S);
        // The warning waits for the agent to be quiet.
        assert_eq!(clock.due(t0 + 50 * S, &policy, false), None);
        assert_eq!(clock.due(t0 + 51 * S, &policy, true), Some(ClockStep::Warn));
        assert_eq!(clock.wake(&policy, true), t0 + 60 * S);
        assert_eq!(
            clock.due(t0 + 60 * S, &policy, true),
            Some(ClockStep::TimeUp)
        );
        assert_eq!(clock.wake(&policy, true), t0 + 60 * S + HARD_STOP_GRACE);
        assert_eq!(clock.hard_stop_due(t0 + 61 * S), None);
        assert_eq!(
            clock
                .hard_stop_due(t0 + 60 * S + HARD_STOP_GRACE)
                .as_deref(),
            Some("time limit reached")
        );
        assert_eq!(clock.extend(&policy), Some(1));
        assert_eq!(clock.hard_stop_due(t0 + 100 * S), None);
        assert_eq!(clock.wake(&policy, true), t0 + 170 * S);
        assert_eq!(clock.extend(&policy), None);
        // An earlier hard stop wins; a later one does not move it.
        clock.stop_at(t0 + 5 * S, "provider failed");
        clock.stop_at(t0 + 9 * S, "later");
        assert_eq!(
            clock.hard_stop_due(t0 + 5 * S).as_deref(),
            Some("provider failed")
        );
    }
}
