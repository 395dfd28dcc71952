//! One tenant's numbers and threads are invisible to another.

use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_testkit::TestDatabase;

use super::support::*;
use crate::helpers::{expect_error, spawn_app_with};

pub async fn another_tenants_numbers_and_threads_are_not_found(db: TestDatabase) {
    let fake = start_twilio().await;
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("tw".into(), twilio_account(&fake));
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's shop").await;
    let eve = app.signup("eve@example.com", "Eve's shop").await;
    let number = import(&app, &ada, OURS, "tw").await;
    let number_id = number["id"].as_str().unwrap();
    fake.inbound_sms(ALICE, OURS, "Hi Ada").await.unwrap();
    let threads = conversations(&app, &ada).await;
    let thread_id = threads[0]["id"].as_str().unwrap();

    assert!(conversations(&app, &eve).await.is_empty());
    expect_error(
        app.get(
            &format!("/v1/conversations/{thread_id}/messages"),
            &eve.token,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        conversations(&app, &ada).await[0]["unread_count"],
        1,
        "Eve's attempt did not mark Ada's thread read"
    );

    let number_path = format!("/v1/phone-numbers/{number_id}");
    expect_error(
        app.get(&number_path, &eve.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        patch_number(&app, &eve, number_id, json!({"friendly_name": "mine now"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.request(Method::DELETE, &number_path, Some(&eve.token), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (_, listed) = crate::helpers::read(app.get("/v1/phone-numbers", &eve.token).await).await;
    assert_eq!(listed["data"], json!([]));

    // Nor can Eve text from Ada's number, by value or by id, or take it over.
    let texted = expect_error(
        send_text(&app, &eve, OURS, ALICE, "Hi from Eve").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(texted["error"]["field"], "from");
    expect_error(
        app.post(
            "/v1/messages",
            &eve.token,
            json!({"phone_number_id": number_id, "to": ALICE, "body": "Hi from Eve"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert!(
        fake.messages()
            .iter()
            .all(|m| m.direction != "outbound-api"),
        "nothing went out"
    );
    expect_error(
        app.post(
            "/v1/phone-numbers",
            &eve.token,
            json!({"phone_number": OURS, "carrier": "tw", "mode": "import"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    let (status, _) = crate::helpers::read(app.get(&number_path, &ada.token).await).await;
    assert_eq!(status, StatusCode::OK, "Ada still has her number");
}
