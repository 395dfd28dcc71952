//! A small TwiML builder for the call path: `<Connect><Stream>`, `<Say>`,
//! `<Play>`, `<Pause>`, `<Redirect>`, `<Dial><Number>`, `<Hangup>`, and the
//! messaging reply `<Message>`.
//!
//! Output matches twilio-python 9.13 byte for byte: attributes sorted by
//! name, empty elements as `<Name />`, text escaping `&`, `<`, `>` and
//! attribute escaping `&`, `<`, `>`, `"`, tab, newline and carriage return.
//! One deliberate difference: characters XML 1.0 forbids (most C0 controls)
//! are dropped rather than emitted, since Twilio could not parse them.
//!
//! ```
//! use switchboard_telephony::twiml::{Response, Stream};
//! let xml = Response::new()
//!     .connect_stream(Stream::new("wss://example.com/media").name("s1").parameter("call_id", "abc"))
//!     .to_xml();
//! assert_eq!(
//!     xml,
//!     r#"<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream name="s1" url="wss://example.com/media"><Parameter name="call_id" value="abc" /></Stream></Connect></Response>"#
//! );
//! ```

/// The XML declaration twilio-python emits.
pub const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// The `Content-Type` to answer a voice webhook with.
pub const CONTENT_TYPE: &str = "text/xml";

/// A `<Response>` document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    verbs: Vec<Verb>,
}

/// A verb inside `<Response>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verb {
    Say(Say),
    /// `<Pause length=..>`; `None` leaves Twilio's default of 1 s.
    Pause(Option<u32>),
    Hangup,
    Connect(Connect),
    /// `<Play loop=..>url</Play>`.
    Play {
        url: String,
        loop_count: Option<u32>,
    },
    /// `<Redirect method=..>url</Redirect>`: fetch new TwiML and run it instead.
    Redirect {
        url: String,
        method: Option<String>,
    },
    Dial(Dial),
    /// `<Message>`: the SMS reply of a messaging webhook.
    Message(String),
}

/// `<Say>`: text-to-speech by Twilio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Say {
    text: String,
    voice: Option<String>,
    language: Option<String>,
    loop_count: Option<u32>,
}

/// `<Dial>` to phone numbers: bridges the caller to the first that answers. The
/// call goes on with the next verb (or `action`) when that leg ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dial {
    numbers: Vec<String>,
    caller_id: Option<String>,
    action: Option<String>,
    method: Option<String>,
    timeout: Option<u32>,
    time_limit: Option<u32>,
}

/// `<Connect>` with one `<Stream>`: a bidirectional media stream. TwiML
/// execution waits here until the WebSocket closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    action: Option<String>,
    method: Option<String>,
    stream: Stream,
}

/// `<Stream>`. The URL must be `wss://` and have no query string (error
/// 31920 otherwise); pass data as [`Stream::parameter`]s, which come back in
/// `start.customParameters`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    url: String,
    name: Option<String>,
    track: Option<String>,
    status_callback: Option<String>,
    status_callback_method: Option<String>,
    parameters: Vec<(String, String)>,
}

impl Response {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn verb(mut self, verb: Verb) -> Self {
        self.verbs.push(verb);
        self
    }

    /// `<Say>text</Say>` with Twilio's default voice.
    pub fn say(self, text: impl Into<String>) -> Self {
        self.verb(Verb::Say(Say::new(text)))
    }

    /// `<Say>` with attributes.
    pub fn say_with(self, say: Say) -> Self {
        self.verb(Verb::Say(say))
    }

    /// `<Pause length="seconds" />`.
    pub fn pause(self, seconds: u32) -> Self {
        self.verb(Verb::Pause(Some(seconds)))
    }

    pub fn hangup(self) -> Self {
        self.verb(Verb::Hangup)
    }

    /// `<Connect><Stream ../></Connect>`.
    pub fn connect_stream(self, stream: Stream) -> Self {
        self.verb(Verb::Connect(Connect::new(stream)))
    }

    /// `<Connect>` with attributes.
    pub fn connect(self, connect: Connect) -> Self {
        self.verb(Verb::Connect(connect))
    }

    /// `<Play>url</Play>`.
    pub fn play(self, url: impl Into<String>) -> Self {
        self.verb(Verb::Play {
            url: url.into(),
            loop_count: None,
        })
    }

