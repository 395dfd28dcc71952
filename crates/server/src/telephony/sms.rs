//! Texts: sending (opt-outs respected, long texts split to the carrier's limit) and receiving
//! (filed in the thread, STOP / START / HELP honoured, the number's auto-response sent).

use std::time::Duration;

use switchboard_core::E164;
use switchboard_core::sms::{Keyword, split_text};
use switchboard_providers::llm::{ChatRequest, Message as ChatMessage};
use switchboard_store::{Message, MessageDirection, NewMessage, PhoneNumber, SmsMode};
use switchboard_telephony::carrier::{CarrierError, OutboundSms};
use tokio_util::sync::CancellationToken;

use super::TelephonyError;
use crate::http::AppState;

const STOP_CONFIRMATION: &str = "You are unsubscribed and will receive no more messages from this number. Reply START to resubscribe.";
const START_CONFIRMATION: &str = "You are subscribed again. Reply STOP to unsubscribe.";
/// The longest text we accept to send, before splitting.
pub const MAX_BODY_CHARS: usize = 1_600;
/// How long an agent may take to write a text reply.
const AGENT_REPLY_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of the thread an agent sees when it replies.
const AGENT_HISTORY: u32 = 20;

/// Sends `body` from our `number` to `to`, split to the carrier's limit, and files it.
pub async fn send(
    state: &AppState,
    number: &PhoneNumber,
    to: &E164,
    body: &str,
) -> Result<Message, TelephonyError> {
    if state
        .store
        .is_opted_out(&number.tenant_id, &number.phone_number, to.as_str())
        .await?
    {
        return Err(TelephonyError::OptedOut(to.to_string()));
    }
    deliver(state, number, to.as_str(), body).await
}

