//! SMS: sending, delivery callbacks, texts to our number with a TwiML reply, and Twilio's
//! opt-out rules.

use switchboard_telephony::carrier::{Carrier, CarrierError, OutboundSms};
use switchboard_telephony::twilio::callbacks::{InboundSms, MessageStatusCallback};
use switchboard_testkit::fakes::twilio::WebhookKind;

use super::standin::Standin;
use super::{OURS, THEM, TOKEN, config, fake, hooks, ms};

fn sms(base: &str, body: &str) -> OutboundSms {
    OutboundSms {
        from: OURS.into(),
        to: THEM.into(),
        body: body.into(),
        status_url: Some(format!("{base}/sms-status")),
    }
}

#[tokio::test]
async fn sends_and_reports_delivery() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config()).await;
    assert_eq!(twilio.sms_segment_limit(), 1600);
    let sent = twilio
        .send_sms(sms(&server.base(), "Your table is booked."))
        .await
        .unwrap();
    assert!(sent.carrier_message_id.starts_with("SM"));
    let message = fake.messages().pop().unwrap();
    assert_eq!(
        (
            message.from.as_str(),
            message.to.as_str(),
            message.body.as_str()
        ),
        (OURS, THEM, "Your table is booked.")
    );
    let deadline = tokio::time::Instant::now() + ms(3000);
    while server.hits("/sms-status").len() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(ms(10)).await;
    }
    let statuses: Vec<String> = server
        .hits("/sms-status")
        .iter()
        .map(|hit| {
            assert!(hit.signed_for(TOKEN, &format!("{}/sms-status", server.base())));
            let parsed = MessageStatusCallback::parse(&hit.form).unwrap();
            assert_eq!(parsed.message_sid, sent.carrier_message_id);
            parsed.message_status
        })
        .collect();
    assert_eq!(statuses, ["sent", "delivered"]);

    let invalid = twilio
        .send_sms(OutboundSms {
            to: "555-0188".into(),
            ..sms(&server.base(), "hi")
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&invalid, CarrierError::Rejected { code, .. } if code == "21211"),
        "{invalid:?}"
    );
}

#[tokio::test]
async fn a_text_to_our_number_gets_the_twiml_reply() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config()).await;
    twilio
        .import_number(OURS, hooks(&server.base()))
        .await
        .unwrap();
    server.answer(
        "/sms",
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks, we got it.</Message></Response>"#,
    );
    let outcome = fake
        .inbound_sms(THEM, OURS, "Is it open today?")
        .await
        .unwrap();
    assert_eq!(outcome.status, Some(200));
    assert_eq!(outcome.replies, ["Thanks, we got it."]);

    let hit = server.hits("/sms").pop().unwrap();
    assert!(hit.signed_for(TOKEN, &format!("{}/sms", server.base())));
    let parsed = InboundSms::parse(&hit.form).unwrap();
    assert_eq!(parsed.message_sid, outcome.sid);
    assert_eq!((parsed.from.as_str(), parsed.to.as_str()), (THEM, OURS));
    assert_eq!(parsed.body, "Is it open today?");
    assert_eq!(parsed.num_segments, 1);
    assert_eq!(hit.param("SmsStatus"), Some("received"));
    assert_eq!(hit.param("NumMedia"), Some("0"));

    let messages = fake.messages();
    let reply = messages
        .iter()
        .find(|m| m.direction == "outbound-reply")
        .unwrap();
    assert_eq!((reply.from.as_str(), reply.to.as_str()), (OURS, THEM));
    assert_eq!(reply.body, "Thanks, we got it.");
    assert_eq!(fake.webhooks_for(&outcome.sid)[0].kind, WebhookKind::Sms);
}

#[tokio::test]
async fn stop_blocks_sending_with_21610_until_start() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config()).await;
    twilio
        .import_number(OURS, hooks(&server.base()))
        .await
        .unwrap();

    let not_quite = fake.inbound_sms(THEM, OURS, "stop please").await.unwrap();
    assert_eq!(not_quite.status, Some(200));
    assert!(!fake.opted_out(THEM, OURS), "only the exact word counts");

    fake.inbound_sms(THEM, OURS, " Stop ").await.unwrap();
    assert_eq!(server.hits("/sms").len(), 2, "Twilio still forwards STOP");
    assert!(fake.opted_out(THEM, OURS));
    assert!(fake.messages().iter().any(|m| m.auto_reply && m.to == THEM));
    let error = twilio
        .send_sms(sms(&server.base(), "One more thing"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CarrierError::OptedOut { to } if to == THEM),
        "{error:?}"
    );

    fake.inbound_sms(THEM, OURS, "START").await.unwrap();
    assert!(!fake.opted_out(THEM, OURS));
    twilio
        .send_sms(sms(&server.base(), "Welcome back"))
        .await
        .unwrap();
}
