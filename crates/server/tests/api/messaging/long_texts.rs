//! A text longer than the carrier takes at once: VoIP.ms takes 160 characters per `sendSMS`.

use reqwest::StatusCode;
use switchboard_testkit::TestDatabase;

use super::support::*;
use crate::helpers::{expect_error, read, spawn_app_with};

pub async fn a_long_text_goes_out_in_pieces_and_is_stored_as_one_message(db: TestDatabase) {
    let fake = start_voipms(&[DID]).await;
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("vms".into(), voipms_account(&fake));
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's shop").await;
    import(&app, &ada, DID_E164, "vms").await;

    let body = "Your order is ready. ".repeat(19);
    let body = body.trim();
    assert_eq!(body.chars().count(), 398);
    let (status, sent) = read(send_text(&app, &ada, DID_E164, TEXTER_E164, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["segments"], 3);
    assert_eq!(sent["body"], body);

    let pieces = fake.sent_sms();
    assert_eq!(pieces.len(), 3, "one sendSMS per piece: {pieces:?}");
    assert!(pieces.iter().all(|p| p.did == DID && p.dst == TEXTER));
    assert!(
        pieces.iter().all(|p| p.message.chars().count() <= 160),
        "{pieces:?}"
    );
    let joined: String = pieces.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(joined, body, "nothing is lost or reordered");
    assert!(
        pieces[..2].iter().all(|p| p.message.ends_with(' ')),
        "split between words: {pieces:?}"
    );

    let threads = conversations(&app, &ada).await;
    let messages = thread(&app, &ada, threads[0]["id"].as_str().unwrap()).await;
    assert_eq!(messages.len(), 1, "one message, not three: {messages:?}");
    assert_eq!(messages[0]["body"], body);
    assert_eq!(messages[0]["segments"], 3);

    // Past 1600 characters nothing is sent at all.
    expect_error(
        send_text(&app, &ada, DID_E164, TEXTER_E164, &"x".repeat(1601)).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(fake.sent_sms().len(), 3);
}
