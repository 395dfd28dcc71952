//! Twilio's webhooks (the simulator speaks the same): voice (TwiML for a call), status,
//! machine detection, recording and inbound SMS. All are form POSTs signed with
//! `X-Twilio-Signature` over the public URL, which we rebuild from `public_url`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use switchboard_store::{Call, PhoneNumber, StoreError};
use switchboard_telephony::twilio::signature;
use switchboard_telephony::twiml;

use super::{Target, WebhookError};
use crate::http::AppState;
use crate::telephony::inbound::{self, Inbound};
use crate::telephony::options::{CallOptions, MachinePolicy};
use crate::telephony::status::{self, CarrierProgress};
use crate::telephony::urls::WebhookUrls;
use crate::telephony::{CarrierAccount, answer, sms};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/twilio/voice", post(voice))
        .route("/webhooks/twilio/status", post(status_callback))
        .route("/webhooks/twilio/after-stream", post(after_stream))
        .route("/webhooks/twilio/amd", post(machine_detection))
        .route("/webhooks/twilio/recording", post(recording))
        .route("/webhooks/twilio/sms", post(inbound_sms))
}

/// A Twilio webhook as received: the URL Twilio signed, the form, the signature.
struct Signed {
    url: String,
    params: Vec<(String, String)>,
    signature: String,
}

impl FromRequest<AppState> for Signed {
    type Rejection = WebhookError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, state.config.http.max_body_bytes)
            .await
            .map_err(|_| WebhookError::BadRequest("the body could not be read".into()))?;
        Ok(Signed::new(state, &parts.uri, &parts.headers, &body))
    }
}

