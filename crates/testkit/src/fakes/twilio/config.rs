//! What the fake Twilio account holds and how its callees and callbacks behave.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::caller::{Pace, Script, random_sid};

/// How the phone at a dialled number behaves.
#[derive(Debug, Clone)]
pub enum Callee {
    /// A person picks up; once a `<Connect><Stream>` opens, the simulated caller plays the
    /// script on it (and hangs up when it ends).
    Answer(Script),
    /// Voicemail picks up: answering-machine detection reports a machine and the script is
    /// the greeting (then whatever it does next).
    Machine(Script),
    /// The line is busy: rings, then `busy`.
    Busy,
    /// Rings, nobody answers: `no-answer`.
    NoAnswer,
    /// The call cannot be put through: `failed`.
    Fail,
}

impl Default for Callee {
    /// Answers, listens until the agent has said something and been quiet for a second (at
    /// most 10 s), then hangs up.
    fn default() -> Self {
        Callee::Answer(
            Script::new()
                .wait_for_agent(Duration::from_secs(1), Duration::from_secs(10))
                .hangup(),
        )
    }
}

/// How the fake delivers callbacks (status, recording, machine detection, message status).
/// TwiML requests are always made once, in order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CallbackDelivery {
    /// Each once, in the order they happened.
    #[default]
    InOrder,
    /// Each twice in a row, identical (same `SequenceNumber`), as a retrying Twilio does.
    Duplicated,
    /// Status callbacks pairwise swapped: the 2nd before the 1st, the 4th before the 3rd, …
    /// (`ringing`, `initiated`, `completed`, `in-progress` when all four are asked for).
    Swapped,
}

/// The server behind a reverse proxy: webhooks are signed with the public URL Twilio would
/// have used and delivered to the local one. Applies to `https`/`http` webhook URLs and to
/// the `wss`/`ws` stream URLs derived from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlRewrite {
    /// e.g. `https://sb.example/prefix`.
    pub public: String,
    /// e.g. `http://127.0.0.1:8080`.
    pub local: String,
}

impl UrlRewrite {
    pub fn new(public: impl Into<String>, local: impl Into<String>) -> Self {
        UrlRewrite {
            public: public.into().trim_end_matches('/').to_owned(),
            local: local.into().trim_end_matches('/').to_owned(),
        }
    }

    /// Where a request to `url` really goes, if `url` is under the public base.
    pub fn apply(&self, url: &str) -> Option<String> {
        let http: fn(&str) -> String = str::to_owned;
        let ws: fn(&str) -> String = |base| {
            base.replacen("https://", "wss://", 1)
                .replacen("http://", "ws://", 1)
        };
        [http, ws].into_iter().find_map(|scheme| {
            let rest = url.strip_prefix(&scheme(&self.public))?;
            (rest.is_empty() || rest.starts_with(['/', '?']))
                .then(|| format!("{}{rest}", scheme(&self.local)))
        })
    }
}

/// How long the phone network takes. The defaults are quick, for tests;
/// [`Timing::realistic`] is for a demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// A callee's phone rings this long before it answers (or gives up).
    pub ring: Duration,
    /// One second of `<Pause>`.
    pub pause_second: Duration,
    /// How long one `<Say>` or `<Play>` takes to play.
    pub speak: Duration,
    /// How long answering-machine detection listens before deciding.
    pub machine_detection: Duration,
    /// Twilio gives a webhook this long to answer.
    pub webhook_timeout: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            ring: Duration::from_millis(50),
            pause_second: Duration::from_millis(20),
            speak: Duration::ZERO,
            machine_detection: Duration::from_millis(30),
            webhook_timeout: Duration::from_secs(15),
        }
    }
}

impl Timing {
    /// Close to a real phone call: a few rings, real pauses, a second per spoken sentence.
    pub fn realistic() -> Self {
        Timing {
            ring: Duration::from_secs(3),
            pause_second: Duration::from_secs(1),
            speak: Duration::from_secs(1),
            machine_detection: Duration::from_millis(2500),
            webhook_timeout: Duration::from_secs(15),
        }
    }
}