    /// `<Redirect>url</Redirect>` (POST, Twilio's default).
    pub fn redirect(self, url: impl Into<String>) -> Self {
        self.verb(Verb::Redirect {
            url: url.into(),
            method: None,
        })
    }

    pub fn dial(self, dial: Dial) -> Self {
        self.verb(Verb::Dial(dial))
    }

    /// `<Message>text</Message>`, in the reply to an incoming SMS.
    pub fn message(self, text: impl Into<String>) -> Self {
        self.verb(Verb::Message(text.into()))
    }

    pub fn verbs(&self) -> &[Verb] {
        &self.verbs
    }

    /// The document with the XML declaration, as a webhook should return it.
    pub fn to_xml(&self) -> String {
        let mut out = String::from(XML_DECLARATION);
        self.write_element(&mut out);
        out
    }

    /// The `<Response>` element alone (e.g. for the REST `Twiml` parameter).
    pub fn to_xml_without_declaration(&self) -> String {
        let mut out = String::new();
        self.write_element(&mut out);
        out
    }

    fn write_element(&self, out: &mut String) {
        if self.verbs.is_empty() {
            out.push_str("<Response />");
            return;
        }
        out.push_str("<Response>");
        for verb in &self.verbs {
            verb.write(out);
        }
        out.push_str("</Response>");
    }
}

impl Verb {
    fn write(&self, out: &mut String) {
        match self {
            Verb::Say(say) => {
                let mut attrs = Vec::new();
                push_opt(&mut attrs, "voice", say.voice.clone());
                push_opt(&mut attrs, "language", say.language.clone());
                push_opt(&mut attrs, "loop", say.loop_count.map(|n| n.to_string()));
                element(out, "Say", attrs, Some(&say.text), |_| {});
            }
            Verb::Pause(length) => {
                let mut attrs = Vec::new();
                push_opt(&mut attrs, "length", length.map(|n| n.to_string()));
                element(out, "Pause", attrs, None, |_| {});
            }
            Verb::Hangup => element(out, "Hangup", Vec::new(), None, |_| {}),
            Verb::Connect(connect) => {
                let mut attrs = Vec::new();
                push_opt(&mut attrs, "action", connect.action.clone());
                push_opt(&mut attrs, "method", connect.method.clone());
                element(out, "Connect", attrs, None, |out| connect.stream.write(out));
            }
            Verb::Play { url, loop_count } => {
                let mut attrs = Vec::new();
                push_opt(&mut attrs, "loop", loop_count.map(|n| n.to_string()));
                element(out, "Play", attrs, Some(url), |_| {});
            }
            Verb::Redirect { url, method } => {
                let mut attrs = Vec::new();
                push_opt(&mut attrs, "method", method.clone());
                element(out, "Redirect", attrs, Some(url), |_| {});
            }
            Verb::Dial(dial) => dial.write(out),
            Verb::Message(text) => element(out, "Message", Vec::new(), Some(text), |_| {}),
        }
    }
}

impl Say {
    pub fn new(text: impl Into<String>) -> Self {
        Say {
            text: text.into(),
            voice: None,
            language: None,
            loop_count: None,
        }
    }

    /// E.g. `alice`, `Polly.Joanna`.
    pub fn voice(mut self, voice: impl Into<String>) -> Self {
        self.voice = Some(voice.into());
        self
    }

    /// E.g. `en-US`.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Times to repeat; 0 repeats until the call ends.
    pub fn repeat(mut self, times: u32) -> Self {
        self.loop_count = Some(times);
        self
    }
}

impl Dial {
    /// Dials one number (E.164).
    pub fn number(to: impl Into<String>) -> Self {
        Dial {
            numbers: vec![to.into()],
            caller_id: None,
            action: None,
            method: None,
            timeout: None,
            time_limit: None,
        }
    }

    /// Another number to ring at the same time.
    pub fn and_number(mut self, to: impl Into<String>) -> Self {
        self.numbers.push(to.into());
        self
    }

    /// The number the dialled party sees (one the account owns or has verified).
    pub fn caller_id(mut self, number: impl Into<String>) -> Self {
        self.caller_id = Some(number.into());
        self
    }

