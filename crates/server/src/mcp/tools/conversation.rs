//! Talking with the user: ring them and ask, ask again, tell, say goodbye.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchboard_core::E164;
use switchboard_store::{Call, StoreError};
use switchboard_voice::conversation::{RemoteControl, RemoteError};

use super::{ToolContext, ToolResult, internal, message};
use crate::mcp::idle::Busy;
use crate::mcp::progress::{Waited, with_progress};
use crate::telephony::TelephonyError;
use crate::telephony::remote_call::{self, Connected, RemoteDial};
use crate::usage::format_amount;

/// The longest a tool call may ask to wait for a reply.
const MAX_WAIT_SECONDS: u64 = 600;
/// How long `end_call` waits for the call's final record (charge included).
const FINAL_RECORD_WAIT: Duration = Duration::from_secs(15);

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiateCall {
    /// What to say when they pick up: who you are, what happened, what you need from them.
    message: String,
    /// Seconds to wait for their reply (default: the server's wait limit, 180 unless
    /// configured; at most 600).
    #[schemars(range(min = 1, max = 600))]
    wait_seconds: Option<u64>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContinueCall {
    /// The call_id initiate_call returned.
    call_id: String,
    /// What to say next.
    message: String,
    /// Seconds to wait for their reply (default: the server's wait limit; at most 600).
    #[schemars(range(min = 1, max = 600))]
    wait_seconds: Option<u64>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeakToUser {
    call_id: String,
    /// What to say; no reply is awaited.
    message: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndCall {
    call_id: String,
    /// Last words before hanging up, e.g. "Thanks, I'll get on with it. Bye!"
    message: String,
}

/// How a question went.
#[derive(Serialize, JsonSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum ReplyStatus {
    /// They answered; `response` holds what they said.
    Answered,
    /// They said nothing within the wait limit. The call is still open.
    NoAnswer,
    /// The phone was not picked up (busy, unanswered or failed); there is no call to continue.
    NotConnected,
    /// The call is over (they hung up, or it ended earlier).
    Ended,
}

#[derive(Serialize, JsonSchema)]
pub struct Reply {
    call_id: String,
    status: ReplyStatus,
    /// What the user said, transcribed; null unless `status` is `answered`.
    response: Option<String>,
    /// What happened, in a sentence, and what you can do next.
    detail: String,
}

/// How saying something went.
#[derive(Serialize, JsonSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum SpokenStatus {
    /// Played to the end.
    Heard,
    /// The user talked over it; `heard` holds what they heard before.
    Interrupted,
    /// The call is over.
    Ended,
}

#[derive(Serialize, JsonSchema)]
pub struct Spoken {
    call_id: String,
    status: SpokenStatus,
    /// For `interrupted`: the words they heard.
    heard: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct Ended {
    call_id: String,
    /// The call's final status, e.g. `completed`.
    status: String,
    /// How long the call was connected, in seconds.
    duration_seconds: f64,
    /// What the call was charged, in micro-units of `currency` (null if not yet settled).
    charge_micros: Option<i64>,
    /// The charge as a decimal amount with its currency, e.g. "0.320000 USD".
    charge: Option<String>,
}

pub async fn initiate(context: &ToolContext<'_>, input: InitiateCall) -> ToolResult<Reply> {
    let text = message(&input.message)?;
    let wait = wait_limit(context, input.wait_seconds)?;
    let state = context.state;
    let tenant_id = context.principal.tenant_id();
    let user_id = &context.principal.user.id;
    let to = state
        .store
        .get_call_me_number(tenant_id, user_id)
        .await
        .map_err(internal)?
        .and_then(|n| n.phone_number)
        .ok_or(
            "You have no verified phone number to call. Set one with \
             PUT /v1/me/call-me-number and confirm the code (see docs/mcp.md).",
        )?;
    let to = E164::parse(&to).map_err(internal)?;
    let from = remote_call::tenant_number(state, tenant_id, false)
        .await
        .map_err(refused)?
        .ok_or(
            "Your tenant has no phone number to call from; add one with POST /v1/phone-numbers.",
        )?;
    let call = remote_call::dial(
        state,
        RemoteDial {
            tenant_id,
            user_id,
            to,
            from: &from,
            max_duration_secs: state.config.mcp.max_call_minutes.saturating_mul(60),
            metadata: [("source".to_owned(), "mcp".into())].into_iter().collect(),
        },
    )
    .await
    .map_err(refused)?;
    let every = progress_every(context);
    let connected = match with_progress(
        context.request,
        every,
        "ringing",
        remote_call::connected(state, &call),
    )
    .await
    {
        Waited::Done(connected) => connected.map_err(refused)?,
        Waited::Cancelled => {
            let _ = crate::telephony::control::hang_up(state, &call).await;
            return Err("Cancelled; the call was hung up.".into());
        }
    };
    let control = match connected {
        Some(Connected::Live(control)) => control,
        Some(Connected::Over(call)) => return Ok(not_connected(&call)),
        None => {
            let _ = crate::telephony::control::hang_up(state, &call).await;
            return Ok(Reply {
                call_id: call.id.clone(),
                status: ReplyStatus::NotConnected,
                response: None,
                detail: "The call did not connect in time and was hung up.".into(),
            });
        }
    };
    let busy = context.calls.watch(&call.id, control.clone());
    ask(context, &call.id, &control, text, wait, Some(busy)).await
}

pub async fn continue_call(context: &ToolContext<'_>, input: ContinueCall) -> ToolResult<Reply> {
    let text = message(&input.message)?;
    let wait = wait_limit(context, input.wait_seconds)?;
    let control = match live(context, &input.call_id).await? {
        Live::Control(control) => control,
        Live::Over(call) => return Ok(ended_reply(&call)),
    };
    let busy = context.calls.enter(&input.call_id);
    ask(context, &input.call_id, &control, text, wait, busy).await
}

pub async fn speak(context: &ToolContext<'_>, input: SpeakToUser) -> ToolResult<Spoken> {
    let text = message(&input.message)?;
    let control = match live(context, &input.call_id).await? {
        Live::Control(control) => control,
        Live::Over(_) => {
            return Ok(Spoken {
                call_id: input.call_id,
                status: SpokenStatus::Ended,
                heard: None,
            });
        }
    };
    let _busy = context.calls.enter(&input.call_id);
    let (status, heard) = match control.say(text).await {
        Ok(()) => (SpokenStatus::Heard, None),
        Err(RemoteError::Interrupted { heard }) => (SpokenStatus::Interrupted, Some(heard)),
        Err(RemoteError::CallEnded) => (SpokenStatus::Ended, None),
    };
    Ok(Spoken {
        call_id: input.call_id,
        status,
        heard,
    })
}

pub async fn end(context: &ToolContext<'_>, input: EndCall) -> ToolResult<Ended> {
    let text = message(&input.message)?;
    if let Live::Control(control) = live(context, &input.call_id).await? {
        let _busy = context.calls.enter(&input.call_id);
        let _ = control.hang_up(Some(text)).await;
    }
    let state = context.state;
    let tenant_id = context.principal.tenant_id();
    let deadline = tokio::time::Instant::now() + FINAL_RECORD_WAIT;
    // The call is finished, then charged, by the stream's end; wait for both.
    loop {
        let call = state
            .store
            .get_call(tenant_id, &input.call_id)
            .await
            .map_err(internal)?;
        let usage = match state.store.get_usage_record(tenant_id, &call.id).await {
            Ok(usage) => Some(usage),
            Err(StoreError::NotFound) => None,
            Err(error) => return Err(internal(error)),
        };
        if usage.is_some() || tokio::time::Instant::now() >= deadline {
            let charge_micros = usage.map(|u| u.charges.charge_micros);
            return Ok(Ended {
                call_id: call.id.clone(),
                status: call.status().as_str().to_owned(),
                duration_seconds: call.duration_ms.unwrap_or(0) as f64 / 1000.0,
                charge_micros,
                charge: charge_micros.map(|micros| {
                    format_amount(
                        u64::try_from(micros).unwrap_or(0),
                        &state.config.pricing.currency,
                    )
                }),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn ask(
    context: &ToolContext<'_>,
    call_id: &str,
    control: &RemoteControl,
    text: String,
    wait: Duration,
    _busy: Option<Busy>,
) -> ToolResult<Reply> {
    let asked = tokio::time::timeout(wait, control.ask(text));
    let every = progress_every(context);
    let reply = |status, response, detail: &str| Reply {
        call_id: call_id.to_owned(),
        status,
        response,
        detail: detail.to_owned(),
    };
    Ok(
        match with_progress(context.request, every, "waiting for the reply", asked).await {
            Waited::Done(Ok(Ok(answer))) => reply(
                ReplyStatus::Answered,
                Some(answer),
                "They answered. Continue with continue_call or speak_to_user, or finish with \
                 end_call.",
            ),
            Waited::Done(Ok(Err(RemoteError::CallEnded))) => {
                reply(ReplyStatus::Ended, None, "The user hung up.")
            }
            // An interrupted question is still answered by their next turn; this is not reached.
            Waited::Done(Ok(Err(RemoteError::Interrupted { heard }))) => reply(
                ReplyStatus::NoAnswer,
                None,
                &format!("They talked over the question after hearing: {heard}"),
            ),
            Waited::Done(Err(_elapsed)) => reply(
                ReplyStatus::NoAnswer,
                None,
                &format!(
                    "No answer within {} seconds. The call is still open: ask again with \
                     continue_call, or end it with end_call.",
                    wait.as_secs()
                ),
            ),
            Waited::Cancelled => reply(
                ReplyStatus::NoAnswer,
                None,
                "The request was cancelled; the call is still open.",
            ),
        },
    )
}

/// A call as a tool finds it.
enum Live {
    /// Live on this server: speak through this.
    Control(RemoteControl),
    /// Already over.
    Over(Box<Call>),
}

async fn live(context: &ToolContext<'_>, call_id: &str) -> ToolResult<Live> {
    let tenant_id = context.principal.tenant_id();
    if let Some(control) = context.state.remote_calls.get(tenant_id, call_id) {
        return Ok(Live::Control(control));
    }
    // Another tenant's call is as absent as one that never was.
    let call = match context.state.store.get_call(tenant_id, call_id).await {
        Ok(call) => call,
        Err(StoreError::NotFound) => {
            return Err(format!(
                "There is no call {call_id}. Start one with initiate_call."
            ));
        }
        Err(error) => return Err(internal(error)),
    };
    if call.status().is_terminal() {
        Ok(Live::Over(Box::new(call)))
    } else {
        Err(format!(
            "Call {call_id} is not connected to a voice this server controls (it may still be \
             ringing); try again in a moment."
        ))
    }
}

fn not_connected(call: &Call) -> Reply {
    let detail = if call.started_at.is_some() {
        // Picked up, yet no voice joined: a configuration problem the server log explains.
        "The phone was answered but the call's voice could not start (the server log says          why). Try send_sms instead."
            .to_owned()
    } else {
        format!(
            "The call was not picked up ({}). Try again later or send_sms instead.",
            call.status().as_str()
        )
    };
    Reply {
        call_id: call.id.clone(),
        status: ReplyStatus::NotConnected,
        response: None,
        detail,
    }
}

fn ended_reply(call: &Call) -> Reply {
    Reply {
        call_id: call.id.clone(),
        status: ReplyStatus::Ended,
        response: None,
        detail: format!(
            "The call has ended ({}). Start a new one with initiate_call.",
            call.status().as_str()
        ),
    }
}

fn wait_limit(context: &ToolContext<'_>, asked: Option<u64>) -> ToolResult<Duration> {
    match asked {
        None => Ok(Duration::from_secs(
            context.state.config.mcp.wait_limit_seconds,
        )),
        Some(seconds) if (1..=MAX_WAIT_SECONDS).contains(&seconds) => {
            Ok(Duration::from_secs(seconds))
        }
        Some(_) => Err(format!(
            "`wait_seconds` must be between 1 and {MAX_WAIT_SECONDS}."
        )),
    }
}

fn progress_every(context: &ToolContext<'_>) -> Duration {
    Duration::from_millis(context.state.config.mcp.progress_interval_ms)
}

/// A telephony refusal the model can act on, in words; a database failure stays in the log.
fn refused(error: TelephonyError) -> String {
    match error {
        TelephonyError::Store(error) => internal(error),
        other => format!("The call could not be placed: {other}."),
    }
}
