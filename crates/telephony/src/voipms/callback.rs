//! The inbound-SMS URL callback (digest §5.3): VoIP.ms fills our URL template's
//! `{FROM}` `{TO}` `{MESSAGE}` `{ID}` `{DATE}` and sends a GET (a POST form is accepted
//! too). It is not signed: put a secret token of ours in the template and check it.
//! With `url_callback_retry=1` VoIP.ms re-sends every 30 minutes until the body of the
//! reply is exactly [`REPLY`].

use super::nanp;

/// The reply body that stops VoIP.ms re-sending, with no quotes.
pub const REPLY: &str = "ok";

/// The query VoIP.ms fills in, appended to `url` (which may carry its own query, e.g. our
/// token).
pub fn url_template(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}to={{TO}}&from={{FROM}}&message={{MESSAGE}}&id={{ID}}&date={{DATE}}")
}

/// One inbound SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundSms {
    /// E.164.
    pub from: String,
    /// E.164: our DID.
    pub to: String,
    pub message: String,
    /// VoIP.ms's message id, when it filled `{ID}` \[I\].
    pub id: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`, when it filled `{DATE}` \[I\].
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the SMS callback has no {0} parameter")]
    Missing(&'static str),
    #[error("the SMS callback's {field} is not a North American number: {value:?}")]
    NotNanp { field: &'static str, value: String },
}

impl InboundSms {
    /// Reads the decoded query (or form) pairs; names are matched without regard to case.
    /// `to`, `from` and `message` are required; `id` and `date` are optional, and a
    /// placeholder VoIP.ms left unfilled counts as absent.
    pub fn from_query(pairs: &[(String, String)]) -> Result<Self, CallbackError> {
        let get = |name: &'static str| {
            pairs
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str())
                .filter(|value| !is_placeholder(value))
        };
        let number = |name: &'static str| {
            let value = get(name).ok_or(CallbackError::Missing(name))?;
            nanp::to_e164(value).ok_or_else(|| CallbackError::NotNanp {
                field: name,
                value: value.to_owned(),
            })
        };
        Ok(Self {
            from: number("from")?,
            to: number("to")?,
            message: get("message")
                .ok_or(CallbackError::Missing("message"))?
                .to_owned(),
            id: get("id").filter(|id| !id.is_empty()).map(str::to_owned),
            date: get("date")
                .filter(|date| !date.is_empty())
                .map(str::to_owned),
        })
    }

    /// What identifies a re-sent callback: the id, else from, to, message and date.
    pub fn dedupe_key(&self) -> String {
        match &self.id {
            Some(id) => format!("id:{id}"),
            None => format!(
                "{}|{}|{}|{}",
                self.from,
                self.to,
                self.date.as_deref().unwrap_or(""),
                self.message
            ),
        }
    }
}

/// `{ID}` and the like, left as is.
fn is_placeholder(value: &str) -> bool {
    value.len() > 2
        && value.starts_with('{')
        && value.ends_with('}')
        && value[1..value.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_uppercase())
}
