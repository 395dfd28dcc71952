//! Calls and their records over HTTP: written through the store and the recorder task (as the
//! engine will), read through the API.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard::calls::spawn_recorder;
use switchboard_core::{CallDirection, CallOutcome};
use switchboard_store::{Call, NewCall, now_ms};
use switchboard_testkit::TestDatabase;
use switchboard_voice::records::{
    CallRecord, CostRecord, CostUnit, RecordSink, Speaker, TimelineEvent, TranscriptEntry,
    TurnLatency,
};

use crate::helpers::{TestApp, expect_error, read, spawn_app};

async fn new_call(app: &TestApp, tenant_id: &str, agent_id: Option<&str>) -> Call {
    app.store
        .create_call(
            tenant_id,
            NewCall {
                agent_id,
                user_id: None,
                direction: CallDirection::Outbound,
                from_number: Some("+15550000001"),
                to_number: Some("+15550000002"),
                variables: r#"{"name":"Ada"}"#,
                metadata: r#"{"campaign":"spring"}"#,
                carrier: None,
                carrier_call_id: None,
                phone_number_id: None,
                options: "{}",
            },
        )
        .await
        .unwrap()
}

fn said(seq: u32, speaker: Speaker, text: &str, interrupted: bool) -> CallRecord {
    CallRecord::Transcript(TranscriptEntry {
        seq,
        speaker,
        text: text.into(),
        start_ms: u64::from(seq) * 2_000,
        end_ms: u64::from(seq) * 2_000 + 1_500,
        interrupted,
    })
}

fn cost(role: &'static str, unit: CostUnit, units: u64, price: u64, per: u64) -> CallRecord {
    CallRecord::Cost(CostRecord {
        provider: "fake".into(),
        role,
        unit,
        units,
        unit_price_micros: price,
        per_units: per,
    })
}

