//! Call Control: dial, hang up, transfer, and the commands the webhook handler sends while
//! a call is live (answer, start streaming).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Map, Value, json};

use super::client::{Inner, TelnyxClient};
use super::errors;
use crate::carrier::{CarrierResult, MachineDetection, PlaceCall, PlacedCall};

/// What Telnyx echoes back on a call's webhooks: base64 of our text.
pub(super) fn encode_client_state(text: &str) -> String {
    STANDARD.encode(text)
}

impl Inner {
    /// `POST /v2/calls`.
    pub async fn dial(&self, call: PlaceCall) -> CarrierResult<PlacedCall> {
        let mut body = Map::new();
        body.insert(
            "connection_id".into(),
            json!(self.credentials.connection_id),
        );
        body.insert("to".into(), json!(call.to));
        body.insert("from".into(), json!(call.from));
        if !call.webhooks.voice_url.is_empty() {
            body.insert("webhook_url".into(), json!(call.webhooks.voice_url));
        }
        body.insert(
            "client_state".into(),
            json!(encode_client_state(&call.client_state)),
        );
        body.insert("timeout_secs".into(), json!(call.ring_timeout_secs));
        if let Some(limit) = call.time_limit_secs {
            body.insert("time_limit_secs".into(), json!(limit));
        }
        if call.record {
            body.insert("record".into(), json!("record-from-answer"));
        }
        if let Some(detection) = call.machine_detection {
            let mode = match detection {
                MachineDetection::Enable => "detect",
                MachineDetection::DetectMessageEnd => "detect_beep",
            };
            body.insert("answering_machine_detection".into(), json!(mode));
        }
        let request = self
            .request(Method::POST, self.url(&["calls"]))
            .json(&Value::Object(body));
        let reply = self.send(request, "the connection").await?;
        Ok(PlacedCall {
            carrier_call_id: self.field(&reply, "/data/call_control_id")?,
        })
    }

    /// `POST /v2/calls/{id}/actions/{action}` with `body`.
    pub async fn command(
        &self,
        call_control_id: &str,
        action: &str,
        body: Value,
    ) -> CarrierResult<()> {
        let url = self.url(&["calls", call_control_id, "actions", action]);
        let request = self.request(Method::POST, url).json(&body);
        self.send(request, &format!("call {call_control_id}"))
            .await
            .map(drop)
    }

    pub async fn hang_up(&self, call_control_id: &str) -> CarrierResult<()> {
        match self.command(call_control_id, "hangup", json!({})).await {
            Err(error) if errors::call_is_over(&error) => Ok(()),
            other => other,
        }
    }

    pub async fn transfer(
        &self,
        call_control_id: &str,
        to: &str,
        caller_id: &str,
    ) -> CarrierResult<()> {
        let body = json!({"to": to, "from": caller_id});
        self.command(call_control_id, "transfer", body).await
    }
}

/// Commands the server's webhook handler sends on a live call.
impl TelnyxClient {
    /// Answers an inbound call (`call.initiated` with `direction: incoming`).
    /// `client_state` is our text; it comes back on this call's later webhooks.
    pub async fn answer(
        &self,
        call_control_id: &str,
        client_state: Option<&str>,
    ) -> CarrierResult<()> {
        let mut body = Map::new();
        if let Some(state) = client_state {
            body.insert("client_state".into(), json!(encode_client_state(state)));
        }
        self.inner
            .command(call_control_id, "answer", Value::Object(body))
            .await
    }

    /// Forks the caller's audio to `stream_url` (a `wss://` URL of our media endpoint) and
    /// plays what we send back: inbound track, bidirectional RTP in PCMU.
    pub async fn start_streaming(
        &self,
        call_control_id: &str,
        stream_url: &str,
        client_state: Option<&str>,
    ) -> CarrierResult<()> {
        let mut body = Map::new();
        body.insert("stream_url".into(), json!(stream_url));
        body.insert("stream_track".into(), json!("inbound_track"));
        body.insert("stream_bidirectional_mode".into(), json!("rtp"));
        body.insert("stream_bidirectional_codec".into(), json!("PCMU"));
        if let Some(state) = client_state {
            body.insert("client_state".into(), json!(encode_client_state(state)));
        }
        self.inner
            .command(call_control_id, "streaming_start", Value::Object(body))
            .await
    }
}
