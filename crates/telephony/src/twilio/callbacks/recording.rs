//! Recording status callbacks.

use super::form::{CallbackError, Form};

/// A recording Twilio announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    /// `RE…`.
    pub sid: String,
    /// Without an extension; fetch it with
    /// [`Carrier::fetch_recording`](crate::carrier::Carrier::fetch_recording).
    pub url: String,
    /// Seconds.
    pub duration: Option<u64>,
    /// `in-progress`, `completed`, `absent`, `failed`, …
    pub status: Option<String>,
}

impl Recording {
    /// The `Recording*` fields, when `RecordingSid` and `RecordingUrl` are there.
    pub(super) fn parse_optional(form: &Form<'_>) -> Result<Option<Self>, CallbackError> {
        let (Some(sid), Some(url)) = (form.get("RecordingSid"), form.get("RecordingUrl")) else {
            return Ok(None);
        };
        Ok(Some(Recording {
            sid: sid.to_owned(),
            url: url.to_owned(),
            duration: form.number("RecordingDuration")?,
            status: form.optional("RecordingStatus"),
        }))
    }
}

/// A `RecordingStatusCallback` post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingCallback {
    pub account_sid: String,
    pub call_sid: String,
    pub recording: Recording,
}

impl RecordingCallback {
    pub fn parse(form: &[(String, String)]) -> Result<Self, CallbackError> {
        let form = Form(form);
        let account_sid = form.required("AccountSid")?.to_owned();
        let call_sid = form.required("CallSid")?.to_owned();
        let Some(recording) = Recording::parse_optional(&form)? else {
            form.required("RecordingSid")?;
            return Err(CallbackError::Missing("RecordingUrl"));
        };
        Ok(RecordingCallback {
            account_sid,
            call_sid,
            recording,
        })
    }
}