/// Everything a [`FakeTwilio`](super::FakeTwilio) starts with. `Debug` hides the token.
#[derive(Clone)]
pub struct FakeTwilioConfig {
    /// `AC` + 32 hex: the Basic-auth user and the account in every path.
    pub account_sid: String,
    /// The Basic-auth password and the key webhooks are signed with.
    pub auth_token: String,
    /// 127.0.0.1 port to listen on (0: any free port).
    pub port: u16,
    /// Area codes with numbers for sale (US, `+1`); searches in others find none.
    pub area_codes: Vec<String>,
    /// Numbers the account holds already (E.164), without webhooks: what
    /// `import_number` finds.
    pub owned_numbers: Vec<String>,
    /// Behaviour of numbers not in `callees`.
    pub default_callee: Callee,
    /// Behaviour per dialled number (E.164).
    pub callees: BTreeMap<String, Callee>,
    pub delivery: CallbackDelivery,
    pub rewrite: Option<UrlRewrite>,
    pub timing: Timing,
    /// How fast simulated callers talk on media streams.
    pub caller_pace: Pace,
    /// Longest a simulated caller stays on one stream.
    pub caller_timeout: Duration,
}

impl FakeTwilioConfig {
    pub fn new(account_sid: impl Into<String>, auth_token: impl Into<String>) -> Self {
        FakeTwilioConfig {
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            port: 0,
            area_codes: ["415", "212", "312", "512", "206", "617"]
                .map(String::from)
                .to_vec(),
            owned_numbers: Vec::new(),
            default_callee: Callee::default(),
            callees: BTreeMap::new(),
            delivery: CallbackDelivery::InOrder,
            rewrite: None,
            timing: Timing::default(),
            caller_pace: Pace::RealTime,
            caller_timeout: Duration::from_secs(60),
        }
    }

    /// A fresh account sid and the given token.
    pub fn with_token(auth_token: impl Into<String>) -> Self {
        Self::new(random_sid("AC"), auth_token)
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn owns(mut self, number: impl Into<String>) -> Self {
        self.owned_numbers.push(number.into());
        self
    }

    pub fn callee(mut self, number: impl Into<String>, callee: Callee) -> Self {
        self.callees.insert(number.into(), callee);
        self
    }

    pub fn default_callee(mut self, callee: Callee) -> Self {
        self.default_callee = callee;
        self
    }

    pub fn delivery(mut self, delivery: CallbackDelivery) -> Self {
        self.delivery = delivery;
        self
    }

    pub fn rewrite(mut self, rewrite: UrlRewrite) -> Self {
        self.rewrite = Some(rewrite);
        self
    }

    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    pub fn caller_pace(mut self, pace: Pace) -> Self {
        self.caller_pace = pace;
        self
    }
}

impl fmt::Debug for FakeTwilioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeTwilioConfig")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("port", &self.port)
            .field("area_codes", &self.area_codes)
            .field("owned_numbers", &self.owned_numbers)
            .field("default_callee", &self.default_callee)
            .field("callees", &self.callees)
            .field("delivery", &self.delivery)
            .field("rewrite", &self.rewrite)
            .field("timing", &self.timing)
            .field("caller_pace", &self.caller_pace)
            .field("caller_timeout", &self.caller_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_webhook_and_stream_urls_under_the_public_base() {
        let rewrite = UrlRewrite::new("https://sb.example/prefix/", "http://127.0.0.1:8080");
        let apply = |u| rewrite.apply(u);
        assert_eq!(
            apply("https://sb.example/prefix/webhooks/twilio/voice?x=1").as_deref(),
            Some("http://127.0.0.1:8080/webhooks/twilio/voice?x=1")
        );
        assert_eq!(
            apply("wss://sb.example/prefix/media/twilio").as_deref(),
            Some("ws://127.0.0.1:8080/media/twilio")
        );
        assert_eq!(apply("https://sb.example/prefixed/x"), None);
        assert_eq!(apply("https://other.example/prefix/x"), None);
    }

    #[test]
    fn debug_hides_the_token() {
        let config = FakeTwilioConfig::with_token("s3cret-token");
        assert!(!format!("{config:?}").contains("s3cret"));
    }
}
