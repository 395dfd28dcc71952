//! Calls and their records on both databases: lifecycle rules, upserts, pricing, tenancy.

use std::num::NonZeroU64;

use switchboard_core::{CallDirection, CallOutcome, CallStatus};
use switchboard_store::{
    Call, CallFilter, NewCall, NewCallEvent, NewCostEvent, NewTranscriptEntry, NewTurnLatency,
    PageRequest, Store, StoreError,
};
use switchboard_testkit::TestDatabase;

async fn open(db: &TestDatabase) -> Store {
    Store::open(&db.url).await.expect("open and migrate")
}

fn outbound(agent_id: Option<&str>) -> NewCall<'_> {
    NewCall {
        agent_id,
        user_id: None,
        direction: CallDirection::Outbound,
        from_number: Some("+15550000001"),
        to_number: Some("+15550000002"),
        variables: r#"{"name":"Ada"}"#,
        metadata: "{}",
        carrier: None,
        carrier_call_id: None,
        phone_number_id: None,
        options: "{}",
    }
}

async fn call_of_new_tenant(store: &Store) -> Call {
    let tenant = store.create_tenant("A").await.unwrap();
    store.create_call(&tenant.id, outbound(None)).await.unwrap()
}

fn cost<'a>(role: &'a str, units: u64, price: u64, per: u64) -> NewCostEvent<'a> {
    NewCostEvent {
        provider: "fake",
        role,
        unit: "audio_ms",
        units,
        unit_price_micros: price,
        per_units: NonZeroU64::new(per).unwrap(),
    }
}

