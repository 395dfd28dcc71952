//! STOP, START and HELP. VoIP.ms does nothing about them, so whatever the texter gets back
//! here comes from us; Twilio answers them itself, so we must not answer them again.

use reqwest::StatusCode;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::fakes::voipms::{CallbackDelivery, FakeVoipMs};

use super::support::*;
use crate::helpers::{Account, TestApp, expect_error, read, spawn_app_with};

fn accepted(delivery: &CallbackDelivery) {
    assert_eq!(delivery.status, Some(200), "{delivery:?}");
    assert_eq!(delivery.body, "ok", "{delivery:?}");
}

/// What VoIP.ms carried to the texter, in order.
fn texts_to_texter(fake: &FakeVoipMs) -> Vec<String> {
    fake.sent_sms()
        .into_iter()
        .filter(|sms| sms.dst == TEXTER)
        .map(|sms| sms.message)
        .collect()
}

/// Waits until the thread with the texter holds `count` messages; returns them.
async fn thread_of(app: &TestApp, account: &Account, count: usize) -> Vec<(String, String)> {
    eventually(&format!("{count} messages in the thread"), async || {
        let threads = conversations(app, account).await;
        let id = threads.first()?["id"].as_str()?.to_owned();
        let messages = bodies(&thread(app, account, &id).await);
        (messages.len() >= count).then_some(messages)
    })
    .await
}

pub async fn stop_start_and_help_are_answered_once_and_an_opt_out_blocks_sending(db: TestDatabase) {
    let fake = start_voipms(&[DID]).await;
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("vms".into(), voipms_account(&fake));
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's shop").await;
    import(&app, &ada, DID_E164, "vms").await;

    // Only the whole message is a keyword.
    accepted(&fake.inbound_sms(TEXTER, DID, "STOP please").await);
    let (status, body) =
        read(send_text(&app, &ada, DID_E164, TEXTER_E164, "Of course.").await).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "\"STOP please\" opts nobody out: {body}"
    );
    assert_eq!(texts_to_texter(&fake), ["Of course."]);

    accepted(&fake.inbound_sms(TEXTER, DID, "STOP").await);
    let messages = thread_of(&app, &ada, 4).await;
    let confirmation = &messages[3];
    assert_eq!(confirmation.0, "outbound");
    assert!(
        confirmation.1.contains("unsubscribed") && confirmation.1.contains("START"),
        "{confirmation:?}"
    );
    assert_eq!(texts_to_texter(&fake)[1], confirmation.1);

    accepted(&fake.inbound_sms(TEXTER, DID, "stop").await);
    quiet().await;
    assert_eq!(
        texts_to_texter(&fake).len(),
        2,
        "a second STOP is not confirmed again"
    );
    expect_error(
        send_text(&app, &ada, DID_E164, TEXTER_E164, "Flash sale!").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "recipient_opted_out",
    )
    .await;
    assert_eq!(
        texts_to_texter(&fake).len(),
        2,
        "nothing went to the carrier"
    );
    let messages = thread_of(&app, &ada, 5).await;
    assert_eq!(
        messages.len(),
        5,
        "the refused text is not stored: {messages:?}"
    );
    assert_eq!(messages[4], ("inbound".into(), "stop".into()));

    accepted(&fake.inbound_sms(TEXTER, DID, "Start").await);
    let messages = thread_of(&app, &ada, 7).await;
    assert_eq!(messages[6].0, "outbound");
    assert!(messages[6].1.contains("subscribed again"), "{messages:?}");
    let (status, body) =
        read(send_text(&app, &ada, DID_E164, TEXTER_E164, "Welcome back.").await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    accepted(&fake.inbound_sms(TEXTER, DID, "help").await);
    let messages = thread_of(&app, &ada, 10).await;
    assert_eq!(messages[9], ("outbound".into(), DEFAULT_HELP.into()));
    let carried = texts_to_texter(&fake);
    assert_eq!(carried.len(), 5, "{carried:?}");
    assert_eq!(carried[2], messages[6].1);
    assert_eq!(carried[3..], ["Welcome back.", DEFAULT_HELP]);
    quiet().await;
    assert_eq!(texts_to_texter(&fake).len(), 5, "HELP is answered once");
}

pub async fn twilio_answers_the_keywords_itself_and_we_do_not_answer_them_again(db: TestDatabase) {
    let fake = start_twilio().await;
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("tw".into(), twilio_account(&fake));
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's shop").await;
    import(&app, &ada, OURS, "tw").await;
    let replies_to_alice = || {
        fake.messages()
            .into_iter()
            .filter(|m| m.to == ALICE)
            .map(|m| (m.auto_reply, m.body))
            .collect::<Vec<_>>()
    };

    fake.inbound_sms(ALICE, OURS, "STOP").await.unwrap();
    quiet().await;
    expect_error(
        send_text(&app, &ada, OURS, ALICE, "Flash sale!").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "recipient_opted_out",
    )
    .await;
    fake.inbound_sms(ALICE, OURS, "START").await.unwrap();
    quiet().await;
    fake.inbound_sms(ALICE, OURS, "HELP").await.unwrap();
    quiet().await;

    let replies = replies_to_alice();
    assert_eq!(replies.len(), 3, "one reply per keyword: {replies:?}");
    assert!(
        replies.iter().all(|(auto, _)| *auto),
        "each is Twilio's own: {replies:?}"
    );
    let (status, body) = read(send_text(&app, &ada, OURS, ALICE, "Welcome back.").await).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "START opted Alice back in: {body}"
    );
    let threads = conversations(&app, &ada).await;
    let messages = bodies(&thread(&app, &ada, threads[0]["id"].as_str().unwrap()).await);
    assert_eq!(
        messages,
        [
            ("inbound".into(), "STOP".into()),
            ("inbound".into(), "START".into()),
            ("inbound".into(), "HELP".into()),
            ("outbound".into(), "Welcome back.".into()),
        ]
    );
}