    /// URL Twilio requests with `DialCallStatus` once the dialled leg ends.
    pub fn action(mut self, url: impl Into<String>) -> Self {
        self.action = Some(url.into());
        self
    }

    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Seconds to ring (Twilio's default 30).
    pub fn timeout(mut self, seconds: u32) -> Self {
        self.timeout = Some(seconds);
        self
    }

    pub fn time_limit(mut self, seconds: u32) -> Self {
        self.time_limit = Some(seconds);
        self
    }

    fn write(&self, out: &mut String) {
        let mut attrs = Vec::new();
        push_opt(&mut attrs, "callerId", self.caller_id.clone());
        push_opt(&mut attrs, "action", self.action.clone());
        push_opt(&mut attrs, "method", self.method.clone());
        push_opt(&mut attrs, "timeout", self.timeout.map(|n| n.to_string()));
        push_opt(
            &mut attrs,
            "timeLimit",
            self.time_limit.map(|n| n.to_string()),
        );
        element(out, "Dial", attrs, None, |out| {
            for number in &self.numbers {
                element(out, "Number", Vec::new(), Some(number), |_| {});
            }
        });
    }
}

impl Connect {
    pub fn new(stream: Stream) -> Self {
        Connect {
            action: None,
            method: None,
            stream,
        }
    }

    /// URL Twilio requests for new TwiML once the stream ends.
    pub fn action(mut self, url: impl Into<String>) -> Self {
        self.action = Some(url.into());
        self
    }

    /// `GET` or `POST` for [`Connect::action`].
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }
}

impl Stream {
    pub fn new(url: impl Into<String>) -> Self {
        Stream {
            url: url.into(),
            name: None,
            track: None,
            status_callback: None,
            status_callback_method: None,
            parameters: Vec::new(),
        }
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `inbound_track` (default), `outbound_track` or `both_tracks`.
    pub fn track(mut self, track: impl Into<String>) -> Self {
        self.track = Some(track.into());
        self
    }

    /// Where Twilio POSTs `stream-started` / `stream-stopped` / `stream-error`.
    pub fn status_callback(mut self, url: impl Into<String>) -> Self {
        self.status_callback = Some(url.into());
        self
    }

    pub fn status_callback_method(mut self, method: impl Into<String>) -> Self {
        self.status_callback_method = Some(method.into());
        self
    }

    /// A `<Parameter name value />`, echoed in `start.customParameters`.
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.push((name.into(), value.into()));
        self
    }

    fn write(&self, out: &mut String) {
        let mut attrs = vec![("url", self.url.clone())];
        push_opt(&mut attrs, "name", self.name.clone());
        push_opt(&mut attrs, "track", self.track.clone());
        push_opt(&mut attrs, "statusCallback", self.status_callback.clone());
        push_opt(
            &mut attrs,
            "statusCallbackMethod",
            self.status_callback_method.clone(),
        );
        element(out, "Stream", attrs, None, |out| {
            for (name, value) in &self.parameters {
                let attrs = vec![("name", name.clone()), ("value", value.clone())];
                element(out, "Parameter", attrs, None, |_| {});
            }
        });
    }
}

fn push_opt(attrs: &mut Vec<(&'static str, String)>, name: &'static str, value: Option<String>) {
    if let Some(value) = value {
        attrs.push((name, value));
    }
}

/// Writes `<tag attrs>text children</tag>`, or `<tag attrs />` when both are empty.
fn element(
    out: &mut String,
    tag: &str,
    mut attrs: Vec<(&'static str, String)>,
    text: Option<&str>,
    children: impl FnOnce(&mut String),
) {
    attrs.sort_by_key(|(name, _)| *name);
    out.push('<');
    out.push_str(tag);
    for (name, value) in &attrs {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape(out, value, true);
        out.push('"');
    }
    let open_len = out.len();
    out.push('>');
    if let Some(text) = text {
        escape(out, text, false);
    }
    children(out);
    if out.len() == open_len + 1 {
        out.truncate(open_len);
        out.push_str(" />");
    } else {
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

/// XML-escapes `s` like Python's ElementTree, dropping characters XML 1.0 forbids.
fn escape(out: &mut String, s: &str, attribute: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#09;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => out.push(c),
        }
    }
}
