//! Messages: sending with Twilio's opt-out rules, delivery callbacks, and texts arriving
//! at our numbers (with Twilio's own STOP/START/HELP handling, which still forwards).

use std::sync::Arc;

use jiff::Timestamp;

use super::call::Hook;
use super::outbox::{Callback, Outbox};
use super::records::{InboundSmsOutcome, MessageRecord, WebhookKind};
use super::state::{MessageEntry, Shared};
use super::twiml::{Document, Verb};
use super::webhook;
use super::wire::{API_VERSION, segments};
use crate::caller::random_sid;

/// The recipient texted STOP to this number.
pub(super) const OPTED_OUT: u32 = 21610;

/// What a whole-message keyword does (only the exact word counts, in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    OptOut,
    OptIn,
    Help,
}

fn keyword(body: &str) -> Option<Keyword> {
    let word = body.trim().to_ascii_uppercase();
    match word.as_str() {
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => Some(Keyword::OptOut),
        "START" | "YES" | "UNSTOP" => Some(Keyword::OptIn),
        "HELP" | "INFO" => Some(Keyword::Help),
        _ => None,
    }
}

impl Keyword {
    fn reply(self) -> &'static str {
        match self {
            Keyword::OptOut => {
                "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe."
            }
            Keyword::OptIn => {
                "You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
            }
            Keyword::Help => "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
        }
    }
}

/// A message the account sends. `Err(21610)` when `to` opted out of `from`; otherwise the
/// record (queued) with `sent` and `delivered` callbacks on their way.
pub(super) fn send(
    shared: &Arc<Shared>,
    from: &str,
    to: &str,
    body: &str,
    direction: &str,
    status_callback: Option<Hook>,
) -> Result<MessageRecord, u32> {
    let record = {
        let mut state = shared.state();
        if state.opt_outs.contains(&(to.to_owned(), from.to_owned())) {
            return Err(OPTED_OUT);
        }
        let record = MessageRecord {
            sid: random_sid("SM"),
            direction: direction.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            body: body.to_owned(),
            status: "queued".to_owned(),
            num_segments: segments(body),
            auto_reply: false,
            error_code: None,
        };
        state.messages.push(MessageEntry {
            record: record.clone(),
            created: Timestamp::now(),
        });
        record
    };
    tokio::spawn(deliver(shared.clone(), record.clone(), status_callback));
    Ok(record)
}

/// `sent` then `delivered`, each with its callback.
async fn deliver(shared: Arc<Shared>, record: MessageRecord, hook: Option<Hook>) {
    let outbox = Outbox::start(shared.clone(), record.sid.clone());
    for status in ["sent", "delivered"] {
        set_status(&shared, &record.sid, status);
        if let Some(hook) = &hook {
            let params = [
                ("AccountSid", shared.config.account_sid.as_str()),
                ("ApiVersion", API_VERSION),
                ("MessageSid", record.sid.as_str()),
                ("MessageStatus", status),
                ("SmsSid", record.sid.as_str()),
                ("SmsStatus", status),
                ("From", record.from.as_str()),
                ("To", record.to.as_str()),
            ];
            outbox.send(Callback {
                kind: WebhookKind::MessageStatus,
                url: hook.url.clone(),
                method: hook.method.clone(),
                params: params
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            });
        }
    }
    outbox.finish().await;
}

fn set_status(shared: &Shared, sid: &str, status: &str) {
    let mut state = shared.state();
    if let Some(entry) = state.messages.iter_mut().find(|m| m.record.sid == sid) {
        entry.record.status = status.to_owned();
    }
}

fn push(shared: &Shared, record: MessageRecord) {
    shared.state().messages.push(MessageEntry {
        record,
        created: Timestamp::now(),
    });
}

/// A text from `from` to our `to`, whose `SmsUrl` is `url`.
pub(super) async fn receive(
    shared: &Arc<Shared>,
    from: &str,
    to: &str,
    body: &str,
    url: Hook,
) -> InboundSmsOutcome {
    let sid = random_sid("SM");
    push(
        shared,
        MessageRecord {
            sid: sid.clone(),
            direction: "inbound".into(),
            from: from.into(),
            to: to.into(),
            body: body.into(),
            status: "received".into(),
            num_segments: segments(body),
            auto_reply: false,
            error_code: None,
        },
    );
    if let Some(keyword) = keyword(body) {
        let pair = (from.to_owned(), to.to_owned());
        match keyword {
            Keyword::OptOut => {
                shared.state().opt_outs.insert(pair);
            }
            Keyword::OptIn => {
                shared.state().opt_outs.remove(&pair);
            }
            Keyword::Help => {}
        }
        push(
            shared,
            MessageRecord {
                sid: random_sid("SM"),
                direction: "outbound-reply".into(),
                from: to.into(),
                to: from.into(),
                body: keyword.reply().into(),
                status: "delivered".into(),
                num_segments: segments(keyword.reply()),
                auto_reply: true,
                error_code: None,
            },
        );
    }
    let segments = segments(body).to_string();
    let params = [
        ("MessageSid", sid.as_str()),
        ("SmsSid", sid.as_str()),
        ("SmsMessageSid", sid.as_str()),
        ("AccountSid", shared.config.account_sid.as_str()),
        ("From", from),
        ("To", to),
        ("Body", body),
        ("NumMedia", "0"),
        ("NumSegments", segments.as_str()),
        ("SmsStatus", "received"),
        ("ApiVersion", API_VERSION),
        ("FromCity", ""),
        ("FromState", ""),
        ("FromZip", ""),
        ("FromCountry", "US"),
        ("ToCity", ""),
        ("ToState", ""),
        ("ToZip", ""),
        ("ToCountry", "US"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let answer = webhook::send(
        shared,
        WebhookKind::Sms,
        &sid,
        &url.url,
        &url.method,
        params,
    )
    .await;
    let mut replies = Vec::new();
    if answer.is_success()
        && let Ok(document) = Document::parse(&answer.body)
    {
        for verb in document.verbs {
            let Verb::Message(message) = verb else {
                continue;
            };
            let reply_to = message.to.as_deref().unwrap_or(from);
            let reply_from = message.from.as_deref().unwrap_or(to);
            replies.push(message.body.clone());
            if let Err(code) = send(
                shared,
                reply_from,
                reply_to,
                &message.body,
                "outbound-reply",
                None,
            ) {
                push(
                    shared,
                    MessageRecord {
                        sid: random_sid("SM"),
                        direction: "outbound-reply".into(),
                        from: reply_from.into(),
                        to: reply_to.into(),
                        body: message.body,
                        status: "failed".into(),
                        num_segments: 1,
                        auto_reply: false,
                        error_code: Some(code),
                    },
                );
            }
        }
    }
    InboundSmsOutcome {
        sid,
        status: answer.status,
        replies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_word_counts() {
        for word in [
            "STOP",
            "stop",
            " Stop\n",
            "STOPALL",
            "unsubscribe",
            "Cancel",
            "END",
            "quit",
        ] {
            assert_eq!(keyword(word), Some(Keyword::OptOut), "{word:?}");
        }
        for word in ["START", "yes", "Unstop"] {
            assert_eq!(keyword(word), Some(Keyword::OptIn), "{word:?}");
        }
        assert_eq!(keyword("help"), Some(Keyword::Help));
        for word in ["STOP PLEASE", "stopp", "please stop", ""] {
            assert_eq!(keyword(word), None, "{word:?}");
        }
    }
}