async fn a_recorded_call_reads_back_as_transcript_timeline_and_costs(db: TestDatabase) {
    let app = spawn_app(db).await;
    let a = app.signup("a@example.com", "A").await;
    let (_, read_key) = app.api_key(&a, &["read"]).await;
    let call = new_call(&app, &a.tenant_id, Some("agt_1")).await;
    let started_at = now_ms();
    app.store
        .mark_call_started(&a.tenant_id, &call.id, started_at)
        .await
        .unwrap();

    let (sink, rx) = RecordSink::channel();
    let recorder = spawn_recorder(app.store.clone(), a.tenant_id.clone(), call.id.clone(), rx);
    sink.record(said(
        0,
        Speaker::Agent,
        "Hello, this is Sam from the clinic.",
        false,
    ));
    sink.record(CallRecord::Latency(TurnLatency {
        turn: 0,
        first_audio_ms: Some(310),
        ..Default::default()
    }));
    sink.record(said(
        1,
        Speaker::Caller,
        "Hi, can I move my appointment?",
        false,
    ));
    sink.record(cost("stt", CostUnit::AudioMs, 90_000, 4_300, 60_000));
    sink.record(said(
        2,
        Speaker::Agent,
        "Of course. Which day would suit you",
        false,
    ));
    sink.record(CallRecord::Latency(TurnLatency {
        turn: 1,
        speech_end_at_ms: Some(3_500),
        stt_final_ms: Some(140),
        llm_first_token_ms: Some(420),
        first_clause_ms: Some(610),
        tts_first_byte_ms: Some(790),
        first_audio_ms: Some(850),
    }));
    sink.record(CallRecord::Event(TimelineEvent {
        at_ms: 4_900,
        kind: "barge_in",
        data: r#"{"turn":1}"#.into(),
    }));
    // The barge-in truncates the agent's entry to what was heard: same seq, replaced.
    sink.record(said(2, Speaker::Agent, "Of course. Which", true));
    sink.record(cost("llm", CostUnit::OutputTokens, 15, 1, 10));
    sink.record(cost("llm", CostUnit::OutputTokens, 25, 1, 10));
    sink.record(cost("tts", CostUnit::Characters, 5, 100, 1_000));
    drop(sink);
    let summary = recorder.await.unwrap();
    assert_eq!(summary.written, 11);
    assert_eq!(summary.failed, 0);
    // 6450 (90 s at 4300/min) + 2 (1.5 rounds up) + 3 (2.5 rounds up) + 1 (0.5 rounds up).
    assert_eq!(summary.cost_micros, 6_456);

    app.store
        .finish_call(
            &a.tenant_id,
            &call.id,
            CallOutcome::Completed,
            "caller_hung_up",
            started_at + 12_000,
        )
        .await
        .unwrap();

    let (status, detail) = read(app.get(&format!("/v1/calls/{}", call.id), &read_key).await).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["id"], call.id.as_str());
    assert_eq!(detail["status"], "completed");
    assert_eq!(detail["direction"], "outbound");
    assert_eq!(detail["agent_id"], "agt_1");
    assert_eq!(detail["variables"], json!({ "name": "Ada" }));
    assert_eq!(detail["metadata"], json!({ "campaign": "spring" }));
    assert_eq!(detail["duration_ms"], 12_000);
    assert_eq!(detail["end_reason"], "caller_hung_up");
    assert_eq!(detail["cost_micros"], 6_456);
    assert_eq!(
        detail["totals"],
        json!({ "transcript_entries": 3, "turns": 2, "events": 1, "cost_events": 4, "cost_micros": 6_456 })
    );

    let (status, transcript) = read(
        app.get(&format!("/v1/calls/{}/transcript", call.id), &read_key)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{transcript}");
    let entries = transcript["data"].as_array().unwrap();
    let seen: Vec<(i64, &str, &str, bool)> = entries
        .iter()
        .map(|e| {
            (
                e["seq"].as_i64().unwrap(),
                e["speaker"].as_str().unwrap(),
                e["text"].as_str().unwrap(),
                e["interrupted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (0, "agent", "Hello, this is Sam from the clinic.", false),
            (1, "caller", "Hi, can I move my appointment?", false),
            (2, "agent", "Of course. Which", true),
        ]
    );
    assert_eq!(
        (
            entries[1]["start_ms"].as_i64(),
            entries[1]["end_ms"].as_i64()
        ),
        (Some(2_000), Some(3_500))
    );

    let (status, timeline) = read(
        app.get(&format!("/v1/calls/{}/events", call.id), &read_key)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    let items = timeline["data"].as_array().unwrap();
    assert_eq!(items.len(), 7, "{timeline}");
    let at: Vec<i64> = items.iter().map(|i| i["at_ms"].as_i64().unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "in time order: {at:?}");
    let turn_one = items
        .iter()
        .find(|i| i["type"] == "latency" && i["turn"] == 1)
        .expect("turn 1's latency");
    assert_eq!(turn_one["at_ms"], 3_500);
    assert_eq!(turn_one["llm_first_token_ms"], 420);
    assert_eq!(turn_one["first_audio_ms"], 850);
    let barge_in = items.iter().find(|i| i["type"] == "event").unwrap();
    assert_eq!(barge_in["kind"], "barge_in");
    assert_eq!(barge_in["at_ms"], 4_900);
    assert_eq!(barge_in["data"], json!({ "turn": 1 }));
    let turn_one_at = items.iter().position(|i| i == turn_one).unwrap();
    let barge_in_at = items.iter().position(|i| i == barge_in).unwrap();
    assert!(turn_one_at < barge_in_at, "{timeline}");
    let costs: Vec<&Value> = items.iter().filter(|i| i["type"] == "cost").collect();
    assert_eq!(costs.len(), 4);
    assert_eq!(costs[0]["role"], "stt");
    assert_eq!(costs[0]["cost_micros"], 6_450);
    assert_eq!(costs[0]["per_units"], 60_000);

    let (status, costs) = read(
        app.get(&format!("/v1/calls/{}/costs", call.id), &read_key)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{costs}");
    assert_eq!(
        costs,
        json!({
            "call_id": call.id,
            "total_micros": 6_456,
            "components": [
                { "role": "llm", "provider": "fake", "unit": "output_tokens", "units": 40, "cost_micros": 5, "events": 2 },
                { "role": "stt", "provider": "fake", "unit": "audio_ms", "units": 90_000, "cost_micros": 6_450, "events": 1 },
                { "role": "tts", "provider": "fake", "unit": "characters", "units": 5, "cost_micros": 1, "events": 1 },
            ]
        })
    );
}

async fn records_are_stored_as_they_arrive_not_at_the_end(db: TestDatabase) {
    let app = spawn_app(db).await;
    let a = app.signup("a@example.com", "A").await;
    let call = new_call(&app, &a.tenant_id, None).await;
    let (sink, rx) = RecordSink::channel();
    let recorder = spawn_recorder(app.store.clone(), a.tenant_id.clone(), call.id.clone(), rx);
    sink.record(said(0, Speaker::Agent, "Hello?", false));

    // The engine still holds its sink (the call goes on), yet the entry is already readable.
    let path = format!("/v1/calls/{}/transcript", call.id);
    let mut stored = Value::Null;
    for _ in 0..100 {
        let (_, body) = read(app.get(&path, &a.token).await).await;
        if body["data"].as_array().is_some_and(|d| !d.is_empty()) {
            stored = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stored["data"][0]["text"], "Hello?", "{stored}");
    assert!(!recorder.is_finished());
    drop(sink);
    assert_eq!(recorder.await.unwrap().written, 1);
}

async fn records_that_cannot_be_stored_are_counted_and_the_rest_kept(db: TestDatabase) {
    let app = spawn_app(db).await;
    let a = app.signup("a@example.com", "A").await;
    let b = app.signup("b@example.com", "B").await;
    let call = new_call(&app, &a.tenant_id, None).await;

    // A cost priced per 0 units sits between two good records in one batch.
    let (sink, rx) = RecordSink::channel();
    sink.record(said(0, Speaker::Agent, "Hello", false));
    sink.record(cost("tts", CostUnit::Characters, 5, 100, 0));
    sink.record(cost("stt", CostUnit::AudioMs, 60_000, 4_300, 60_000));
    drop(sink);
    let summary = spawn_recorder(app.store.clone(), a.tenant_id.clone(), call.id.clone(), rx)
        .await
        .unwrap();
    assert_eq!(
        (summary.written, summary.failed, summary.cost_micros),
        (2, 1, 4_300)
    );
    let totals = app.store.call_totals(&a.tenant_id, &call.id).await.unwrap();
    assert_eq!((totals.transcript_entries, totals.cost_events), (1, 1));

    // Records filed under another tenant's call are refused, after retries, and nothing lands.
    let (sink, rx) = RecordSink::channel();
    sink.record(said(5, Speaker::Caller, "not mine", false));
    drop(sink);
    let summary = spawn_recorder(app.store.clone(), b.tenant_id.clone(), call.id.clone(), rx)
        .await
        .unwrap();
    assert_eq!((summary.written, summary.failed), (0, 1));
    let transcript = app
        .store
        .call_transcript(&a.tenant_id, &call.id)
        .await
        .unwrap();
    assert_eq!(transcript.len(), 1);
}

async fn calls_list_newest_first_with_filters(db: TestDatabase) {
    let app = spawn_app(db).await;
    let a = app.signup("a@example.com", "A").await;
    let (_, read_key) = app.api_key(&a, &["read"]).await;
    let first = new_call(&app, &a.tenant_id, Some("agt_x")).await;
    let second = new_call(&app, &a.tenant_id, Some("agt_y")).await;
    let third = new_call(&app, &a.tenant_id, Some("agt_x")).await;
    app.store
        .mark_call_started(&a.tenant_id, &second.id, now_ms())
        .await
        .unwrap();

    let ids = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, page) = read(app.get("/v1/calls?limit=2", &read_key).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(ids(&page), [third.id.as_str(), second.id.as_str()]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = read(
        app.get(&format!("/v1/calls?limit=2&cursor={cursor}"), &read_key)
            .await,
    )
    .await;
    assert_eq!(ids(&rest), [first.id.as_str()]);
    assert!(rest["next_cursor"].is_null());

    let (_, by_agent) = read(app.get("/v1/calls?agent_id=agt_x", &read_key).await).await;
    assert_eq!(ids(&by_agent), [third.id.as_str(), first.id.as_str()]);
    let (_, live) = read(app.get("/v1/calls?status=in_progress", &read_key).await).await;
    assert_eq!(ids(&live), [second.id.as_str()]);
    assert_eq!(live["data"][0]["status"], "in_progress");

    let bad = expect_error(
        app.get("/v1/calls?status=done", &read_key).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(bad["error"]["field"], "status");

    // Another tenant sees none of them.
    let b = app.signup("b@example.com", "B").await;
    let (_, theirs) = read(app.get("/v1/calls", &b.token).await).await;
    assert_eq!(theirs["data"], json!([]));
}

switchboard_testkit::on_each_database!(
    a_recorded_call_reads_back_as_transcript_timeline_and_costs,
    records_are_stored_as_they_arrive_not_at_the_end,
    records_that_cannot_be_stored_are_counted_and_the_rest_kept,
    calls_list_newest_first_with_filters,
);
