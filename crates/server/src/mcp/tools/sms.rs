//! Texting the user when a call is too much.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchboard_core::E164;

use super::{ToolContext, ToolResult, internal, message};
use crate::telephony::TelephonyError;
use crate::telephony::remote_call;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendSms {
    /// The text; long ones are split into several messages.
    message: String,
    /// E.164 number to text instead of the user's verified number.
    to: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct SmsSent {
    message_id: String,
    to: String,
    from: String,
    /// `sent`, or `failed` when only part of a long text went out.
    status: String,
    /// How many messages the text went out as.
    segments: i64,
}

pub async fn send_sms(context: &ToolContext<'_>, input: SendSms) -> ToolResult<SmsSent> {
    let text = message(&input.message)?;
    let state = context.state;
    let tenant_id = context.principal.tenant_id();
    let to = match input.to {
        Some(to) => E164::parse(&to).map_err(|e| format!("`to` is not a phone number: {e}."))?,
        None => {
            let verified = state
                .store
                .get_call_me_number(tenant_id, &context.principal.user.id)
                .await
                .map_err(internal)?
                .and_then(|n| n.phone_number)
                .ok_or("You have no verified number to text; give `to`, or set one with PUT /v1/me/call-me-number.")?;
            E164::parse(&verified).map_err(internal)?
        }
    };
    let from = remote_call::tenant_number(state, tenant_id, true)
        .await
        .map_err(internal)?
        .ok_or("Your tenant has no number that can send texts.")?;
    let sent = crate::telephony::sms::send(state, &from, &to, &text)
        .await
        .map_err(|e| match e {
            TelephonyError::Store(error) => internal(error),
            other => format!("The text was not sent: {other}."),
        })?;
    Ok(SmsSent {
        message_id: sent.id,
        to: to.to_string(),
        from: from.phone_number,
        status: sent.status,
        segments: sent.segments,
    })
}
