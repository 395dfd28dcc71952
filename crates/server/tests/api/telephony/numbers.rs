//! Numbers: search, provision (webhooks pointed at us), change, release; tenancy.

use reqwest::StatusCode;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::fakes::twilio::FakeTwilio;

use super::support::*;
use crate::conversation::support::{Fakes, persona};
use crate::helpers::{expect_error, read};

pub async fn numbers_are_searched_provisioned_pointed_at_us_and_released(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config()).await.unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;

    let (status, found) = read(
        app.post(
            "/v1/phone-numbers/search",
            &ada.token,
            json!({"country": "US", "area_code": "212", "capabilities": ["voice", "sms"], "limit": 3}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let offered = found["data"].as_array().unwrap();
    assert_eq!(offered.len(), 3, "{found}");
    assert!(
        offered
            .iter()
            .all(|n| n["phone_number"].as_str().unwrap().starts_with("+1212"))
    );
    let chosen = offered[0]["phone_number"].as_str().unwrap();

    let brad = persona(&app, &ada, "brad").await;
    let (status, number) = read(
        app.post(
            "/v1/phone-numbers",
            &ada.token,
            json!({"phone_number": chosen, "friendly_name": "Front desk", "inbound_agent_id": brad}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    assert_eq!(number["carrier"], "tw", "the only carrier is the default");
    assert_eq!(number["inbound_agent_id"], brad.as_str());
    let id = number["id"].as_str().unwrap();
    let held = twilio
        .numbers()
        .into_iter()
        .find(|n| n.phone_number == chosen)
        .expect("bought");
    let voice = held.voice_url.clone().unwrap();
    assert!(
        voice.starts_with(&app.base) && voice.contains(&format!("number_id={id}")),
        "{voice}"
    );
    assert!(
        held.sms_url
            .clone()
            .unwrap()
            .contains("/webhooks/twilio/sms"),
        "{held:?}"
    );

    // Buying it twice is refused before the carrier is asked.
    let again = app
        .post(
            "/v1/phone-numbers",
            &ada.token,
            json!({"phone_number": chosen}),
        )
        .await;
    expect_error(again, StatusCode::BAD_REQUEST, "invalid_request").await;

    let patch = app
        .request(reqwest::Method::PATCH, &format!("/v1/phone-numbers/{id}"), Some(&ada.token),
                 Some(json!({"inbound_agent_id": null, "sms_auto_response": {"mode": "template", "template": "Back soon."}})))
        .await;
    let (status, changed) = read(patch).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert!(changed["inbound_agent_id"].is_null());
    assert_eq!(changed["sms_auto_response"]["mode"], "template");
    assert_eq!(changed["sms_auto_response"]["template"], "Back soon.");
    let no_agent = app
        .request(
            reqwest::Method::PATCH,
            &format!("/v1/phone-numbers/{id}"),
            Some(&ada.token),
            Some(json!({"sms_auto_response": {"mode": "agent"}})),
        )
        .await;
    expect_error(no_agent, StatusCode::BAD_REQUEST, "invalid_request").await;

    // Another tenant cannot see, change or release it.
    let bob = app.signup("bob@example.com", "Bob's").await;
    let theirs = app
        .get(&format!("/v1/phone-numbers/{id}"), &bob.token)
        .await;
    expect_error(theirs, StatusCode::NOT_FOUND, "not_found").await;
    let release = app
        .request(
            reqwest::Method::DELETE,
            &format!("/v1/phone-numbers/{id}"),
            Some(&bob.token),
            None,
        )
        .await;
    expect_error(release, StatusCode::NOT_FOUND, "not_found").await;

    let release = app
        .request(
            reqwest::Method::DELETE,
            &format!("/v1/phone-numbers/{id}"),
            Some(&ada.token),
            None,
        )
        .await;
    assert_eq!(release.status(), StatusCode::NO_CONTENT);
    assert!(
        !twilio.numbers().iter().any(|n| n.phone_number == chosen),
        "released at the carrier"
    );
    let (_, list) = read(app.get("/v1/phone-numbers", &ada.token).await).await;
    assert!(list["data"].as_array().unwrap().is_empty());
}

pub async fn importing_a_number_the_account_does_not_hold_is_refused(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config()).await.unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let response = app
        .post(
            "/v1/phone-numbers",
            &ada.token,
            json!({"phone_number": "+14155550999", "mode": "import"}),
        )
        .await;
    expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "carrier_refused",
    )
    .await;
    let bad = app
        .post(
            "/v1/phone-numbers",
            &ada.token,
            json!({"phone_number": "4155550999"}),
        )
        .await;
    let body = expect_error(bad, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(body["error"]["field"], "phone_number");
    let (_, list) = read(app.get("/v1/phone-numbers", &ada.token).await).await;
    assert!(list["data"].as_array().unwrap().is_empty());
}
