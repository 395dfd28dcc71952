//! Telnyx v2 webhook bodies, `{"data":{"event_type","id","occurred_at","payload",
//! "record_type":"event"},"meta":{…}}`, as typed events.
//!
//! Shapes follow Telnyx's callback reference examples. Parsing is lenient: unknown event
//! types become [`Event::Other`], unknown fields are ignored, and only the fields our
//! handler cannot do without are required. Telnyx delivers at least once and in any order:
//! dedupe on [`Envelope::id`].

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::ParseError;

/// One delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The event's id; a duplicate delivery carries the same one.
    pub id: String,
    pub event_type: String,
    /// ISO 8601, as sent.
    pub occurred_at: Option<String>,
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    CallInitiated(CallInitiated),
    CallAnswered(CallAnswered),
    CallHangup(CallHangup),
    MachineDetectionEnded(MachineDetectionEnded),
    /// `call.machine.greeting.ended`, after `detect_beep`.
    MachineGreetingEnded(MachineGreetingEnded),
    StreamingStarted(Streaming),
    StreamingStopped(Streaming),
    RecordingSaved(RecordingSaved),
    MessageReceived(MessageReceived),
    MessageSent(MessageStatus),
    MessageFinalized(MessageStatus),
    /// Any other event type; its payload as sent.
    Other(Value),
}

