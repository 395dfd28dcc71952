//! Calls: place, hang up, transfer (digest §4.2).

use reqwest::Method;
use serde::Deserialize;

use super::client::Inner;
use super::client::TwilioClient;
use crate::carrier::{CarrierError, CarrierResult, MachineDetection, PlaceCall, PlacedCall};
use crate::twilio::callbacks::CallStatus;
use crate::twiml::{Dial, Response};

/// The call resource's fields we read. Twilio writes `duration` as a string.
#[derive(Debug, Deserialize)]
struct CallResource {
    sid: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    answered_by: Option<String>,
}

/// A call as Twilio sees it now (`GET …/Calls/{CA}.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSnapshot {
    pub sid: String,
    pub status: CallStatus,
    /// Seconds it was connected, once it is over.
    pub duration_secs: Option<u64>,
    pub answered_by: Option<String>,
}

/// The `Calls.json` form for `call`. Progress is asked for at every step, so the status
/// webhook sees ringing and answer as well as the end.
pub(super) fn place_call_form(call: &PlaceCall) -> Vec<(&'static str, String)> {
    let hooks = &call.webhooks;
    let mut form = vec![
        ("To", call.to.clone()),
        ("From", call.from.clone()),
        ("Url", hooks.voice_url.clone()),
        ("Method", "POST".to_owned()),
        ("StatusCallback", hooks.status_url.clone()),
        ("StatusCallbackMethod", "POST".to_owned()),
    ];
    for event in ["initiated", "ringing", "answered", "completed"] {
        form.push(("StatusCallbackEvent", event.to_owned()));
    }
    form.push(("Timeout", call.ring_timeout_secs.to_string()));
    if let Some(limit) = call.time_limit_secs {
        form.push(("TimeLimit", limit.to_string()));
    }
    if call.record {
        form.push(("Record", "true".to_owned()));
        if let Some(url) = &hooks.recording_url {
            form.push(("RecordingStatusCallback", url.clone()));
            form.push(("RecordingStatusCallbackMethod", "POST".to_owned()));
        }
    }
    if let Some(detection) = call.machine_detection {
        let mode = match detection {
            MachineDetection::Enable => "Enable",
            MachineDetection::DetectMessageEnd => "DetectMessageEnd",
        };
        form.push(("MachineDetection", mode.to_owned()));
        // Without a callback URL detection is synchronous: `AnsweredBy` arrives on the
        // voice webhook, after Twilio has listened to the greeting.
        if let Some(url) = &hooks.machine_detection_url {
            form.push(("AsyncAmd", "true".to_owned()));
            form.push(("AsyncAmdStatusCallback", url.clone()));
            form.push(("AsyncAmdStatusCallbackMethod", "POST".to_owned()));
        }
    }
    form
}

impl Inner {
    pub async fn place_call(&self, call: PlaceCall) -> CarrierResult<PlacedCall> {
        let request = self
            .request(Method::POST, self.url(&["Calls"]))
            .form(&place_call_form(&call));
        let created: CallResource = self.send_json(request, "the Calls resource").await?;
        Ok(PlacedCall {
            carrier_call_id: created.sid,
        })
    }

