//! Running TwiML verb by verb; every verb that takes time gives way to a REST update or
//! the time limit.

use std::time::Duration;

use switchboard_telephony::twilio::callbacks::CallStatus;
use tokio::time::sleep;

use super::super::config::Callee;
use super::super::records::{CallEvent, Transfer, TwimlDocument, WebhookKind};
use super::super::state::{Interrupt, Source};
use super::super::twiml::{Dial, Document, Verb};
use super::super::webhook;
use super::{Call, interrupt, time_limit};
use crate::caller::random_sid;

/// TwiML being run, with the URL relative ones resolve against.
pub(super) struct Loaded {
    pub document: Document,
    pub url: Option<String>,
}

/// What to do after a verb.
pub(super) enum Step {
    Next,
    /// Fetch (or take) new TwiML and run it instead.
    Load {
        source: Source,
        extra: Vec<(String, String)>,
    },
    /// The call is over.
    Stop,
}

impl Call {
    pub(super) async fn execute(&mut self, mut current: Loaded) {
        let mut next = 0;
        loop {
            let Some(verb) = current.document.verbs.get(next).cloned() else {
                self.event(CallEvent::HungUp);
                return;
            };
            next += 1;
            let step = match verb {
                Verb::Say(text) => {
                    self.event(CallEvent::Said(text));
                    self.wait(self.shared.config.timing.speak).await
                }
                Verb::Play(url) => {
                    self.event(CallEvent::Played(url));
                    self.wait(self.shared.config.timing.speak).await
                }
                Verb::Pause(seconds) => {
                    self.event(CallEvent::Paused(seconds));
                    self.wait(self.shared.config.timing.pause_second * seconds)
                        .await
                }
                Verb::Hangup => {
                    self.event(CallEvent::HungUp);
                    return;
                }
                Verb::Redirect { url, method } => {
                    self.event(CallEvent::Redirected(url.clone()));
                    Step::Load {
                        source: Source::Url { url, method },
                        extra: Vec::new(),
                    }
                }
                Verb::Dial(dial) => self.dial(dial).await,
                Verb::Connect(stream) => self.stream(stream).await,
                Verb::Message(_) => {
                    self.error("12200 <Message> is not a voice verb".into());
                    Step::Next
                }
                Verb::Unsupported(name) => {
                    self.error(format!("the fake does not implement <{name}>"));
                    Step::Next
                }
            };
            match step {
                Step::Next => {}
                Step::Stop => return,
                Step::Load { source, extra } => {
                    match self.load(&source, current.url.as_deref(), extra).await {
                        Some(loaded) => {
                            current = loaded;
                            next = 0;
                        }
                        None => return,
                    }
                }
            }
        }
    }

    /// Lets `duration` pass on the line.
    async fn wait(&mut self, duration: Duration) -> Step {
        let deadline = self.deadline;
        tokio::select! {
            () = sleep(duration) => Step::Next,
            update = interrupt(&mut self.control) => self.interrupted(update),
            () = time_limit(deadline) => Step::Stop,
        }
    }

    pub(super) fn interrupted(&self, update: Interrupt) -> Step {
        match update {
            Interrupt::End => Step::Stop,
            Interrupt::Replace(source) => {
                self.event(CallEvent::Updated);
                Step::Load {
                    source,
                    extra: Vec::new(),
                }
            }
        }
    }

    /// Bridges to the first number; how that leg goes is its callee's behaviour. The call
    /// goes on after the leg (to `action` if given).
    async fn dial(&mut self, dial: Dial) -> Step {
        let to = dial.numbers.first().cloned().unwrap_or_default();
        let outcome = match self.shared.state().callee(&to) {
            Callee::Answer(_) | Callee::Machine(_) => CallStatus::Completed,
            Callee::Busy => CallStatus::Busy,
            Callee::NoAnswer => CallStatus::NoAnswer,
            Callee::Fail => CallStatus::Failed,
        };
        self.event(CallEvent::Dialed(Transfer {
            to,
            caller_id: dial.caller_id,
            outcome,
        }));
        let rang = self.wait(self.shared.config.timing.ring).await;
        if !matches!(rang, Step::Next) {
            return rang;
        }
        match dial.action {
            Some(url) => Step::Load {
                source: Source::Url {
                    url,
                    method: dial.method,
                },
                extra: vec![
                    ("DialCallStatus".into(), outcome.as_str().into()),
                    ("DialCallSid".into(), random_sid("CA")),
                    ("DialCallDuration".into(), "0".into()),
                    (
                        "DialBridged".into(),
                        (outcome == CallStatus::Completed).to_string(),
                    ),
                ],
            },
            None => Step::Next,
        }
    }

    /// Gets TwiML: inline, or by a signed request with the call's parameters. `None`
    /// (after noting Twilio's error) when it cannot be had.
    pub(super) async fn load(
        &mut self,
        source: &Source,
        base: Option<&str>,
        extra: Vec<(String, String)>,
    ) -> Option<Loaded> {
        let (url, twiml) = match source {
            Source::Inline(twiml) => (None, twiml.clone()),
            Source::Url { url, method } => {
                let absolute = match resolve(base, url) {
                    Ok(absolute) => absolute,
                    Err(reason) => {
                        self.error(format!("11200 HTTP retrieval failure: {reason}"));
                        return None;
                    }
                };
                let mut params = self.params();
                params.extend(extra);
                let answer = webhook::send(
                    &self.shared,
                    WebhookKind::Voice,
                    &self.spec.sid,
                    &absolute,
                    method,
                    params,
                )
                .await;
                if !answer.is_success() {
                    self.error(answer.failure());
                    return None;
                }
                (Some(absolute), answer.body)
            }
        };
        self.shared.update_call(&self.spec.sid, |e| {
            e.record.documents.push(TwimlDocument {
                url: url.clone(),
                twiml: twiml.clone(),
            })
        });
        match Document::parse(&twiml) {
            Ok(document) => Some(Loaded { document, url }),
            Err(reason) => {
                self.error(format!("12100 Document parse failure: {reason}"));
                None
            }
        }
    }
}

/// `url` made absolute against the document it appeared in.
fn resolve(base: Option<&str>, url: &str) -> Result<String, String> {
    if let Ok(absolute) = url::Url::parse(url) {
        return Ok(absolute.into());
    }
    let base = base.ok_or_else(|| format!("relative URL {url:?} in TwiML given inline"))?;
    url::Url::parse(base)
        .and_then(|b| b.join(url))
        .map(String::from)
        .map_err(|e| format!("URL {url:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_against_their_document() {
        let base = Some("https://sb.example/prefix/webhooks/twilio/voice?call=1");
        assert_eq!(
            resolve(base, "next").unwrap(),
            "https://sb.example/prefix/webhooks/twilio/next"
        );
        assert_eq!(resolve(base, "/x").unwrap(), "https://sb.example/x");
        assert_eq!(
            resolve(None, "https://a.example/b").unwrap(),
            "https://a.example/b"
        );
        assert!(resolve(None, "/x").is_err());
    }
}