/// Sends without the opt-out check: the confirmations of STOP and START themselves. Every
/// text, automatic replies included, goes only to the allowed destinations.
async fn deliver(
    state: &AppState,
    number: &PhoneNumber,
    to: &str,
    body: &str,
) -> Result<Message, TelephonyError> {
    let allowed = &state.config.telephony.allowed_destinations;
    if !E164::parse(to).is_ok_and(|to| to.matches_any(allowed)) {
        return Err(TelephonyError::DestinationNotAllowed(to.to_owned()));
    }
    if !number.sms() {
        return Err(TelephonyError::invalid(
            "from",
            format!(
                "{} cannot send texts (no SMS capability)",
                number.phone_number
            ),
        ));
    }
    let account = state.carriers.get(&number.carrier)?;
    let pieces = split_text(body, account.client.sms_segment_limit());
    let mut first_id = None;
    let mut failure = None;
    for piece in &pieces {
        let sent = account
            .client
            .send_sms(OutboundSms {
                from: number.phone_number.clone(),
                to: to.to_owned(),
                body: piece.clone(),
                status_url: None,
            })
            .await;
        match sent {
            Ok(sent) => {
                first_id.get_or_insert(sent.carrier_message_id);
            }
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    // An opt-out the carrier knows of and we did not: remember it, store nothing.
    if let Some(CarrierError::OptedOut { .. }) = &failure {
        state
            .store
            .opt_out(&number.tenant_id, &number.phone_number, to)
            .await?;
        return Err(failure
            .map(TelephonyError::from)
            .unwrap_or(TelephonyError::OptedOut(to.into())));
    }
    let error_text = failure.as_ref().map(ToString::to_string);
    let stored = state
        .store
        .record_message(
            &number.tenant_id,
            NewMessage {
                direction: MessageDirection::Outbound,
                our_number: &number.phone_number,
                other_number: to,
                body,
                status: if failure.is_some() { "failed" } else { "sent" },
                segments: i64::try_from(pieces.len()).unwrap_or(i64::MAX),
                carrier: &number.carrier,
                carrier_message_id: first_id.as_deref(),
                error: error_text.as_deref(),
            },
        )
        .await?;
    match failure {
        // Nothing went out: the caller hears why. Part of a long text went out: it is stored
        // as failed with the reason.
        Some(error) if stored.carrier_message_id.is_none() => Err(error.into()),
        _ => Ok(stored),
    }
}

/// An inbound text to `number`: filed, keywords honoured, then answered per the number's
/// auto-response (in the background, so the carrier's webhook is answered at once).
pub async fn receive(
    state: &AppState,
    number: &PhoneNumber,
    from: &str,
    body: &str,
    carrier_message_id: Option<&str>,
) -> Result<(), TelephonyError> {
    let store = &state.store;
    let tenant_id = &number.tenant_id;
    store
        .record_message(
            tenant_id,
            NewMessage {
                direction: MessageDirection::Inbound,
                our_number: &number.phone_number,
                other_number: from,
                body,
                status: "received",
                segments: 1,
                carrier: &number.carrier,
                carrier_message_id,
                error: None,
            },
        )
        .await?;
    // A carrier that answers the keywords itself would have the texter hear everything twice.
    let carrier_answers = answers_keywords_itself(state, number);
    let reply = match Keyword::of(body) {
        Some(Keyword::Stop) => {
            let news = store.opt_out(tenant_id, &number.phone_number, from).await?;
            (news && !carrier_answers).then(|| STOP_CONFIRMATION.to_owned())
        }
        Some(Keyword::Start) => {
            if store.opt_in(tenant_id, &number.phone_number, from).await? {
                (!carrier_answers).then(|| START_CONFIRMATION.to_owned())
            } else {
                // "Yes" from someone who never opted out is an answer, not a keyword.
                auto_response(state, number, from).await?
            }
        }
        Some(Keyword::Help) if carrier_answers => None,
        Some(Keyword::Help) => Some(
            store
                .get_tenant(tenant_id)
                .await?
                .sms_help_text
                .unwrap_or_else(|| state.config.telephony.default_sms_help_text.clone()),
        ),
        None => auto_response(state, number, from).await?,
    };
    if let Some(reply) = reply {
        let state = state.clone();
        let number = number.clone();
        let to = from.to_owned();
        tokio::spawn(async move {
            if let Err(error) = deliver(&state, &number, &to, &reply).await {
                tracing::warn!(number = %number.id, %error, "the automatic reply could not be sent");
            }
        });
    }
    Ok(())
}

/// The number's own answer to an ordinary text: a template, or its agent's reply (sent in
/// the background); none for someone who opted out.
async fn auto_response(
    state: &AppState,
    number: &PhoneNumber,
    from: &str,
) -> Result<Option<String>, TelephonyError> {
    if state
        .store
        .is_opted_out(&number.tenant_id, &number.phone_number, from)
        .await?
    {
        return Ok(None);
    }
    Ok(match number.sms_mode() {
        SmsMode::Off => None,
        SmsMode::Template => number.sms_template.clone(),
        SmsMode::Agent => {
            spawn_agent_reply(state.clone(), number.clone(), from.to_owned());
            None
        }
    })
}

/// Twilio (and the simulator, which is Twilio) confirms STOP and START and answers HELP on
/// its own, then still forwards the text to us.
fn answers_keywords_itself(state: &AppState, number: &PhoneNumber) -> bool {
    state
        .carriers
        .get(&number.carrier)
        .is_ok_and(|account| account.speaks_twilio())
}

/// The number's agent writes a reply from the thread so far, by text.
fn spawn_agent_reply(state: AppState, number: PhoneNumber, from: String) {
    tokio::spawn(async move {
        match agent_reply(&state, &number, &from).await {
            Ok(Some(reply)) => {
                if let Err(error) = send_checked(&state, &number, &from, &reply).await {
                    tracing::warn!(number = %number.id, %error, "the agent's text reply could not be sent");
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(number = %number.id, %error, "the agent could not reply by text")
            }
        }
    });
}

async fn send_checked(
    state: &AppState,
    number: &PhoneNumber,
    to: &str,
    body: &str,
) -> Result<Message, TelephonyError> {
    let to = E164::parse(to).map_err(|e| TelephonyError::invalid("to", e.to_string()))?;
    send(state, number, &to, body).await
}

async fn agent_reply(
    state: &AppState,
    number: &PhoneNumber,
    from: &str,
) -> anyhow::Result<Option<String>> {
    let Some(agent_id) = &number.inbound_agent_id else {
        return Ok(None);
    };
    let agent = state.store.get_agent(&number.tenant_id, agent_id).await?;
    let config = crate::calls::render(&agent.config, &Default::default())?;
    let llm = state.providers.llm(&crate::calls::llm_picks(&config))?;
    let history = state
        .store
        .recent_messages(&number.tenant_id, &number.phone_number, from, AGENT_HISTORY)
        .await?;
    let mut messages = vec![ChatMessage::system(format!(
        "{}\n\nYou are replying by SMS, not speaking on the phone. Answer in one or two short \
         sentences of plain text.",
        config.system_prompt
    ))];
    messages.extend(history.iter().map(|m| match m.direction() {
        MessageDirection::Inbound => ChatMessage::user(m.body.clone()),
        MessageDirection::Outbound => ChatMessage::assistant(m.body.clone()),
    }));
    let request = ChatRequest {
        messages,
        max_tokens: Some(200),
        ..ChatRequest::default()
    };
    let reply = tokio::time::timeout(
        AGENT_REPLY_TIMEOUT,
        llm.complete(&request, CancellationToken::new()),
    )
    .await??;
    let text = reply.text.trim();
    Ok((!text.is_empty()).then(|| text.chars().take(MAX_BODY_CHARS).collect()))
}
