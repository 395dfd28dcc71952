//! Messages: an incoming SMS and the delivery status of one we sent.

use super::form::{CallbackError, Form};

/// An SMS to one of our numbers (the number's `SmsUrl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundSms {
    /// `SM…` (`MessageSid`, or the older `SmsSid`).
    pub message_sid: String,
    pub account_sid: String,
    pub from: String,
    pub to: String,
    /// Empty for a picture without text.
    pub body: String,
    pub num_segments: u32,
    /// `MediaUrl{N}` for N below `NumMedia`.
    pub media_urls: Vec<String>,
}

impl InboundSms {
    pub fn parse(form: &[(String, String)]) -> Result<Self, CallbackError> {
        let form = Form(form);
        let message_sid = form
            .get("MessageSid")
            .or_else(|| form.get("SmsSid"))
            .ok_or(CallbackError::Missing("MessageSid"))?;
        let num_media: u32 = form.number("NumMedia")?.unwrap_or(0);
        let media_urls = (0..num_media)
            .filter_map(|n| form.get(&format!("MediaUrl{n}")).map(str::to_owned))
            .collect();
        Ok(InboundSms {
            message_sid: message_sid.to_owned(),
            account_sid: form.required("AccountSid")?.to_owned(),
            from: form.required("From")?.to_owned(),
            to: form.required("To")?.to_owned(),
            body: form.string("Body"),
            num_segments: form.number("NumSegments")?.unwrap_or(1),
            media_urls,
        })
    }
}

/// A message's `StatusCallback` post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageStatusCallback {
    pub message_sid: String,
    pub account_sid: String,
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`, …
    pub message_status: String,
    /// Twilio's code when the message failed or was not delivered.
    pub error_code: Option<String>,
}

impl MessageStatusCallback {
    pub fn parse(form: &[(String, String)]) -> Result<Self, CallbackError> {
        let form = Form(form);
        let message_sid = form
            .get("MessageSid")
            .or_else(|| form.get("SmsSid"))
            .ok_or(CallbackError::Missing("MessageSid"))?;
        let status = form
            .get("MessageStatus")
            .or_else(|| form.get("SmsStatus"))
            .ok_or(CallbackError::Missing("MessageStatus"))?;
        Ok(MessageStatusCallback {
            message_sid: message_sid.to_owned(),
            account_sid: form.required("AccountSid")?.to_owned(),
            message_status: status.to_owned(),
            error_code: form.optional("ErrorCode"),
        })
    }
}
