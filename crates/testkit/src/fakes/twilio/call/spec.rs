//! What a call was asked to do: the `Calls.json` form, or an inbound call's number.

use std::time::Duration;

use crate::caller::Script;

use super::super::config::Callee;
use super::super::state::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in super::super) enum Direction {
    OutboundApi,
    Inbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::OutboundApi => "outbound-api",
            Direction::Inbound => "inbound",
        }
    }
}

/// A webhook URL and its method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in super::super) struct Hook {
    pub url: String,
    pub method: String,
}

/// Where status callbacks go and which progress events were asked for.
#[derive(Debug, Clone)]
pub(in super::super) struct StatusHook {
    pub hook: Hook,
    /// `initiated`, `ringing`, `answered`; the final one is always sent.
    pub events: Vec<String>,
}

#[derive(Debug, Clone)]
pub(in super::super) struct Detection {
    /// `DetectMessageEnd` rather than `Enable`.
    pub end_of_message: bool,
    /// `AsyncAmdStatusCallback`; `None` is synchronous detection.
    pub callback: Option<Hook>,
}

#[derive(Debug, Clone)]
pub(in super::super) struct CallSpec {
    pub sid: String,
    pub direction: Direction,
    pub from: String,
    pub to: String,
    /// The first TwiML.
    pub first: Source,
    pub status: Option<StatusHook>,
    pub time_limit: Option<Duration>,
    /// `Record=true`, with its `RecordingStatusCallback` if any.
    pub record: Option<Option<Hook>>,
    pub detection: Option<Detection>,
    /// Who is on the other end (an inbound call's caller answers, of course).
    pub callee: Callee,
}

impl CallSpec {
    /// What the person on the line says once a stream opens.
    pub fn script(&self) -> Script {
        match &self.callee {
            Callee::Answer(script) | Callee::Machine(script) => script.clone(),
            Callee::Busy | Callee::NoAnswer | Callee::Fail => Script::new(),
        }
    }
}
