//! Webhooks prove their sender: a bad signature is 403 and nothing is stored; they work
//! behind a reverse proxy that strips a path prefix.

use std::time::Duration;

use reqwest::StatusCode;
use switchboard_telephony::twilio::callbacks::CallStatus;
use switchboard_telephony::twilio::signature;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;
use switchboard_testkit::fakes::twilio::{Callee, FakeTwilio, UrlRewrite};

use super::support::*;
use crate::conversation::support::{Fakes, ms, persona, phrases};
use crate::helpers::{read, spawn_app_with};

async fn post_form(
    app: &crate::helpers::TestApp,
    path: &str,
    form: &[(&str, &str)],
    signature: Option<String>,
) -> reqwest::Response {
    let mut request = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some(signature) = signature {
        request = request.header(signature::HEADER, signature);
    }
    request.send().await.unwrap()
}

pub async fn a_webhook_with_a_bad_signature_is_refused_and_stores_nothing(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config()).await.unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let brad = persona(&app, &ada, "brad").await;
    let number = import_number(&app, &ada, Some(&brad)).await;
    let number_id = number["id"].as_str().unwrap();

    let path = format!("/webhooks/twilio/voice?number_id={number_id}");
    let form = [
        ("CallSid", "CA0123456789abcdef0123456789abcdef"),
        ("From", CALLER),
        ("To", OURS),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
    ];
    let url = format!("{}{path}", app.base);
    let forged = signature::sign("not-the-token", &url, form);
    for signature in [None, Some(forged)] {
        let response = post_form(&app, &path, &form, signature).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let sms = format!("/webhooks/twilio/sms?number_id={number_id}");
    let text = [
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("From", CALLER),
        ("To", OURS),
        ("Body", "hi"),
    ];
    assert_eq!(
        post_form(&app, &sms, &text, None).await.status(),
        StatusCode::FORBIDDEN
    );
    let (_, calls) = read(app.get("/v1/calls", &ada.token).await).await;
    assert!(calls["data"].as_array().unwrap().is_empty(), "{calls}");
    let (_, threads) = read(app.get("/v1/conversations", &ada.token).await).await;
    assert!(threads["data"].as_array().unwrap().is_empty(), "{threads}");

    // Signed with the right token it goes through: the call is answered.
    let signed = signature::sign(TOKEN, &url, form);
    let response = post_form(&app, &path, &form, Some(signed)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let twiml = response.text().await.unwrap();
    assert!(twiml.contains("<Stream url="), "{twiml}");
    let (_, calls) = read(app.get("/v1/calls", &ada.token).await).await;
    assert_eq!(calls["data"].as_array().unwrap().len(), 1);

    // A signed call to a number nobody holds is a polite goodbye, not an error.
    let path = "/webhooks/twilio/voice?number_id=num_gone";
    let url = format!("{}{path}", app.base);
    let signed = signature::sign(TOKEN, &url, form);
    let response = post_form(&app, path, &form, Some(signed)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let twiml = response.text().await.unwrap();
    assert!(
        twiml.contains("<Say>") && twiml.contains("<Hangup"),
        "{twiml}"
    );
}

pub async fn webhooks_work_behind_a_reverse_proxy_with_a_path_prefix(db: TestDatabase) {
    let fakes = Fakes::start(&["Hello there."], &["Hi! Bye now."]).await;
    // Pick the server's port first, so the proxy (the fake's rewrite) knows where to deliver.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let public = "https://sb.example/switchboard";
    let [hello, ..] = phrases();
    let twilio = FakeTwilio::start(
        twilio_config()
            .rewrite(UrlRewrite::new(public, format!("http://127.0.0.1:{port}")))
            .callee(
                CALLEE,
                Callee::Answer(
                    Script::new()
                        .wait_for_agent(ms(600), ms(10_000))
                        .say(hello)
                        .wait_for_agent(ms(600), ms(10_000))
                        .hangup(),
                ),
            ),
    )
    .await
    .unwrap();
    let app = spawn_app_with(db, |config| {
        fakes.configure(config);
        with_twilio(config, &twilio);
        config.listen = format!("127.0.0.1:{port}").parse().unwrap();
        config.public_url = Some(public.into());
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;
    let call = place_call(&app, &ada, &brad, CALLEE).await;
    let sid = call["carrier_call_id"].as_str().unwrap().to_owned();
    let record = twilio
        .wait_for_call_end(&sid, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(record.status, CallStatus::Completed);
    let hooks = twilio.webhooks_for(&sid);
    assert!(
        hooks.iter().all(|h| h.url.starts_with(public)),
        "signed over the public URL: {hooks:?}"
    );
    assert!(hooks.iter().all(|h| h.status == Some(200)), "{hooks:?}");
    let stream = &record.streams[0];
    assert!(
        stream
            .url
            .starts_with("wss://sb.example/switchboard/media/twilio"),
        "{}",
        stream.url
    );
    assert!(
        stream
            .report
            .as_ref()
            .is_some_and(|r| r.timed_out_steps.is_empty())
    );
    assert_eq!(
        ended(&app, &ada, call["id"].as_str().unwrap()).await["status"],
        "completed"
    );
}
