//! The inbound-SMS URL callback (digest §5.3): the DID's template with `{FROM}` `{TO}`
//! `{MESSAGE}` `{ID}` `{DATE}` filled in, URL-encoded, sent as a GET. With
//! `url_callback_retry` on, any reply but a 2xx whose body is exactly `ok` makes VoIP.ms
//! send it again later (every 30 minutes; the status part is our strict reading \[I\]); the
//! fake records that instead of waiting.

use super::Shared;

/// One callback the fake sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackDelivery {
    /// The filled-in URL.
    pub url: String,
    /// `None` when the receiver could not be reached.
    pub status: Option<u16>,
    pub body: String,
    /// VoIP.ms would send this message again.
    pub will_retry: bool,
}

pub(super) async fn send(shared: &Shared, from: &str, to: &str, message: &str) -> CallbackDelivery {
    let (template, retry, id) = {
        let mut state = shared.state.lock().expect("state lock");
        let record = state
            .owned
            .iter()
            .find(|r| r.did == to && r.sms_enabled && r.url_callback_enabled)
            .unwrap_or_else(|| {
                panic!("fake VoIP.ms: {to} is not an owned DID with an SMS URL callback")
            });
        let (template, retry) = (record.url_callback.clone(), record.url_callback_retry);
        state.next_inbound_id += 1;
        (template, retry, state.next_inbound_id.to_string())
    };
    let date = super::methods::now_date();
    shared
        .state
        .lock()
        .expect("state lock")
        .received
        .push(super::FakeReceivedSms {
            id: id.clone(),
            did: to.to_owned(),
            contact: from.to_owned(),
            message: message.to_owned(),
            date: date.clone(),
        });
    let values = [
        ("{FROM}", from),
        ("{TO}", to),
        ("{MESSAGE}", message),
        ("{ID}", id.as_str()),
        ("{DATE}", date.as_str()),
    ];
    let url = values
        .into_iter()
        .fold(template, |url, (placeholder, value)| {
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            url.replace(placeholder, &encoded)
        });
    let (status, body) = match shared.http.get(&url).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            (Some(status), response.text().await.unwrap_or_default())
        }
        Err(_) => (None, String::new()),
    };
    let accepted = status.is_some_and(|s| (200..300).contains(&s)) && body == "ok";
    let delivery = CallbackDelivery {
        will_retry: retry && !accepted,
        url,
        status,
        body,
    };
    shared
        .state
        .lock()
        .expect("state lock")
        .callbacks
        .push(delivery.clone());
    delivery
}
