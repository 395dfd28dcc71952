//! A call's direction and its status machine: `queued -> ringing -> in_progress -> ` one of
//! the terminal statuses. A status never moves backwards, and a terminal status is final.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    Outbound,
    Inbound,
    /// A browser session rather than a phone line.
    Web,
}

impl CallDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Outbound => "outbound",
            CallDirection::Inbound => "inbound",
            CallDirection::Web => "web",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Outbound, Self::Inbound, Self::Web]
            .into_iter()
            .find(|d| d.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    Queued,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

impl CallStatus {
    pub const ALL: [CallStatus; 8] = [
        CallStatus::Queued,
        CallStatus::Ringing,
        CallStatus::InProgress,
        CallStatus::Completed,
        CallStatus::Busy,
        CallStatus::NoAnswer,
        CallStatus::Failed,
        CallStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Queued => "queued",
            CallStatus::Ringing => "ringing",
            CallStatus::InProgress => "in_progress",
            CallStatus::Completed => "completed",
            CallStatus::Busy => "busy",
            CallStatus::NoAnswer => "no_answer",
            CallStatus::Failed => "failed",
            CallStatus::Canceled => "canceled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn is_terminal(self) -> bool {
        self.outcome().is_some()
    }

    /// The outcome this status ends a call with, for the terminal statuses.
    pub fn outcome(self) -> Option<CallOutcome> {
        match self {
            CallStatus::Completed => Some(CallOutcome::Completed),
            CallStatus::Busy => Some(CallOutcome::Busy),
            CallStatus::NoAnswer => Some(CallOutcome::NoAnswer),
            CallStatus::Failed => Some(CallOutcome::Failed),
            CallStatus::Canceled => Some(CallOutcome::Canceled),
            CallStatus::Queued | CallStatus::Ringing | CallStatus::InProgress => None,
        }
    }
}

/// How a call ended: the terminal statuses, as a type, so finishing a call with a live status
/// cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

impl CallOutcome {
    pub fn status(self) -> CallStatus {
        match self {
            CallOutcome::Completed => CallStatus::Completed,
            CallOutcome::Busy => CallStatus::Busy,
            CallOutcome::NoAnswer => CallStatus::NoAnswer,
            CallOutcome::Failed => CallStatus::Failed,
            CallOutcome::Canceled => CallStatus::Canceled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_only_outcomes_are_terminal() {
        for status in CallStatus::ALL {
            assert_eq!(CallStatus::parse(status.as_str()), Some(status));
            if let Some(outcome) = status.outcome() {
                assert_eq!(outcome.status(), status);
            }
        }
        let live: Vec<_> = CallStatus::ALL
            .into_iter()
            .filter(|s| !s.is_terminal())
            .collect();
        assert_eq!(
            live,
            [
                CallStatus::Queued,
                CallStatus::Ringing,
                CallStatus::InProgress
            ]
        );
        assert_eq!(CallStatus::parse("done"), None);
    }

    #[test]
    fn directions_round_trip() {
        for direction in [
            CallDirection::Outbound,
            CallDirection::Inbound,
            CallDirection::Web,
        ] {
            assert_eq!(CallDirection::parse(direction.as_str()), Some(direction));
        }
        assert_eq!(CallDirection::parse("sideways"), None);
    }
}
