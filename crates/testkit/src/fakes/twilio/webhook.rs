//! Requests from the fake to the server: signed like Twilio's, sent where the rewrite says,
//! and recorded.

use reqwest::header::{CONTENT_TYPE, USER_AGENT};
use switchboard_telephony::twilio::signature;

use super::records::{WebhookKind, WebhookRecord};
use super::state::Shared;

/// What the server answered.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    /// `None` when no answer came (refused, timed out).
    pub status: Option<u16>,
    pub body: String,
    pub error: Option<String>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// Twilio's notification for a failed TwiML request.
    pub fn failure(&self) -> String {
        match (self.status, &self.error) {
            (Some(status), _) => {
                format!("11200 HTTP retrieval failure: the server answered {status}")
            }
            (None, Some(error)) => format!("11200 HTTP retrieval failure: {error}"),
            (None, None) => "11200 HTTP retrieval failure".to_owned(),
        }
    }
}

/// One webhook about `sid`. `method` is `GET` (the form goes in the query) or `POST`.
pub(super) async fn send(
    shared: &Shared,
    kind: WebhookKind,
    sid: &str,
    url: &str,
    method: &str,
    params: Vec<(String, String)>,
) -> Answer {
    let get = method.eq_ignore_ascii_case("GET");
    let (signed_url, signature) = if get {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        let sep = if url.contains('?') { '&' } else { '?' };
        let full = format!("{url}{sep}{query}");
        let signature = signature::sign(
            &shared.config.auth_token,
            &full,
            std::iter::empty::<(&str, &str)>(),
        );
        (full, signature)
    } else {
        let pairs = params.iter().map(|(k, v)| (k, v));
        let signature = signature::sign(&shared.config.auth_token, url, pairs);
        (url.to_owned(), signature)
    };
    let delivered_to = shared
        .config
        .rewrite
        .as_ref()
        .and_then(|r| r.apply(&signed_url))
        .unwrap_or_else(|| signed_url.clone());
    let request = if get {
        shared.http.get(&delivered_to)
    } else {
        shared
            .http
            .post(&delivered_to)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&params)
                    .finish(),
            )
    };
    let at = shared.started.elapsed();
    let result = request
        .header(signature::HEADER, &signature)
        .header(USER_AGENT, "TwilioProxy/1.1")
        .timeout(shared.config.timing.webhook_timeout)
        .send()
        .await;
    let answer = match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            Answer {
                status: Some(status),
                body,
                error: None,
            }
        }
        Err(e) => Answer {
            status: None,
            body: String::new(),
            error: Some(e.without_url().to_string()),
        },
    };
    shared.state().webhooks.push(WebhookRecord {
        kind,
        sid: sid.to_owned(),
        url: url.to_owned(),
        delivered_to,
        method: if get { "GET" } else { "POST" }.to_owned(),
        params,
        signature,
        status: answer.status,
        error: answer.error.clone(),
        at,
    });
    answer
}
