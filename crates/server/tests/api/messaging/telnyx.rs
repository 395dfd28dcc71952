//! Telnyx: Call Control and messaging webhooks, signed with ed25519 over
//! `"{timestamp}|{body}"`, duplicated and reordered at will.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_testkit::TestDatabase;
use switchboard_testkit::fakes::telnyx::{
    Callee, FakeCall, FakeTelnyx, FakeTelnyxConfig, TelnyxSigner,
};

use super::support::*;
use crate::helpers::{Account, TestApp, read, spawn_app_with};

/// Our Telnyx number, and people on the other end.
const OURS_T: &str = "+13125550100";
const CALLER: &str = "+13125550111";
const CALLEE: &str = "+13125550122";

/// A fake Telnyx account holding our number, its webhooks pointed at a server that uses it,
/// the number imported into a tenant answered by Brad.
struct Setup {
    fake: FakeTelnyx,
    app: TestApp,
    ada: Account,
    number_id: String,
    brad: String,
}

async fn setup(db: TestDatabase) -> Setup {
    let fake = FakeTelnyx::start(
        FakeTelnyxConfig::new(TELNYX_KEY, TELNYX_CONNECTION, TELNYX_PROFILE).owned(&[OURS_T]),
    )
    .await
    .unwrap();
    let app = spawn_app_with(db, |c| {
        c.carriers.insert("tx".into(), telnyx_account(&fake));
    })
    .await;
    fake.set_connection_webhook(
        TELNYX_CONNECTION,
        &format!("{}/webhooks/telnyx/call", app.base),
    );
    fake.set_messaging_webhook(
        TELNYX_PROFILE,
        &format!("{}/webhooks/telnyx/messaging", app.base),
    );
    let ada = app.signup("ada@example.com", "Ada's shop").await;
    let brad = persona(&app, &ada, "brad").await;
    let number = import_with(
        &app,
        &ada,
        json!({"phone_number": OURS_T, "carrier": "tx", "inbound_agent_id": brad}),
    )
    .await;
    let held = fake.owned_numbers();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].connection_id.as_deref(), Some(TELNYX_CONNECTION));
    assert_eq!(
        held[0].messaging_profile_id.as_deref(),
        Some(TELNYX_PROFILE)
    );
    Setup {
        number_id: number["id"].as_str().unwrap().to_owned(),
        fake,
        app,
        ada,
        brad,
    }
}

fn decode_client_state(body: &Value) -> String {
    let encoded = body["client_state"].as_str().expect("a client_state");
    String::from_utf8(STANDARD.decode(encoded).expect("base64")).unwrap()
}

fn actions(call: &FakeCall) -> Vec<&str> {
    call.actions.iter().map(|a| a.action.as_str()).collect()
}

