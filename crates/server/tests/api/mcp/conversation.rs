//! The whole point: initiate -> continue -> speak -> end with a simulated user, priced.

use std::sync::atomic::Ordering;

use reqwest::StatusCode;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;
use switchboard_testkit::fakes::twilio::{Callee, FakeTwilio};

use super::support::*;
use crate::conversation::support::{BRAD_VOICE, Fakes, ms};
use crate::helpers::{LogCapture, read, spawn_app_with};
use crate::telephony::support::{OURS, import_number, twilio_config, with_twilio};

const ADA_PHONE: &str = "+14155550123";

pub async fn an_mcp_client_phones_the_user_talks_it_through_and_the_call_is_priced(
    db: TestDatabase,
) {
    let logs = LogCapture::start();
    let fakes = Fakes::start(
        &["Yes, ship it.", "Use the blue button.", "Sounds good."],
        &[],
    )
    .await;
    let app = spawn_mcp(db, &fakes, |_| {}).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let ours = buy_number(&app, &ada).await;
    verify_phone(&app, &ada, ADA_PHONE).await;
    let (_, key) = app.api_key(&ada, &["read", "write"]).await;
    let (client, agent) = connect(&app, &key).await;

    let info = client.peer_info().expect("the server introduced itself");
    assert_eq!(info.protocol_version.as_str(), "2025-11-25");
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for expected in [
        "initiate_call",
        "continue_call",
        "speak_to_user",
        "end_call",
        "get_call",
        "list_calls",
        "send_sms",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    let initiate = tools.iter().find(|t| t.name == "initiate_call").unwrap();
    assert_eq!(initiate.input_schema["required"], json!(["message"]));
    assert!(
        tools.iter().all(|t| t.output_schema.is_some()),
        "every tool declares its output"
    );

    let reply = structured(
        &call(
            &client,
            "initiate_call",
            json!({"message": "Hi Ada, the build is green. Shall I ship it?"}),
        )
        .await,
    );
    assert_eq!(reply["status"], "answered", "{reply}");
    assert_eq!(reply["response"], "Yes, ship it.");
    let call_id = reply["call_id"].as_str().unwrap().to_owned();
    assert!(
        agent.progress.load(Ordering::SeqCst) > 0,
        "ringing and waiting sent progress notifications"
    );

    let reply = structured(
        &call(
            &client,
            "continue_call",
            json!({"call_id": call_id, "message": "Which button, the red or the blue one?"}),
        )
        .await,
    );
    assert_eq!(reply["status"], "answered", "{reply}");
    assert_eq!(reply["response"], "Use the blue button.");

    let spoken = structured(
        &call(
            &client,
            "speak_to_user",
            json!({"call_id": call_id, "message": "Great, shipping now."}),
        )
        .await,
    );
    assert_eq!(spoken["status"], "heard", "{spoken}");

    let ended = structured(
        &call(
            &client,
            "end_call",
            json!({"call_id": call_id, "message": "Done. Talk soon, bye!"}),
        )
        .await,
    );
    assert_eq!(ended["status"], "completed", "{ended}");
    let seconds = ended["duration_seconds"].as_f64().unwrap();
    assert!(seconds > 5.0, "{ended}");
    let charge = ended["charge_micros"].as_u64().expect("settled");

    // The call went from our number to Ada's, and its record says what was said.
    let (_, stored) = read(app.get(&format!("/v1/calls/{call_id}"), &ada.token).await).await;
    assert_eq!(stored["to_number"], ADA_PHONE);
    assert_eq!(stored["from_number"], ours.as_str());
    let detail = structured(&call(&client, "get_call", json!({"call_id": call_id})).await);
    let said: Vec<&str> = detail["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(
        said.contains(&"Hi Ada, the build is green. Shall I ship it?"),
        "{said:?}"
    );
    assert!(said.contains(&"Use the blue button."), "{said:?}");

    // Priced per second at 16 cents a minute, each component rounded up.
    let (status, usage) = read(app.get("/v1/usage/calls", &ada.token).await).await;
    assert_eq!(status, StatusCode::OK, "{usage}");
    let record = &usage["data"][0];
    assert_eq!(record["call_id"], call_id.as_str());
    let billed = record["billed_seconds"].as_u64().unwrap();
    assert_eq!(billed, ((seconds * 1000.0).round() as u64).div_ceil(1000));
    let component = |cost_per_minute: u64| (cost_per_minute * 2 * billed).div_ceil(60);
    assert_eq!(
        record["components"]["telephony_micros"],
        component(2 * CENT)
    );
    assert_eq!(record["components"]["stt_micros"], component(CENT));
    assert_eq!(record["components"]["tts_micros"], component(5 * CENT));
    assert_eq!(
        charge,
        component(2 * CENT) + component(CENT) + component(5 * CENT)
    );
    assert_eq!(record["charge_micros"], charge);
    let line = format!("call {call_id} ended: {billed}s, charged ");
    let logged = logs.text();
    assert_eq!(logged.matches(&line).count(), 1, "one usage line: {logged}");
    assert!(logged.contains(&format!("to {}", ada.user_id)), "{logged}");

    let listed = structured(&call(&client, "list_calls", json!({"limit": 5})).await);
    assert_eq!(listed["calls"][0]["call_id"], call_id.as_str());
    client.cancel().await.unwrap();
}

pub async fn two_keys_call_their_users_at_once(db: TestDatabase) {
    // Each call has its own recognition stream, and each hears this.
    let fakes = Fakes::start(&["Sure, go ahead."], &[]).await;
    let app = spawn_mcp(db, &fakes, |_| {}).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let bob = app.signup("bob@example.com", "Bob's").await;
    buy_number(&app, &ada).await;
    buy_number(&app, &bob).await;
    verify_phone(&app, &ada, ADA_PHONE).await;
    verify_phone(&app, &bob, "+14155550177").await;
    let (_, ada_key) = app.api_key(&ada, &["read", "write"]).await;
    let (_, bob_key) = app.api_key(&bob, &["read", "write"]).await;
    let (ada_client, _) = connect(&app, &ada_key).await;
    let (bob_client, _) = connect(&app, &bob_key).await;

    let (ada_reply, bob_reply) = tokio::join!(
        call(
            &ada_client,
            "initiate_call",
            json!({"message": "Ada, a question."})
        ),
        call(
            &bob_client,
            "initiate_call",
            json!({"message": "Bob, a question."})
        ),
    );
    let (ada_reply, bob_reply) = (structured(&ada_reply), structured(&bob_reply));
    assert_eq!(ada_reply["response"], "Sure, go ahead.", "{ada_reply}");
    assert_eq!(bob_reply["response"], "Sure, go ahead.", "{bob_reply}");
    assert_ne!(ada_reply["call_id"], bob_reply["call_id"]);
    for (client, reply, account, phone) in [
        (&ada_client, &ada_reply, &ada, ADA_PHONE),
        (&bob_client, &bob_reply, &bob, "+14155550177"),
    ] {
        let call_id = reply["call_id"].as_str().unwrap();
        let (_, stored) = read(
            app.get(&format!("/v1/calls/{call_id}"), &account.token)
                .await,
        )
        .await;
        assert_eq!(stored["to_number"], phone, "each key rings its own user");
        let ended = structured(
            &call(
                client,
                "end_call",
                json!({"call_id": call_id, "message": "Bye."}),
            )
            .await,
        );
        assert_eq!(ended["status"], "completed", "{ended}");
    }
}

pub async fn a_silent_user_gives_no_answer_and_an_abandoned_call_hangs_itself_up(db: TestDatabase) {
    const QUIET_PHONE: &str = "+14155550188";
    let fakes = Fakes::start(&[], &[]).await;
    // Picks up and never says a word.
    let twilio = FakeTwilio::start(
        twilio_config().callee(QUIET_PHONE, Callee::Answer(Script::new().pause(ms(60_000)))),
    )
    .await
    .unwrap();
    let app = spawn_app_with(db, |config| {
        fakes.configure(config);
        config.providers.get_mut("eleven").unwrap().voice = Some(BRAD_VOICE.into());
        with_twilio(config, &twilio);
        config.mcp.idle_limit_seconds = 2;
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let (status, body) = read(
        app.request(
            reqwest::Method::PUT,
            "/v1/me/call-me-number",
            Some(&ada.token),
            Some(json!({"phone_number": QUIET_PHONE})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let text = twilio
        .messages()
        .into_iter()
        .find(|m| m.to == QUIET_PHONE)
        .expect("the code went out by text");
    assert_eq!(text.from, OURS);
    let (status, body) = read(
        app.post(
            "/v1/me/call-me-number/verify",
            &ada.token,
            json!({"code": digits(&text.body)}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, key) = app.api_key(&ada, &["read", "write"]).await;
    let (client, _) = connect(&app, &key).await;

    let reply = structured(
        &call(
            &client,
            "initiate_call",
            json!({"message": "Are you there?", "wait_seconds": 2}),
        )
        .await,
    );
    assert_eq!(reply["status"], "no_answer", "{reply}");
    assert!(reply["response"].is_null());
    assert!(
        reply["detail"].as_str().unwrap().contains("still open"),
        "{reply}"
    );
    let call_id = reply["call_id"].as_str().unwrap().to_owned();

    // Nobody touches the call again: after the idle limit it says goodbye and hangs up.
    let ended = crate::telephony::support::ended(&app, &ada, &call_id).await;
    assert_eq!(ended["status"], "completed", "{ended}");
    assert_eq!(ended["end_reason"], "ended by remote control", "{ended}");
    let after = structured(
        &call(
            &client,
            "continue_call",
            json!({"call_id": call_id, "message": "Hello?"}),
        )
        .await,
    );
    assert_eq!(after["status"], "ended", "{after}");
}
