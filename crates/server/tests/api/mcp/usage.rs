//! The usage API: per-call charges, summaries by user, agent and day, and one charge per call.

use reqwest::StatusCode;
use serde_json::json;
use switchboard_core::{CallDirection, CallOutcome};
use switchboard_store::NewCall;
use switchboard_testkit::TestDatabase;

use super::support::*;
use crate::conversation::support::{Fakes, persona, start_call};
use crate::helpers::{expect_error, read};

pub async fn usage_is_summarised_by_user_agent_and_day_and_charged_once(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let app = spawn_mcp(db, &fakes, |_| {}).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let bob = app.signup("bob@example.com", "Bob's").await;

    let (status, pricing) = read(app.get("/v1/usage/pricing", &ada.token).await).await;
    assert_eq!(status, StatusCode::OK, "{pricing}");
    assert_eq!(pricing["currency"], "USD");
    assert_eq!(pricing["phone_call_per_minute_micros"], 16 * CENT);
    assert_eq!(
        pricing["web_call_per_minute_micros"],
        12 * CENT,
        "no telephony"
    );

    // Two finished calls of Ada's, finished the way the engine finishes them: a 120-second
    // phone call with Brad and a 61-second browser call.
    let brad = persona(&app, &ada, "brad").await;
    let (web_call, _) = start_call(&app, &ada, &brad, json!({"caller_name": "Ada"})).await;
    let phone_call = app
        .store
        .create_call(
            &ada.tenant_id,
            NewCall {
                agent_id: Some(&brad),
                user_id: Some(&ada.user_id),
                direction: CallDirection::Outbound,
                from_number: Some("+14155550100"),
                to_number: Some("+14155550199"),
                variables: "{}",
                metadata: "{}",
                carrier: Some("sim"),
                carrier_call_id: None,
                phone_number_id: None,
                options: "{}",
            },
        )
        .await
        .unwrap()
        .id;
    let ids = [phone_call, web_call];
    for (call_id, seconds) in ids.iter().zip([120_i64, 61]) {
        let store = &app.store;
        let ended = store
            .get_call(&ada.tenant_id, call_id)
            .await
            .unwrap()
            .created_at;
        let started = ended - seconds * 1000;
        store
            .mark_call_started(&ada.tenant_id, call_id, started)
            .await
            .unwrap();
        let call = store
            .finish_call(
                &ada.tenant_id,
                call_id,
                CallOutcome::Completed,
                "caller_hung_up",
                ended,
            )
            .await
            .unwrap();
        // Finishing races (stream end, status callback) settle the same call twice.
        switchboard::usage::settle(&app.state, &call).await;
        switchboard::usage::settle(&app.state, &call).await;
    }

    let (status, calls) = read(app.get("/v1/usage/calls", &ada.token).await).await;
    assert_eq!(status, StatusCode::OK, "{calls}");
    let records = calls["data"].as_array().unwrap();
    assert_eq!(records.len(), 2, "one record per call: {calls}");
    // Newest first: the browser call (no telephony), then the phone call.
    assert_eq!(records[0]["call_id"], ids[1].as_str());
    assert_eq!(records[0]["billed_seconds"], 61);
    assert_eq!(records[0]["components"]["telephony_micros"], 0);
    // 61 s at 2 and 10 cents a minute: 20 333.3 -> 20 334 and 101 666.7 -> 101 667.
    assert_eq!(records[0]["components"]["stt_micros"], 20_334);
    assert_eq!(records[0]["components"]["tts_micros"], 101_667);
    assert_eq!(records[0]["charge_micros"], 122_001);
    // Two minutes at 16 cents: 32 cents.
    assert_eq!(records[1]["call_id"], ids[0].as_str());
    assert_eq!(records[1]["billed_seconds"], 120);
    assert_eq!(records[1]["components"]["telephony_micros"], 8 * CENT);
    assert_eq!(records[1]["components"]["stt_micros"], 4 * CENT);
    assert_eq!(records[1]["components"]["tts_micros"], 20 * CENT);
    assert_eq!(records[1]["charge_micros"], 32 * CENT);

    let (status, by_user) = read(
        app.get(
            "/v1/usage/summary?group_by=user&from=2020-01-01T00:00:00Z",
            &ada.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{by_user}");
    assert_eq!(by_user["total"]["calls"], 2);
    assert_eq!(by_user["total"]["charge_micros"], 32 * CENT + 122_001);
    assert_eq!(by_user["groups"][0]["key"], ada.user_id.as_str());
    assert_eq!(by_user["groups"][0]["billed_seconds"], 181);
    let (_, by_agent) = read(
        app.get(
            "/v1/usage/summary?group_by=agent&from=2020-01-01T00:00:00Z",
            &ada.token,
        )
        .await,
    )
    .await;
    assert_eq!(by_agent["groups"][0]["key"], brad.as_str());
    let (_, by_day) = read(
        app.get(
            "/v1/usage/summary?group_by=day&from=2020-01-01T00:00:00Z",
            &ada.token,
        )
        .await,
    )
    .await;
    let today = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let days: Vec<&str> = by_day["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert!(days.contains(&today.as_str()), "{by_day}");
    let (_, only_brad) = read(
        app.get(
            &format!("/v1/usage/summary?agent_id={brad}&from=2020-01-01T00:00:00Z"),
            &ada.token,
        )
        .await,
    )
    .await;
    assert_eq!(only_brad["total"]["calls"], 2);
    let (_, future) = read(
        app.get(
            "/v1/usage/summary?from=2099-01-01T00:00:00Z&to=2099-02-01T00:00:00Z",
            &ada.token,
        )
        .await,
    )
    .await;
    assert_eq!(future["total"]["calls"], 0);
    assert_eq!(future["total"]["charge_micros"], 0);

    // Bob's tenant sees none of it.
    let (_, bobs) = read(
        app.get("/v1/usage/summary?from=2020-01-01T00:00:00Z", &bob.token)
            .await,
    )
    .await;
    assert_eq!(bobs["total"]["calls"], 0);
    let (_, bobs) = read(app.get("/v1/usage/calls", &bob.token).await).await;
    assert_eq!(bobs["data"], json!([]));

    expect_error(
        app.get("/v1/usage/summary?group_by=week", &ada.token).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    expect_error(
        app.get("/v1/usage/summary?from=yesterday", &ada.token)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    expect_error(
        app.get(
            "/v1/usage/calls?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            &ada.token,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
}