impl Signed {
    fn new(state: &AppState, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Self {
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        Signed {
            url: WebhookUrls::new(&state.public_base_url()).public(path),
            params: url::form_urlencoded::parse(body).into_owned().collect(),
            signature: headers
                .get(signature::HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn require(&self, name: &str) -> Result<&str, WebhookError> {
        self.get(name).ok_or_else(|| WebhookError::missing(name))
    }

    fn signed_by(&self, account: &CarrierAccount) -> bool {
        account.twilio_auth_token.as_ref().is_some_and(|token| {
            signature::validate(
                token.expose(),
                &self.url,
                self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                &self.signature,
            )
            .is_ok()
        })
    }

    /// Checks the signature against the carrier account `name`.
    fn verify<'a>(
        &self,
        state: &'a AppState,
        name: Option<&str>,
    ) -> Result<&'a CarrierAccount, WebhookError> {
        let account = name
            .and_then(|name| state.carriers.get(name).ok())
            .filter(|account| account.speaks_twilio())
            .ok_or(WebhookError::Forbidden)?;
        if self.signed_by(account) {
            Ok(account)
        } else {
            Err(WebhookError::Forbidden)
        }
    }

    /// For webhooks about something we do not know: signed by any of our Twilio accounts.
    fn verify_any(&self, state: &AppState) -> Result<(), WebhookError> {
        if state
            .carriers
            .accounts()
            .filter(|a| a.speaks_twilio())
            .any(|a| self.signed_by(a))
        {
            Ok(())
        } else {
            Err(WebhookError::Forbidden)
        }
    }
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml")], body).into_response()
}

/// The call the URL names, checked: signed by its carrier and about the same carrier call.
async fn signed_call(
    state: &AppState,
    call_id: &str,
    request: &Signed,
) -> Result<Call, WebhookError> {
    let call = match state.store.get_call_for_webhook(call_id).await {
        Ok(call) => call,
        Err(StoreError::NotFound) => {
            request.verify_any(state)?;
            return Err(WebhookError::NotFound);
        }
        Err(other) => return Err(other.into()),
    };
    request.verify(state, call.carrier.as_deref())?;
    let call_sid = request.require("CallSid")?;
    if !state
        .store
        .adopt_carrier_call_id(&call.tenant_id, &call.id, call_sid)
        .await?
    {
        return Err(WebhookError::BadRequest(
            "CallSid does not match the call".into(),
        ));
    }
    Ok(state.store.get_call(&call.tenant_id, &call.id).await?)
}

async fn signed_number(
    state: &AppState,
    number_id: &str,
    request: &Signed,
) -> Result<PhoneNumber, WebhookError> {
    match state.store.get_phone_number_for_webhook(number_id).await {
        Ok(number) => {
            request.verify(state, Some(&number.carrier))?;
            Ok(number)
        }
        Err(StoreError::NotFound) => {
            request.verify_any(state)?;
            Err(WebhookError::NotFound)
        }
        Err(other) => Err(other.into()),
    }
}

/// TwiML for a call: the media stream to its agent, or a polite goodbye.
async fn voice(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    request: Signed,
) -> Result<Response, WebhookError> {
    let refuse = |message: &str| Ok(xml(answer::refusal_twiml(message)));
    if let Some(call_id) = &target.call_id {
        let call = match signed_call(&state, call_id, &request).await {
            Err(WebhookError::NotFound) => return refuse(inbound::UNKNOWN_NUMBER),
            other => other?,
        };
        if call.status().is_terminal() {
            return Ok(xml(twiml::Response::new().hangup().to_xml()));
        }
        if let Some(answered_by) = request.get("AnsweredBy") {
            match machine_answer(&state, &call, answered_by).await? {
                MachineAction::Continue => {}
                MachineAction::HangUp => return Ok(xml(twiml::Response::new().hangup().to_xml())),
                MachineAction::Voicemail(message) => {
                    return Ok(xml(twiml::Response::new().say(message).hangup().to_xml()));
                }
            }
        }
        return Ok(xml(answer::connect_twiml(&state, &call).await?));
    }
    let Some(number_id) = &target.number_id else {
        request.verify_any(&state)?;
        return refuse(inbound::UNKNOWN_NUMBER);
    };
    let number = match signed_number(&state, number_id, &request).await {
        Err(WebhookError::NotFound) => return refuse(inbound::UNKNOWN_NUMBER),
        other => other?,
    };
    let from = request.require("From")?;
    let call_sid = request.require("CallSid")?;
    match inbound::accept(&state, &number, from, call_sid).await? {
        Inbound::Answer(call) => Ok(xml(answer::connect_twiml(&state, &call).await?)),
        Inbound::Refuse(message) => refuse(message),
    }
}

/// The media stream ended (`<Connect action>`): transfer the call if the agent asked to,
/// else hang up.
async fn after_stream(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    request: Signed,
) -> Result<Response, WebhookError> {
    let call_id = target.call_id.as_deref().ok_or(WebhookError::NotFound)?;
    let call = signed_call(&state, call_id, &request).await?;
    Ok(xml(answer::after_stream_twiml(&state, &call).await?))
}

/// Call progress. Duplicates (same sequence number) and stale statuses change nothing.
async fn status_callback(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    request: Signed,
) -> Result<Response, WebhookError> {
    let call = match (&target.call_id, &target.number_id) {
        (Some(call_id), _) => signed_call(&state, call_id, &request).await?,
        (None, Some(number_id)) => {
            let number = signed_number(&state, number_id, &request).await?;
            let call_sid = request.require("CallSid")?;
            match state
                .store
                .find_call_by_carrier_id(&number.carrier, call_sid)
                .await
            {
                Ok(call) => call,
                // A call we refused (no agent, busy) has no row: nothing to update.
                Err(StoreError::NotFound) => return Ok(().into_response()),
                Err(other) => return Err(other.into()),
            }
        }
        (None, None) => {
            request.verify_any(&state)?;
            return Err(WebhookError::NotFound);
        }
    };
    let call_status = request.require("CallStatus")?;
    let sequence = request.get("SequenceNumber").unwrap_or(call_status);
    let key = format!(
        "{}:{sequence}",
        call.carrier_call_id.as_deref().unwrap_or(&call.id)
    );
    if !state.store.first_receipt("twilio-status", &key).await? {
        return Ok(().into_response());
    }
    if let Some(answered_by) = request.get("AnsweredBy") {
        state
            .store
            .set_call_answered_by(&call.tenant_id, &call.id, answered_by)
            .await?;
    }
    if let Some(progress) = CarrierProgress::from_twilio(call_status) {
        status::apply(&state, &call, progress).await?;
    }
    Ok(().into_response())
}

/// Asynchronous answering-machine detection: a machine gets the call's policy.
async fn machine_detection(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    request: Signed,
) -> Result<Response, WebhookError> {
    let call_id = target.call_id.as_deref().ok_or(WebhookError::NotFound)?;
    let call = signed_call(&state, call_id, &request).await?;
    let answered_by = request.require("AnsweredBy")?;
    let action = machine_answer(&state, &call, answered_by).await?;
    let account = state
        .carriers
        .get(call.carrier.as_deref().unwrap_or_default())
        .map_err(|e| WebhookError::Internal(e.into()))?;
    let carrier_call_id = call.carrier_call_id.as_deref().unwrap_or_default();
    let applied = match action {
        MachineAction::Continue => return Ok(().into_response()),
        MachineAction::HangUp => account.client.hang_up(carrier_call_id).await,
        MachineAction::Voicemail(message) => {
            account
                .client
                .say_and_hang_up(carrier_call_id, &message)
                .await
        }
    };
    if let Err(error) = applied {
        tracing::warn!(call_id = %call.id, %error, "could not apply the answering-machine policy");
    }
    Ok(().into_response())
}

enum MachineAction {
    /// A person (or no policy): the agent talks.
    Continue,
    HangUp,
    Voicemail(String),
}

/// Records what answered; for a machine, what the call's policy says to do.
async fn machine_answer(
    state: &AppState,
    call: &Call,
    answered_by: &str,
) -> Result<MachineAction, WebhookError> {
    state
        .store
        .set_call_answered_by(&call.tenant_id, &call.id, answered_by)
        .await?;
    if !answered_by.starts_with("machine") && answered_by != "fax" {
        return Ok(MachineAction::Continue);
    }
    let options = CallOptions::of(&call.options);
    Ok(match options.machine_policy {
        None => MachineAction::Continue,
        Some(MachinePolicy::Hangup) => MachineAction::HangUp,
        // Only `DetectMessageEnd`'s `machine_end_*` means the beep has gone.
        Some(MachinePolicy::Voicemail) if answered_by.starts_with("machine_end") => {
            MachineAction::Voicemail(options.voicemail_message.unwrap_or_default())
        }
        Some(MachinePolicy::Voicemail) => MachineAction::HangUp,
    })
}

async fn recording(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    request: Signed,
) -> Result<Response, WebhookError> {
    let call_id = target.call_id.as_deref().ok_or(WebhookError::NotFound)?;
    let call = signed_call(&state, call_id, &request).await?;
    if request
        .get("RecordingStatus")
        .is_some_and(|s| s != "completed")
    {
        return Ok(().into_response());
    }
    let url = request.require("RecordingUrl")?;
    let duration_ms = request
        .get("RecordingDuration")
        .and_then(|d| d.parse::<i64>().ok())
        .map(|secs| secs * 1000);
    state
        .store
        .set_call_recording(&call.tenant_id, &call.id, url, duration_ms)
        .await?;
    Ok(().into_response())
}

/// An inbound text. Answered with an empty `<Response/>`: replies go out through the REST
/// API so they are filed and checked like any other.
async fn inbound_sms(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    request: Signed,
) -> Result<Response, WebhookError> {
    let number_id = target.number_id.as_deref().ok_or(WebhookError::NotFound)?;
    let number = signed_number(&state, number_id, &request).await?;
    let message_sid = request.require("MessageSid")?;
    if state.store.first_receipt("twilio-sms", message_sid).await? {
        let from = request.require("From")?;
        let text = request.get("Body").unwrap_or_default();
        sms::receive(&state, &number, from, text, Some(message_sid)).await?;
    }
    Ok(xml(twiml::Response::new().to_xml()))
}