    /// `Status=completed` ends a live call and cancels a ringing one; a call Twilio no
    /// longer knows is over already.
    pub async fn hang_up(&self, call_sid: &str) -> CarrierResult<()> {
        let request = self
            .request(Method::POST, self.url(&["Calls", call_sid]))
            .form(&[("Status", "completed")]);
        match self.send(request, &format!("call {call_sid}")).await {
            Ok(_) | Err(CarrierError::NotFound { .. }) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Replaces the call's TwiML with `<Say>text</Say><Hangup/>`: a voicemail after the beep.
    pub async fn say_and_hang_up(&self, call_sid: &str, text: &str) -> CarrierResult<()> {
        let twiml = Response::new()
            .say(text)
            .hangup()
            .to_xml_without_declaration();
        let request = self
            .request(Method::POST, self.url(&["Calls", call_sid]))
            .form(&[("Twiml", twiml)]);
        self.send(request, &format!("call {call_sid}")).await?;
        Ok(())
    }

    /// Replaces the call's TwiML with a `<Dial>`: Twilio ends the media stream and bridges
    /// the caller to `to`.
    pub async fn transfer(&self, call_sid: &str, to: &str, caller_id: &str) -> CarrierResult<()> {
        let twiml = Response::new()
            .dial(Dial::number(to).caller_id(caller_id))
            .to_xml_without_declaration();
        let request = self
            .request(Method::POST, self.url(&["Calls", call_sid]))
            .form(&[("Twiml", twiml)]);
        self.send(request, &format!("call {call_sid}")).await?;
        Ok(())
    }
}

impl TwilioClient {
    /// Where a call stands at Twilio: to reconcile a call whose callbacks never came.
    pub async fn fetch_call(&self, call_sid: &str) -> CarrierResult<CallSnapshot> {
        let inner = &self.inner;
        let request = inner.request(Method::GET, inner.url(&["Calls", call_sid]));
        let call: CallResource = inner
            .send_json(request, &format!("call {call_sid}"))
            .await?;
        let raw_status = call.status.unwrap_or_default();
        let status = CallStatus::parse(&raw_status).ok_or_else(|| CarrierError::Protocol {
            carrier: inner.credentials.name.clone(),
            reason: format!("call {call_sid} has an unknown status {raw_status:?}"),
        })?;
        Ok(CallSnapshot {
            sid: call.sid,
            status,
            duration_secs: call.duration.and_then(|d| d.parse().ok()),
            answered_by: call.answered_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::carrier::CallWebhooks;

    fn call() -> PlaceCall {
        PlaceCall {
            to: "+15551230000".into(),
            from: "+15559870000".into(),
            webhooks: CallWebhooks {
                voice_url: "https://sb.example/voice".into(),
                status_url: "https://sb.example/status".into(),
                recording_url: Some("https://sb.example/recording".into()),
                machine_detection_url: Some("https://sb.example/amd".into()),
            },
            ring_timeout_secs: 25,
            time_limit_secs: Some(600),
            record: false,
            machine_detection: None,
            client_state: "call_1".into(),
        }
    }

    fn values<'f>(form: &'f [(&str, String)], key: &str) -> Vec<&'f str> {
        form.iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    #[test]
    fn a_plain_call_asks_for_every_progress_event() {
        let form = place_call_form(&call());
        assert_eq!(
            values(&form, "StatusCallbackEvent"),
            ["initiated", "ringing", "answered", "completed"]
        );
        assert_eq!(values(&form, "Timeout"), ["25"]);
        assert_eq!(values(&form, "TimeLimit"), ["600"]);
        assert_eq!(values(&form, "Method"), ["POST"]);
        for absent in [
            "Record",
            "RecordingStatusCallback",
            "MachineDetection",
            "AsyncAmd",
        ] {
            assert!(values(&form, absent).is_empty(), "{absent}");
        }
    }

    #[test]
    fn recording_and_async_detection_add_their_callbacks() {
        let mut call = call();
        call.record = true;
        call.machine_detection = Some(MachineDetection::DetectMessageEnd);
        let form = place_call_form(&call);
        assert_eq!(values(&form, "Record"), ["true"]);
        assert_eq!(
            values(&form, "RecordingStatusCallback"),
            ["https://sb.example/recording"]
        );
        assert_eq!(values(&form, "MachineDetection"), ["DetectMessageEnd"]);
        assert_eq!(values(&form, "AsyncAmd"), ["true"]);
        assert_eq!(
            values(&form, "AsyncAmdStatusCallback"),
            ["https://sb.example/amd"]
        );

        call.webhooks.machine_detection_url = None;
        call.machine_detection = Some(MachineDetection::Enable);
        let form = place_call_form(&call);
        assert_eq!(values(&form, "MachineDetection"), ["Enable"]);
        assert!(
            values(&form, "AsyncAmd").is_empty(),
            "synchronous without a callback"
        );
    }
}