/// The ids every call event carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLeg {
    /// What Call Control commands are addressed to.
    pub call_control_id: String,
    pub call_leg_id: Option<String>,
    pub call_session_id: Option<String>,
    pub connection_id: Option<String>,
    /// Our text from the dial or command, decoded from base64 (kept as sent when it is not
    /// base64 of UTF-8).
    pub client_state: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Incoming,
    Outgoing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInitiated {
    pub leg: CallLeg,
    pub direction: Direction,
    pub from: String,
    pub to: String,
    /// `parked` for an inbound call waiting to be answered, `bridging` for an outbound one.
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAnswered {
    pub leg: CallLeg,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HangupCause {
    CallRejected,
    NormalClearing,
    OriginatorCancel,
    /// Not answered before `timeout_secs`.
    Timeout,
    /// `time_limit_secs` reached.
    TimeLimit,
    UserBusy,
    NotFound,
    NoAnswer,
    Unspecified,
    Other(String),
}

impl HangupCause {
    fn parse(text: &str) -> Self {
        match text {
            "call_rejected" => HangupCause::CallRejected,
            "normal_clearing" => HangupCause::NormalClearing,
            "originator_cancel" => HangupCause::OriginatorCancel,
            "timeout" => HangupCause::Timeout,
            "time_limit" => HangupCause::TimeLimit,
            "user_busy" => HangupCause::UserBusy,
            "not_found" => HangupCause::NotFound,
            "no_answer" => HangupCause::NoAnswer,
            "unspecified" => HangupCause::Unspecified,
            other => HangupCause::Other(other.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallHangup {
    pub leg: CallLeg,
    pub from: Option<String>,
    pub to: Option<String>,
    /// `Unspecified` when absent.
    pub hangup_cause: HangupCause,
    /// `caller`, `callee` or `unknown`.
    pub hangup_source: Option<String>,
    /// The SIP response code, e.g. `486`.
    pub sip_hangup_cause: Option<String>,
    /// ISO 8601.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachineResult {
    Human,
    Machine,
    NotSure,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineDetectionEnded {
    pub leg: CallLeg,
    pub result: MachineResult,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineGreetingEnded {
    pub leg: CallLeg,
    /// `beep_detected`, `ended` or `not_sure` \[I\].
    pub result: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streaming {
    pub leg: CallLeg,
    pub stream_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordingUrls {
    pub mp3: Option<String>,
    pub wav: Option<String>,
}

/// `call.recording.saved`. Its examples carry no `call_control_id`: the leg and session ids
/// and the client state tie it to the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingSaved {
    pub call_control_id: Option<String>,
    pub call_leg_id: Option<String>,
    pub call_session_id: Option<String>,
    pub client_state: Option<String>,
    /// Fetched with the API key.
    pub recording_urls: RecordingUrls,
    pub public_recording_urls: RecordingUrls,
    pub recording_started_at: Option<String>,
    pub recording_ended_at: Option<String>,
    /// `single` or `dual`.
    pub channels: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReceived {
    /// The message's id.
    pub id: String,
    pub from: String,
    /// The first recipient: our number.
    pub to: String,
    pub text: String,
    pub media_urls: Vec<String>,
    pub messaging_profile_id: Option<String>,
}

/// `message.sent` / `message.finalized` for a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageStatus {
    pub id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The first recipient's status: `sent`, `delivered`, `delivery_failed`, …
    pub status: Option<String>,
    /// The codes of any `errors` reported with it.
    pub error_codes: Vec<String>,
}

/// Parses a webhook's raw body.
pub fn parse(body: &[u8]) -> Result<Envelope, ParseError> {
    let root: Value = serde_json::from_slice(body)?;
    let data = root
        .get("data")
        .filter(|v| v.is_object())
        .ok_or(ParseError::MissingField {
            field: "data",
            event: "webhook",
        })?;
    let data = Fields::new(data, "webhook");
    let event_type = data.required("event_type")?;
    let id = data.required("id")?;
    let occurred_at = data.optional("occurred_at")?;
    let empty = Value::Object(Default::default());
    let payload = data.value.get("payload").unwrap_or(&empty);
    let event = match event_type.as_str() {
        "call.initiated" => {
            let p = Fields::new(payload, "call.initiated");
            Event::CallInitiated(CallInitiated {
                leg: p.leg()?,
                direction: match p.required("direction")?.as_str() {
                    "incoming" => Direction::Incoming,
                    "outgoing" => Direction::Outgoing,
                    other => return Err(p.invalid("direction", "incoming or outgoing", other)),
                },
                from: p.required("from")?,
                to: p.required("to")?,
                state: p.optional("state")?,
            })
        }
        "call.answered" => {
            let p = Fields::new(payload, "call.answered");
            Event::CallAnswered(CallAnswered {
                leg: p.leg()?,
                from: p.optional("from")?,
                to: p.optional("to")?,
            })
        }
        "call.hangup" => {
            let p = Fields::new(payload, "call.hangup");
            Event::CallHangup(CallHangup {
                leg: p.leg()?,
                from: p.optional("from")?,
                to: p.optional("to")?,
                hangup_cause: HangupCause::parse(
                    p.optional("hangup_cause")?
                        .as_deref()
                        .unwrap_or("unspecified"),
                ),
                hangup_source: p.optional("hangup_source")?,
                sip_hangup_cause: p.optional("sip_hangup_cause")?,
                start_time: p.optional("start_time")?,
                end_time: p.optional("end_time")?,
            })
        }
        "call.machine.detection.ended" => {
            let p = Fields::new(payload, "call.machine.detection.ended");
            Event::MachineDetectionEnded(MachineDetectionEnded {
                leg: p.leg()?,
                result: match p.optional("result")?.as_deref() {
                    Some("human") => MachineResult::Human,
                    Some("machine") => MachineResult::Machine,
                    Some("not_sure") | None => MachineResult::NotSure,
                    Some(other) => MachineResult::Other(other.to_owned()),
                },
            })
        }
        "call.machine.greeting.ended" => {
            let p = Fields::new(payload, "call.machine.greeting.ended");
            Event::MachineGreetingEnded(MachineGreetingEnded {
                leg: p.leg()?,
                result: p.optional("result")?,
            })
        }
        "streaming.started" | "streaming.stopped" => {
            let p = Fields::new(payload, "streaming");
            let streaming = Streaming {
                leg: p.leg()?,
                stream_url: p.optional("stream_url")?,
            };
            if event_type == "streaming.started" {
                Event::StreamingStarted(streaming)
            } else {
                Event::StreamingStopped(streaming)
            }
        }
        "call.recording.saved" => {
            let p = Fields::new(payload, "call.recording.saved");
            Event::RecordingSaved(RecordingSaved {
                call_control_id: p.optional("call_control_id")?,
                call_leg_id: p.optional("call_leg_id")?,
                call_session_id: p.optional("call_session_id")?,
                client_state: p.optional("client_state")?.map(|s| decode_client_state(&s)),
                recording_urls: p.urls("recording_urls")?,
                public_recording_urls: p.urls("public_recording_urls")?,
                recording_started_at: p.optional("recording_started_at")?,
                recording_ended_at: p.optional("recording_ended_at")?,
                channels: p.optional("channels")?,
            })
        }
        "message.received" => {
            let p = Fields::new(payload, "message.received");
            Event::MessageReceived(MessageReceived {
                id: p.required("id")?,
                from: p
                    .at("/from/phone_number", "from.phone_number")?
                    .ok_or(p.missing("from.phone_number"))?,
                to: p
                    .at("/to/0/phone_number", "to[0].phone_number")?
                    .ok_or(p.missing("to[0].phone_number"))?,
                text: p.optional("text")?.unwrap_or_default(),
                media_urls: p.list("media", "url"),
                messaging_profile_id: p.optional("messaging_profile_id")?,
            })
        }
        "message.sent" | "message.finalized" => {
            let p = Fields::new(payload, "message status");
            let status = MessageStatus {
                id: p.required("id")?,
                from: p.at("/from/phone_number", "from.phone_number")?,
                to: p.at("/to/0/phone_number", "to[0].phone_number")?,
                status: p.at("/to/0/status", "to[0].status")?,
                error_codes: p.list("errors", "code"),
            };
            if event_type == "message.sent" {
                Event::MessageSent(status)
            } else {
                Event::MessageFinalized(status)
            }
        }
        _ => Event::Other(payload.clone()),
    };
    Ok(Envelope {
        id,
        event_type,
        occurred_at,
        event,
    })
}

/// Base64 of UTF-8 back to our text; anything else as sent.
fn decode_client_state(sent: &str) -> String {
    STANDARD
        .decode(sent)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| sent.to_owned())
}

/// Typed reads from one JSON object, with the event name for errors.
struct Fields<'a> {
    value: &'a Value,
    event: &'static str,
}

impl<'a> Fields<'a> {
    fn new(value: &'a Value, event: &'static str) -> Self {
        Self { value, event }
    }

    fn missing(&self, field: &'static str) -> ParseError {
        ParseError::MissingField {
            field,
            event: self.event,
        }
    }

    fn invalid(&self, field: &'static str, expected: &'static str, got: &str) -> ParseError {
        ParseError::InvalidField {
            field,
            expected,
            got: got.chars().take(40).collect(),
        }
    }

    /// A string (or number, as text) at a JSON pointer; `null` and absence are `None`.
    fn at(&self, pointer: &str, field: &'static str) -> Result<Option<String>, ParseError> {
        match self.value.pointer(pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(self.invalid(field, "a string", &other.to_string())),
        }
    }

    fn optional(&self, field: &'static str) -> Result<Option<String>, ParseError> {
        self.at(&format!("/{field}"), field)
    }

    fn required(&self, field: &'static str) -> Result<String, ParseError> {
        self.optional(field)?.ok_or(self.missing(field))
    }

    fn leg(&self) -> Result<CallLeg, ParseError> {
        Ok(CallLeg {
            call_control_id: self.required("call_control_id")?,
            call_leg_id: self.optional("call_leg_id")?,
            call_session_id: self.optional("call_session_id")?,
            connection_id: self.optional("connection_id")?,
            client_state: self
                .optional("client_state")?
                .map(|s| decode_client_state(&s)),
        })
    }

    fn urls(&self, field: &'static str) -> Result<RecordingUrls, ParseError> {
        Ok(RecordingUrls {
            mp3: self.at(&format!("/{field}/mp3"), field)?,
            wav: self.at(&format!("/{field}/wav"), field)?,
        })
    }

    /// `key` of every object in the array `field` that has it as text.
    fn list(&self, field: &str, key: &str) -> Vec<String> {
        let items = self.value.get(field).and_then(Value::as_array);
        items
            .into_iter()
            .flatten()
            .filter_map(|item| match item.get(key)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    }
}