async fn a_call_is_created_queued_and_read_back(db: TestDatabase) {
    let store = open(&db).await;
    let tenant = store.create_tenant("A").await.unwrap();
    let call = store
        .create_call(&tenant.id, outbound(Some("agt_1")))
        .await
        .unwrap();
    assert!(call.id.starts_with("call_"), "{}", call.id);
    assert_eq!(call.status(), CallStatus::Queued);
    assert_eq!(call.direction(), CallDirection::Outbound);
    let read = store.get_call(&tenant.id, &call.id).await.unwrap();
    assert_eq!(read.agent_id.as_deref(), Some("agt_1"));
    assert_eq!(read.variables, r#"{"name":"Ada"}"#);
    assert_eq!(read.to_number.as_deref(), Some("+15550000002"));
    assert_eq!(read.started_at, None);
    assert_eq!(read.cost_micros, None);
}

async fn calls_list_newest_first_with_filters_and_pages(db: TestDatabase) {
    let store = open(&db).await;
    let tenant = store.create_tenant("A").await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let agent = if i % 2 == 0 { "agt_even" } else { "agt_odd" };
        ids.push(
            store
                .create_call(&tenant.id, outbound(Some(agent)))
                .await
                .unwrap()
                .id,
        );
    }
    store
        .mark_call_started(&tenant.id, &ids[1], 1_000)
        .await
        .unwrap();
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();

    let first = store
        .list_calls(&tenant.id, &CallFilter::default(), &PageRequest::first(3))
        .await
        .unwrap();
    let first_ids: Vec<&str> = first.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(first_ids, newest_first[..3]);
    let cursor = first.next_cursor.expect("a second page");
    let second = store
        .list_calls(
            &tenant.id,
            &CallFilter::default(),
            &PageRequest {
                limit: 3,
                after: switchboard_store::Cursor::decode(&cursor),
            },
        )
        .await
        .unwrap();
    let second_ids: Vec<&str> = second.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(second_ids, newest_first[3..]);
    assert!(second.next_cursor.is_none());

    let even = store
        .list_calls(
            &tenant.id,
            &CallFilter {
                agent_id: Some("agt_even"),
                ..Default::default()
            },
            &PageRequest::first(10),
        )
        .await
        .unwrap();
    let even_ids: Vec<&str> = even.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(even_ids, [&ids[4], &ids[2], &ids[0]]);

    let live = store
        .list_calls(
            &tenant.id,
            &CallFilter {
                status: Some(CallStatus::InProgress),
                ..CallFilter::default()
            },
            &PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(live.items.len(), 1);
    assert_eq!(live.items[0].id, ids[1]);
}

async fn another_tenants_call_is_not_found_and_takes_no_records(db: TestDatabase) {
    let store = open(&db).await;
    let call = call_of_new_tenant(&store).await;
    let other = store.create_tenant("B").await.unwrap();

    assert!(matches!(
        store.get_call(&other.id, &call.id).await,
        Err(StoreError::NotFound)
    ));
    for result in [
        store.mark_call_started(&other.id, &call.id, 1).await,
        store
            .finish_call(&other.id, &call.id, CallOutcome::Completed, "x", 2)
            .await,
        store.set_call_summary(&other.id, &call.id, "mine").await,
    ] {
        assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    }
    let listed = store
        .list_calls(&other.id, &CallFilter::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert!(listed.items.is_empty());

    // Records filed under another tenant's call are refused by the database.
    let mut batch = store.begin_call_records(&other.id, &call.id).await.unwrap();
    let written = batch
        .add_call_event(&NewCallEvent {
            at_ms: 0,
            kind: "barge_in",
            data: "{}",
        })
        .await;
    assert!(written.is_err(), "{written:?}");
    drop(batch);
    assert!(
        store
            .call_events(&call.tenant_id, &call.id)
            .await
            .unwrap()
            .is_empty()
    );
    let unchanged = store.get_call(&call.tenant_id, &call.id).await.unwrap();
    assert_eq!(unchanged.status(), CallStatus::Queued);
    assert_eq!(unchanged.summary, None);
}

async fn status_moves_forward_only_and_a_finish_is_final(db: TestDatabase) {
    let store = open(&db).await;
    let call = call_of_new_tenant(&store).await;
    let (tenant, id) = (call.tenant_id.as_str(), call.id.as_str());

    assert_eq!(
        store.mark_call_ringing(tenant, id).await.unwrap().status(),
        CallStatus::Ringing
    );
    let started = store.mark_call_started(tenant, id, 10_000).await.unwrap();
    assert_eq!(started.status(), CallStatus::InProgress);
    assert_eq!(started.started_at, Some(10_000));
    // Neither a late ringing callback nor a second answer moves it back or restarts it.
    assert_eq!(
        store.mark_call_ringing(tenant, id).await.unwrap().status(),
        CallStatus::InProgress
    );
    assert_eq!(
        store
            .mark_call_started(tenant, id, 20_000)
            .await
            .unwrap()
            .started_at,
        Some(10_000)
    );

    let mut batch = store.begin_call_records(tenant, id).await.unwrap();
    assert_eq!(
        batch
            .add_cost_event(&cost("stt", 90_000, 4_300, 60_000))
            .await
            .unwrap(),
        6_450
    );
    assert_eq!(
        batch
            .add_cost_event(&cost("tts", 5, 100, 1_000))
            .await
            .unwrap(),
        1
    );
    batch.commit().await.unwrap();

    let finished = store
        .finish_call(tenant, id, CallOutcome::Completed, "hangup", 75_500)
        .await
        .unwrap();
    assert_eq!(finished.status(), CallStatus::Completed);
    assert_eq!(finished.ended_at, Some(75_500));
    assert_eq!(finished.duration_ms, Some(65_500));
    assert_eq!(finished.end_reason.as_deref(), Some("hangup"));
    assert_eq!(finished.cost_micros, Some(6_451));

    // A late cost and a second finish change nothing on the call.
    let mut batch = store.begin_call_records(tenant, id).await.unwrap();
    batch.add_cost_event(&cost("llm", 1, 7, 1)).await.unwrap();
    batch.commit().await.unwrap();
    let again = store
        .finish_call(tenant, id, CallOutcome::Failed, "error", 99_000)
        .await
        .unwrap();
    assert_eq!(again.status(), CallStatus::Completed);
    assert_eq!(again.ended_at, Some(75_500));
    assert_eq!(again.end_reason.as_deref(), Some("hangup"));
    assert_eq!(again.cost_micros, Some(6_451));
    let after = store.mark_call_started(tenant, id, 1).await.unwrap();
    assert_eq!(after.status(), CallStatus::Completed);
    assert_eq!(
        store.mark_call_ringing(tenant, id).await.unwrap().status(),
        CallStatus::Completed
    );

    let summarised = store
        .set_call_summary(tenant, id, "Booked a table.")
        .await
        .unwrap();
    assert_eq!(summarised.summary.as_deref(), Some("Booked a table."));
    assert_eq!(summarised.status(), CallStatus::Completed);
}

async fn a_call_that_never_connected_lasted_nothing(db: TestDatabase) {
    let store = open(&db).await;
    let call = call_of_new_tenant(&store).await;
    let busy = store
        .finish_call(&call.tenant_id, &call.id, CallOutcome::Busy, "busy", 5_000)
        .await
        .unwrap();
    assert_eq!(busy.status(), CallStatus::Busy);
    assert_eq!(busy.duration_ms, Some(0));
    assert_eq!(busy.started_at, None);
    assert_eq!(busy.cost_micros, Some(0));
}

async fn transcript_entries_upsert_by_seq_and_read_in_order(db: TestDatabase) {
    let store = open(&db).await;
    let call = call_of_new_tenant(&store).await;
    let entry = |seq, speaker, text, interrupted| NewTranscriptEntry {
        seq,
        speaker,
        text,
        start_ms: u64::from(seq) * 1_000,
        end_ms: u64::from(seq) * 1_000 + 800,
        interrupted,
    };
    let mut batch = store
        .begin_call_records(&call.tenant_id, &call.id)
        .await
        .unwrap();
    batch
        .upsert_transcript_entry(&entry(2, "caller", "I'd like a table", false))
        .await
        .unwrap();
    batch
        .upsert_transcript_entry(&entry(
            1,
            "agent",
            "Hello, how can I help you today?",
            false,
        ))
        .await
        .unwrap();
    batch.commit().await.unwrap();
    // The agent's entry is cut short by a barge-in and written again under its seq.
    let mut batch = store
        .begin_call_records(&call.tenant_id, &call.id)
        .await
        .unwrap();
    batch
        .upsert_transcript_entry(&entry(1, "agent", "Hello, how", true))
        .await
        .unwrap();
    batch.commit().await.unwrap();

    let lines = store
        .call_transcript(&call.tenant_id, &call.id)
        .await
        .unwrap();
    let seen: Vec<(i64, &str, &str, bool)> = lines
        .iter()
        .map(|l| (l.seq, l.speaker.as_str(), l.text.as_str(), l.interrupted()))
        .collect();
    assert_eq!(
        seen,
        [
            (1, "agent", "Hello, how", true),
            (2, "caller", "I'd like a table", false)
        ]
    );
    assert_eq!((lines[1].start_ms, lines[1].end_ms), (2_000, 2_800));

    let other = store.create_tenant("B").await.unwrap();
    assert!(
        store
            .call_transcript(&other.id, &call.id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn latencies_events_and_costs_are_stored_and_summed(db: TestDatabase) {
    let store = open(&db).await;
    let call = call_of_new_tenant(&store).await;
    let (tenant, id) = (call.tenant_id.as_str(), call.id.as_str());
    let mut batch = store.begin_call_records(tenant, id).await.unwrap();
    batch
        .upsert_turn_latency(&NewTurnLatency {
            turn: 1,
            speech_end_at_ms: Some(4_000),
            stt_final_ms: Some(120),
            ..Default::default()
        })
        .await
        .unwrap();
    // The turn's later stages arrive as the same turn, replacing the partial row.
    batch
        .upsert_turn_latency(&NewTurnLatency {
            turn: 1,
            speech_end_at_ms: Some(4_000),
            stt_final_ms: Some(120),
            llm_first_token_ms: Some(350),
            first_clause_ms: Some(500),
            tts_first_byte_ms: Some(640),
            first_audio_ms: Some(700),
        })
        .await
        .unwrap();
    batch
        .upsert_turn_latency(&NewTurnLatency {
            turn: 0,
            first_audio_ms: Some(300),
            ..Default::default()
        })
        .await
        .unwrap();
    for (at_ms, kind) in [
        (9_000, "hang_up"),
        (5_000, "barge_in"),
        (5_000, "tool_called"),
    ] {
        batch
            .add_call_event(&NewCallEvent {
                at_ms,
                kind,
                data: r#"{"k":1}"#,
            })
            .await
            .unwrap();
    }
    batch
        .add_cost_event(&cost("stt", 60_000, 4_300, 60_000))
        .await
        .unwrap();
    batch
        .add_cost_event(&cost("stt", 30_000, 4_300, 60_000))
        .await
        .unwrap();
    let mut tts = cost("tts", 1_234, 180_000, 1_000_000);
    tts.unit = "characters";
    tts.provider = "elevenlabs";
    assert_eq!(batch.add_cost_event(&tts).await.unwrap(), 222);
    batch.commit().await.unwrap();

    let turns = store.call_turn_latencies(tenant, id).await.unwrap();
    assert_eq!(turns.len(), 2);
    assert_eq!(
        (
            turns[0].turn,
            turns[0].speech_end_at_ms,
            turns[0].first_audio_ms
        ),
        (0, None, Some(300))
    );
    assert_eq!(
        (
            turns[1].turn,
            turns[1].llm_first_token_ms,
            turns[1].first_audio_ms
        ),
        (1, Some(350), Some(700))
    );

    let events = store.call_events(tenant, id).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["barge_in", "tool_called", "hang_up"]);
    assert_eq!(events[0].data, r#"{"k":1}"#);

    let costs = store.call_cost_events(tenant, id).await.unwrap();
    let micros: Vec<i64> = costs.iter().map(|c| c.cost_micros).collect();
    assert_eq!(micros, [4_300, 2_150, 222]);
    assert!(costs.iter().all(|c| c.id.starts_with("cost_")));

    let components = store.call_cost_components(tenant, id).await.unwrap();
    let summed: Vec<(&str, &str, &str, i64, i64, i64)> = components
        .iter()
        .map(|c| {
            (
                c.role.as_str(),
                c.provider.as_str(),
                c.unit.as_str(),
                c.units,
                c.cost_micros,
                c.events,
            )
        })
        .collect();
    assert_eq!(
        summed,
        [
            ("stt", "fake", "audio_ms", 90_000, 6_450, 2),
            ("tts", "elevenlabs", "characters", 1_234, 222, 1)
        ]
    );

    let totals = store.call_totals(tenant, id).await.unwrap();
    assert_eq!(
        (
            totals.transcript_entries,
            totals.turns,
            totals.events,
            totals.cost_events,
            totals.cost_micros
        ),
        (0, 2, 3, 3, 6_672)
    );
}

async fn an_uncommitted_batch_writes_nothing(db: TestDatabase) {
    let store = open(&db).await;
    let call = call_of_new_tenant(&store).await;
    let mut batch = store
        .begin_call_records(&call.tenant_id, &call.id)
        .await
        .unwrap();
    batch.add_cost_event(&cost("stt", 1, 1, 1)).await.unwrap();
    drop(batch);
    let totals = store.call_totals(&call.tenant_id, &call.id).await.unwrap();
    assert_eq!(totals.cost_events, 0);
}

async fn values_beyond_a_column_are_refused(db: TestDatabase) {
    let store = open(&db).await;
    let call = call_of_new_tenant(&store).await;
    let mut batch = store
        .begin_call_records(&call.tenant_id, &call.id)
        .await
        .unwrap();
    let refused = batch.add_cost_event(&cost("llm", u64::MAX, 1, 1)).await;
    assert!(
        matches!(refused, Err(StoreError::OutOfRange { field: "units" })),
        "{refused:?}"
    );
}

async fn a_carrier_call_is_one_of_our_calls_at_most(db: TestDatabase) {
    let store = open(&db).await;
    let tenant = store.create_tenant("A").await.unwrap();
    let carried = |sid| NewCall {
        carrier: Some("tw"),
        carrier_call_id: sid,
        ..outbound(None)
    };
    let first = store
        .create_call(&tenant.id, carried(Some("CA1")))
        .await
        .unwrap();
    let again = store.create_call(&tenant.id, carried(Some("CA1"))).await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    let found = store.find_call_by_carrier_id("tw", "CA1").await.unwrap();
    assert_eq!(found.id, first.id);
    // Calls the carrier has not named yet do not collide.
    store.create_call(&tenant.id, carried(None)).await.unwrap();
    store.create_call(&tenant.id, carried(None)).await.unwrap();
    // Another carrier account may use the same id.
    let other = NewCall {
        carrier: Some("tw2"),
        carrier_call_id: Some("CA1"),
        ..outbound(None)
    };
    store.create_call(&tenant.id, other).await.unwrap();
}

switchboard_testkit::on_each_database!(
    a_carrier_call_is_one_of_our_calls_at_most,
    a_call_is_created_queued_and_read_back,
    calls_list_newest_first_with_filters_and_pages,
    another_tenants_call_is_not_found_and_takes_no_records,
    status_moves_forward_only_and_a_finish_is_final,
    a_call_that_never_connected_lasted_nothing,
    transcript_entries_upsert_by_seq_and_read_in_order,
    latencies_events_and_costs_are_stored_and_summed,
    an_uncommitted_batch_writes_nothing,
    values_beyond_a_column_are_refused,
);
