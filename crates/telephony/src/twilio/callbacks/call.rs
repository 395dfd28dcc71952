//! Call progress: status callbacks, voice webhooks and answering-machine results.

use std::fmt;

use super::form::{CallbackError, Form};
use super::recording::Recording;

/// A call's `CallStatus` (digest §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallStatus {
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

impl CallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Queued => "queued",
            CallStatus::Initiated => "initiated",
            CallStatus::Ringing => "ringing",
            CallStatus::InProgress => "in-progress",
            CallStatus::Completed => "completed",
            CallStatus::Busy => "busy",
            CallStatus::NoAnswer => "no-answer",
            CallStatus::Failed => "failed",
            CallStatus::Canceled => "canceled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "queued" => CallStatus::Queued,
            "initiated" => CallStatus::Initiated,
            "ringing" => CallStatus::Ringing,
            "in-progress" => CallStatus::InProgress,
            "completed" => CallStatus::Completed,
            "busy" => CallStatus::Busy,
            "no-answer" => CallStatus::NoAnswer,
            "failed" => CallStatus::Failed,
            "canceled" => CallStatus::Canceled,
            _ => return None,
        })
    }

    /// Whether the call is over.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CallStatus::Completed
                | CallStatus::Busy
                | CallStatus::NoAnswer
                | CallStatus::Failed
                | CallStatus::Canceled
        )
    }
}

impl fmt::Display for CallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who answered, by answering-machine detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnsweredBy {
    Human,
    MachineStart,
    MachineEndBeep,
    MachineEndSilence,
    MachineEndOther,
    Fax,
    /// Detection could not tell (also any value this version does not know).
    Unknown,
}

impl AnsweredBy {
    pub fn as_str(self) -> &'static str {
        match self {
            AnsweredBy::Human => "human",
            AnsweredBy::MachineStart => "machine_start",
            AnsweredBy::MachineEndBeep => "machine_end_beep",
            AnsweredBy::MachineEndSilence => "machine_end_silence",
            AnsweredBy::MachineEndOther => "machine_end_other",
            AnsweredBy::Fax => "fax",
            AnsweredBy::Unknown => "unknown",
        }
    }

    pub fn parse(value: &str) -> Self {
        match value {
            "human" => AnsweredBy::Human,
            "machine_start" => AnsweredBy::MachineStart,
            "machine_end_beep" => AnsweredBy::MachineEndBeep,
            "machine_end_silence" => AnsweredBy::MachineEndSilence,
            "machine_end_other" => AnsweredBy::MachineEndOther,
            "fax" => AnsweredBy::Fax,
            _ => AnsweredBy::Unknown,
        }
    }

    /// A voicemail greeting, at its start or its end.
    pub fn is_machine(self) -> bool {
        matches!(
            self,
            AnsweredBy::MachineStart
                | AnsweredBy::MachineEndBeep
                | AnsweredBy::MachineEndSilence
                | AnsweredBy::MachineEndOther
        )
    }
}

/// A call status callback, or the voice webhook that asks for TwiML (the same standard
/// call parameters without `SequenceNumber`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCallback {
    pub account_sid: String,
    pub call_sid: String,
    pub call_status: CallStatus,
    pub from: String,
    pub to: String,
    /// `inbound`, `outbound-api`, `outbound-dial`, …
    pub direction: Option<String>,
    /// Orders the callbacks of one call (from 0); they can arrive out of order or twice.
    pub sequence_number: Option<u64>,
    /// Seconds, on the final callback.
    pub call_duration: Option<u64>,
    /// With answering-machine detection (synchronous: on the voice webhook).
    pub answered_by: Option<AnsweredBy>,
    /// When the call was recorded.
    pub recording: Option<Recording>,
    /// RFC 2822.
    pub timestamp: Option<String>,
}

impl StatusCallback {
    pub fn parse(form: &[(String, String)]) -> Result<Self, CallbackError> {
        let form = Form(form);
        let status = form.required("CallStatus")?;
        Ok(StatusCallback {
            account_sid: form.required("AccountSid")?.to_owned(),
            call_sid: form.required("CallSid")?.to_owned(),
            call_status: CallStatus::parse(status).ok_or_else(|| CallbackError::Invalid {
                field: "CallStatus",
                value: status.to_owned(),
                expected: "a call status",
            })?,
            from: form.string("From"),
            to: form.string("To"),
            direction: form.optional("Direction"),
            sequence_number: form.number("SequenceNumber")?,
            call_duration: form.number("CallDuration")?,
            answered_by: form.get("AnsweredBy").map(AnsweredBy::parse),
            recording: Recording::parse_optional(&form)?,
            timestamp: form.optional("Timestamp"),
        })
    }
}

/// The asynchronous answering-machine result (`AsyncAmdStatusCallback`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmdCallback {
    pub account_sid: String,
    pub call_sid: String,
    pub answered_by: AnsweredBy,
    /// How long detection listened.
    pub machine_detection_duration_ms: Option<u64>,
}

impl AmdCallback {
    pub fn parse(form: &[(String, String)]) -> Result<Self, CallbackError> {
        let form = Form(form);
        Ok(AmdCallback {
            account_sid: form.required("AccountSid")?.to_owned(),
            call_sid: form.required("CallSid")?.to_owned(),
            answered_by: AnsweredBy::parse(form.required("AnsweredBy")?),
            machine_detection_duration_ms: form.number("MachineDetectionDuration")?,
        })
    }
}
