//! Texts through Twilio: a number imported from the account, a text sent through the REST
//! API, replies arriving on the signed webhook and filed one thread per pair.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use switchboard_testkit::TestDatabase;

use super::support::*;
use crate::helpers::{read, spawn_app_with};

pub async fn texts_go_out_through_twilio_and_replies_fill_one_thread_per_pair(db: TestDatabase) {
    let fake = start_twilio().await;
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("tw".into(), twilio_account(&fake));
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's shop").await;

    let number = import(&app, &ada, OURS, "tw").await;
    let number_id = number["id"].as_str().unwrap();
    assert_eq!(number["carrier"], "tw");
    assert_eq!(number["capabilities"]["sms"], true, "{number}");
    let held = fake
        .numbers()
        .into_iter()
        .find(|n| n.phone_number == OURS)
        .unwrap();
    assert_eq!(
        held.sms_url.as_deref(),
        Some(format!("{}/webhooks/twilio/sms?number_id={number_id}", app.base).as_str()),
        "importing points the number's texts at us"
    );

    let (status, sent) =
        read(send_text(&app, &ada, OURS, ALICE, "Your table is ready.").await).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["direction"], "outbound");
    assert_eq!(sent["from"], OURS);
    assert_eq!(sent["to"], ALICE);
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["segments"], 1);
    let carried: Vec<_> = fake
        .messages()
        .into_iter()
        .filter(|m| m.direction == "outbound-api")
        .map(|m| (m.from, m.to, m.body))
        .collect();
    assert_eq!(
        carried,
        [(OURS.into(), ALICE.into(), "Your table is ready.".into())]
    );

    for text in ["Thanks! On my way.", "Two minutes."] {
        let outcome = fake.inbound_sms(ALICE, OURS, text).await.unwrap();
        assert_eq!(outcome.status, Some(200));
        assert!(outcome.replies.is_empty(), "{:?}", outcome.replies);
    }
    let threads = conversations(&app, &ada).await;
    assert_eq!(threads.len(), 1, "{threads:?}");
    let alice_thread = threads[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(threads[0]["our_number"], OURS);
    assert_eq!(threads[0]["other_number"], ALICE);
    assert_eq!(threads[0]["last_message"], "Two minutes.");
    assert_eq!(
        threads[0]["unread_count"], 2,
        "only inbound texts are unread"
    );
    assert_eq!(sent["conversation_id"], alice_thread);

    let messages = thread(&app, &ada, &alice_thread).await;
    assert_eq!(
        bodies(&messages),
        [
            ("outbound".into(), "Your table is ready.".into()),
            ("inbound".into(), "Thanks! On my way.".into()),
            ("inbound".into(), "Two minutes.".into()),
        ]
    );
    assert_eq!(messages[1]["from"], ALICE);
    assert_eq!(messages[1]["to"], OURS);
    assert_eq!(messages[1]["status"], "received");
    assert_eq!(
        conversations(&app, &ada).await[0]["unread_count"],
        0,
        "reading the thread marks it read"
    );

    // Another person is another thread, and the newest activity comes first.
    tokio::time::sleep(Duration::from_millis(5)).await;
    fake.inbound_sms(BOB, OURS, "Is the shop open?")
        .await
        .unwrap();
    let threads = conversations(&app, &ada).await;
    let pairs: Vec<_> = threads
        .iter()
        .map(|t| (t["other_number"].clone(), t["unread_count"].clone()))
        .collect();
    assert_eq!(pairs, [(json!(BOB), json!(1)), (json!(ALICE), json!(0))]);

    tokio::time::sleep(Duration::from_millis(5)).await;
    let (status, sent) = read(
        app.post(
            "/v1/messages",
            &ada.token,
            json!({"phone_number_id": number_id, "to": ALICE, "body": "See you soon."}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let threads = conversations(&app, &ada).await;
    assert_eq!(
        threads[0]["other_number"], ALICE,
        "sending moves the thread up"
    );
    assert_eq!(threads[0]["last_message"], "See you soon.");
    assert_eq!(threads[0]["unread_count"], 0);
    assert_eq!(threads[1]["other_number"], BOB);
    assert_eq!(threads.len(), 2);
}
