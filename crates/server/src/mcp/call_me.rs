//! Whom an MCP client phones: each user's "call me" number, verified once with a code sent by
//! text or read out in a call from one of the tenant's numbers.

use std::time::Duration;

use rand::Rng;
use sha2::{Digest, Sha256};
use switchboard_core::E164;
use switchboard_store::{CallMeNumber, now_ms};
use switchboard_telephony::carrier::CarrierKind;

use crate::http::AppState;
use crate::telephony::TelephonyError;
use crate::telephony::remote_call::{self, Connected, RemoteDial};

/// How long a code works.
pub const CODE_TTL: Duration = Duration::from_secs(10 * 60);
/// Wrong codes allowed before the verification must start over.
pub const MAX_ATTEMPTS: i64 = 5;
/// A verification call lasts at most this long.
const VERIFICATION_CALL_SECS: u32 = 120;

/// How the code reaches the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Call,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Call => "call",
        }
    }
}

/// Sends a fresh code to `number` and keeps its hash; an earlier code stops working.
pub async fn start(
    state: &AppState,
    tenant_id: &str,
    user_id: &str,
    number: E164,
    channel: Channel,
) -> Result<CallMeNumber, TelephonyError> {
    let Some(from) = remote_call::tenant_number(state, tenant_id, channel == Channel::Sms).await?
    else {
        let can = match channel {
            Channel::Sms => "send texts",
            Channel::Call => "make calls",
        };
        return Err(TelephonyError::invalid(
            "channel",
            format!(
                "your tenant has no number that can {can}; add one with POST /v1/phone-numbers"
            ),
        ));
    };
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let expires_at = now_ms() + CODE_TTL.as_millis() as i64;
    let pending = state
        .store
        .start_call_me_verification(
            tenant_id,
            user_id,
            number.as_str(),
            channel.as_str(),
            &code_hash(user_id, &code),
            expires_at,
        )
        .await?;
    if state
        .carriers
        .get(&from.carrier)
        .is_ok_and(|account| account.kind == CarrierKind::Simulator)
    {
        // A simulated phone has no screen to read the text on: the server's log is its screen.
        tracing::info!(
            "simulator: the code for {} is {code} (simulated phones only; real carriers deliver it)",
            number.as_str()
        );
    }
    match channel {
        Channel::Sms => {
            let text = format!(
                "Your Switchboard code is {code}. It expires in {} minutes.",
                CODE_TTL.as_secs() / 60
            );
            crate::telephony::sms::send(state, &from, &number, &text).await?;
        }
        Channel::Call => {
            let call = remote_call::dial(
                state,
                RemoteDial {
                    tenant_id,
                    user_id,
                    to: number,
                    from: &from,
                    max_duration_secs: VERIFICATION_CALL_SECS,
                    metadata: [("source".to_owned(), "call_me_verification".into())]
                        .into_iter()
                        .collect(),
                },
            )
            .await?;
            let state = state.clone();
            tokio::spawn(async move { read_out(&state, &call, &code).await });
        }
    }
    Ok(pending)
}

/// Reads the code out twice, digit by digit, then hangs up.
async fn read_out(state: &AppState, call: &switchboard_store::Call, code: &str) {
    let Ok(Some(Connected::Live(control))) = remote_call::connected(state, call).await else {
        tracing::info!(call_id = %call.id, "the verification call did not connect");
        return;
    };
    let digits = code
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(", ");
    let words = format!("Your Switchboard code is {digits}. Again: {digits}.");
    let _ = control.say(words).await;
    let _ = control.hang_up(Some("Goodbye.".into())).await;
}

/// What is stored instead of the code: the code alone has only a million values, so it is
/// hashed with the user it belongs to.
pub fn code_hash(user_id: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{user_id}:{code}").as_bytes()))
}