async fn get_call(app: &TestApp, account: &Account, call_id: &str) -> Value {
    let (status, call) = read(
        app.get(&format!("/v1/calls/{call_id}"), &account.token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{call}");
    call
}

async fn list_calls(app: &TestApp, account: &Account) -> Vec<Value> {
    let (status, body) = read(app.get("/v1/calls", &account.token).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

/// A Telnyx event envelope with a fresh id.
fn event(event_type: &str, payload: Value) -> String {
    json!({
        "data": {
            "record_type": "event",
            "event_type": event_type,
            "id": ulid::Ulid::new().to_string(),
            "occurred_at": "2026-05-01T12:00:00.000000Z",
            "payload": payload,
        },
        "meta": {"attempt": 1},
    })
    .to_string()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Posts `body` to our webhook `path` as Telnyx would, signed by `signer` at `timestamp`.
async fn deliver(
    app: &TestApp,
    path: &str,
    body: &str,
    signer: &TelnyxSigner,
    timestamp: u64,
) -> StatusCode {
    app.http
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/json")
        .header("telnyx-timestamp", timestamp.to_string())
        .header(
            "telnyx-signature-ed25519",
            signer.sign(timestamp, body.as_bytes()),
        )
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
}

pub async fn a_telnyx_call_to_our_number_is_answered_and_streamed_once_despite_duplicates(
    db: TestDatabase,
) {
    let Setup {
        fake,
        app,
        ada,
        number_id,
        brad,
        ..
    } = setup(db).await;
    fake.duplicate_webhooks(true);

    let leg = fake.inbound_call(CALLER, OURS_T).await;
    let call = eventually("the stream to start", async || {
        fake.call(&leg).filter(|c| !c.streams.is_empty())
    })
    .await;
    quiet().await;
    let call = fake.call(&leg).unwrap_or(call);
    assert_eq!(
        actions(&call),
        ["answer", "streaming_start"],
        "each webhook acted on once"
    );
    assert!(
        fake.webhooks().iter().all(|w| w.status == Some(200)),
        "{:?}",
        fake.webhooks()
    );

    let calls = list_calls(&app, &ada).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let ours = &calls[0];
    assert_eq!(ours["direction"], "inbound");
    assert_eq!(ours["status"], "in_progress");
    assert_eq!(ours["from_number"], CALLER);
    assert_eq!(ours["to_number"], OURS_T);
    assert_eq!(ours["agent_id"], brad.as_str());
    assert_eq!(ours["carrier"], "tx");
    assert_eq!(ours["carrier_call_id"], leg.as_str());
    assert_eq!(ours["phone_number_id"], number_id.as_str());

    assert_eq!(
        decode_client_state(&call.actions[0].body),
        ours["id"].as_str().unwrap(),
        "the answer names our call"
    );
    let stream = &call.actions[1].body;
    assert_eq!(
        stream["stream_url"],
        format!("{}/media/telnyx", app.base.replacen("http://", "ws://", 1))
    );
    assert_eq!(call.streams, [stream["stream_url"].as_str().unwrap()]);
    let token = decode_client_state(stream);
    assert!(
        token.len() >= 16 && token != ours["id"].as_str().unwrap(),
        "the stream carries a one-time token, not the call id: {token:?}"
    );
}

pub async fn a_telnyx_call_we_place_dials_with_our_webhook_and_a_busy_line_ends_it_busy(
    db: TestDatabase,
) {
    let Setup {
        fake,
        app,
        ada,
        brad,
        ..
    } = setup(db).await;
    fake.set_callee(CALLEE, Callee::Busy);

    let (status, call) = read(
        app.post(
            "/v1/calls",
            &ada.token,
            json!({"agent_id": brad, "from": OURS_T, "to": CALLEE}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let call_id = call["id"].as_str().unwrap();
    assert_eq!(call["carrier"], "tx");
    assert_eq!(call["direction"], "outbound");

    let dialled = fake.calls();
    assert_eq!(dialled.len(), 1);
    let dial = dialled[0].dial.as_ref().unwrap();
    assert_eq!(
        dial["webhook_url"],
        format!("{}/webhooks/telnyx/call?call_id={call_id}", app.base)
    );
    assert_eq!(dial["connection_id"], TELNYX_CONNECTION);
    assert_eq!(dial["from"], OURS_T);
    assert_eq!(dial["to"], CALLEE);
    assert_eq!(decode_client_state(dial), call_id);

    let ended = eventually("the busy line to end the call", async || {
        let call = get_call(&app, &ada, call_id).await;
        (call["status"] != "queued" && call["status"] != "ringing").then_some(call)
    })
    .await;
    assert_eq!(ended["status"], "busy", "{ended}");
    assert_eq!(
        ended["carrier_call_id"],
        dialled[0].call_control_id.as_str()
    );
    assert!(ended["started_at"].is_null(), "never answered: {ended}");
    assert!(
        actions(&fake.calls()[0]).is_empty(),
        "nothing to answer or stream"
    );

    // Telnyx may send `call.answered` before `call.initiated`: the call still ends up
    // answered and streamed once.
    fake.reorder_webhooks(true);
    let (status, call) = read(
        app.post(
            "/v1/calls",
            &ada.token,
            json!({"agent_id": brad, "from": OURS_T, "to": CALLER}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let call_id = call["id"].as_str().unwrap();
    let leg = fake.calls()[1].call_control_id.clone();
    eventually("the stream to start", async || {
        fake.call(&leg).filter(|c| !c.streams.is_empty())
    })
    .await;
    quiet().await;
    assert_eq!(actions(&fake.call(&leg).unwrap()), ["streaming_start"]);
    assert_eq!(get_call(&app, &ada, call_id).await["status"], "in_progress");
}

pub async fn telnyx_webhooks_with_a_bad_signature_are_refused_and_repeats_change_nothing(
    db: TestDatabase,
) {
    let Setup {
        fake,
        app,
        ada,
        brad,
        ..
    } = setup(db).await;
    let (status, call) = read(
        app.post(
            "/v1/calls",
            &ada.token,
            json!({"agent_id": brad, "from": OURS_T, "to": CALLEE}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let call_id = call["id"].as_str().unwrap().to_owned();
    let leg = eventually("the callee to answer", async || {
        let call = get_call(&app, &ada, &call_id).await;
        (call["status"] == "in_progress")
            .then(|| call["carrier_call_id"].as_str().unwrap().to_owned())
    })
    .await;
    eventually("the stream to start", async || {
        fake.call(&leg).filter(|c| !c.streams.is_empty())
    })
    .await;
    let before = get_call(&app, &ada, &call_id).await;

    let path = format!("/webhooks/telnyx/call?call_id={call_id}");
    let hangup = event(
        "call.hangup",
        json!({
            "call_control_id": leg,
            "connection_id": TELNYX_CONNECTION,
            "from": OURS_T,
            "to": CALLEE,
            "direction": "outgoing",
            "state": "hangup",
            "hangup_cause": "user_busy",
            "hangup_source": "callee",
        }),
    );
    let impostor = TelnyxSigner::from_seed([9; 32]);
    assert_eq!(
        deliver(&app, &path, &hangup, &impostor, now_secs()).await,
        StatusCode::FORBIDDEN,
        "signed by another key"
    );
    assert_eq!(
        deliver(&app, &path, &hangup, fake.signer(), now_secs() - 3600).await,
        StatusCode::FORBIDDEN,
        "an hour-old signature is a replay"
    );
    let unsigned = app
        .http
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/json")
        .body(hangup.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        get_call(&app, &ada, &call_id).await,
        before,
        "refused webhooks change nothing"
    );

    assert_eq!(
        deliver(&app, &path, &hangup, fake.signer(), now_secs()).await,
        StatusCode::OK
    );
    let ended = get_call(&app, &ada, &call_id).await;
    assert_eq!(ended["status"], "busy", "{ended}");

    // Telnyx retries the same event, and a stale one arrives late: nothing moves.
    assert_eq!(
        deliver(&app, &path, &hangup, fake.signer(), now_secs()).await,
        StatusCode::OK
    );
    let late = event(
        "call.answered",
        json!({"call_control_id": leg, "from": OURS_T, "to": CALLEE, "state": "answered"}),
    );
    assert_eq!(
        deliver(&app, &path, &late, fake.signer(), now_secs()).await,
        StatusCode::OK
    );
    assert_eq!(get_call(&app, &ada, &call_id).await, ended);
    let streams = fake.call(&leg).unwrap().streams.len();
    assert_eq!(
        streams, 1,
        "a stale answer does not stream the ended call again"
    );
}

pub async fn telnyx_texts_are_filed_once_and_only_when_signed(db: TestDatabase) {
    let Setup { fake, app, ada, .. } = setup(db).await;
    fake.duplicate_webhooks(true);

    fake.inbound_sms(CALLER, OURS_T, "Running ten minutes late")
        .await;
    let deliveries = fake.webhooks();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert!(deliveries.iter().all(|d| d.status == Some(200)));
    let threads = conversations(&app, &ada).await;
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["our_number"], OURS_T);
    assert_eq!(threads[0]["other_number"], CALLER);
    assert_eq!(
        threads[0]["unread_count"], 1,
        "the duplicate is not filed twice"
    );
    let thread_id = threads[0]["id"].as_str().unwrap().to_owned();

    let forged = event(
        "message.received",
        json!({
            "record_type": "message",
            "direction": "inbound",
            "id": ulid::Ulid::new().to_string(),
            "type": "SMS",
            "messaging_profile_id": TELNYX_PROFILE,
            "from": {"phone_number": CALLER},
            "to": [{"phone_number": OURS_T}],
            "text": "Send the gift card codes to this number",
        }),
    );
    let impostor = TelnyxSigner::from_seed([9; 32]);
    assert_eq!(
        deliver(
            &app,
            "/webhooks/telnyx/messaging",
            &forged,
            &impostor,
            now_secs()
        )
        .await,
        StatusCode::FORBIDDEN
    );

    let (status, sent) = read(send_text(&app, &ada, OURS_T, CALLER, "No problem.").await).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let outbound: Vec<_> = fake
        .messages()
        .into_iter()
        .filter(|m| m.direction == "outbound")
        .map(|m| (m.from, m.to, m.text))
        .collect();
    assert_eq!(
        outbound,
        [(OURS_T.into(), CALLER.into(), "No problem.".into())]
    );
    // Its delivery reports reach the messaging webhook and are accepted.
    assert!(fake.wait_for_webhooks(6, Duration::from_secs(5)).await);
    assert!(
        fake.webhooks().iter().all(|d| d.status == Some(200)),
        "{:?}",
        fake.webhooks()
    );

    let messages = thread(&app, &ada, &thread_id).await;
    assert_eq!(
        bodies(&messages),
        [
            ("inbound".into(), "Running ten minutes late".into()),
            ("outbound".into(), "No problem.".into()),
        ]
    );
}
