//! VoIP.ms's SMS URL callback: unsigned, so the URL carries the number's secret; retried
//! until the answer is exactly `ok`, so repeats must change nothing.

use reqwest::StatusCode;
use switchboard_testkit::TestDatabase;

use super::support::*;
use crate::helpers::spawn_app_with;

/// `url` with the query parameter `name` set to `value`.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

pub async fn voipms_texts_arrive_once_and_only_with_the_numbers_secret(db: TestDatabase) {
    let fake = start_voipms(&[DID]).await;
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("vms".into(), voipms_account(&fake));
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's shop").await;
    let number = import(&app, &ada, DID_E164, "vms").await;
    let number_id = number["id"].as_str().unwrap();

    let did = fake
        .owned_dids()
        .into_iter()
        .find(|d| d.did == DID)
        .unwrap();
    assert!(did.sms_enabled && did.url_callback_enabled && did.url_callback_retry);
    assert!(
        did.url_callback.starts_with(&format!(
            "{}/webhooks/voipms/sms?number_id={number_id}&secret=",
            app.base
        )),
        "{}",
        did.url_callback
    );

    let text = "Is 5 ok? Fish & chips, 100% sure!";
    let delivery = fake.inbound_sms(TEXTER, DID, text).await;
    assert_eq!(delivery.status, Some(200), "{delivery:?}");
    assert_eq!(
        delivery.body, "ok",
        "exactly `ok`, or VoIP.ms sends it again"
    );
    assert!(!delivery.will_retry);
    let threads = conversations(&app, &ada).await;
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["our_number"], DID_E164);
    assert_eq!(threads[0]["other_number"], TEXTER_E164);
    assert_eq!(threads[0]["last_message"], text);

    // VoIP.ms sends the same message again: `ok`, and nothing new.
    let again = app.http.get(&delivery.url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.text().await.unwrap(), "ok");

    // Someone who knows the URL's shape but not the secret.
    let forged = with_param(
        &with_param(&delivery.url, "secret", "guessed"),
        "id",
        "999999",
    );
    let refused = app.http.get(&forged).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let mut without_secret = url::Url::parse(&forged).unwrap();
    let pairs: Vec<(String, String)> = without_secret
        .query_pairs()
        .filter(|(k, _)| k != "secret")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    without_secret.query_pairs_mut().clear().extend_pairs(pairs);
    let refused = app.http.get(without_secret).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let threads = conversations(&app, &ada).await;
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["unread_count"], 1, "{threads:?}");
    let messages = thread(&app, &ada, threads[0]["id"].as_str().unwrap()).await;
    assert_eq!(bodies(&messages), [("inbound".into(), text.into())]);

    // A new message (a new id) is stored.
    fake.inbound_sms(TEXTER, DID, "Second one").await;
    let threads = conversations(&app, &ada).await;
    assert_eq!(threads[0]["last_message"], "Second one");
    assert_eq!(threads[0]["unread_count"], 1);
}
