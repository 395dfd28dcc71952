//! The inbound-SMS URL callback: the fake fills our template, we read it, `ok` stops retries.

use switchboard_telephony::carrier::{Carrier, OutboundSms};
use switchboard_telephony::voipms::SmsQuery;
use switchboard_telephony::voipms::callback::{CallbackError, InboundSms, REPLY, url_template};
use switchboard_testkit::fakes::Recorded;

use super::support::*;

async fn provisioned(fake: &switchboard_testkit::fakes::voipms::FakeVoipMs, receiver: &Receiver) {
    let template = url_template(&receiver.url("/webhooks/voipms/sms?token=s3cret"));
    client(fake)
        .provision_number("+13055550001", hooks(&template))
        .await
        .unwrap();
}

#[test]
fn the_template_asks_for_every_placeholder() {
    assert_eq!(
        url_template("https://app.example/sms?token=t"),
        "https://app.example/sms?token=t&to={TO}&from={FROM}&message={MESSAGE}&id={ID}&date={DATE}"
    );
    assert!(url_template("https://app.example/sms").starts_with("https://app.example/sms?to={TO}"));
}

#[tokio::test]
async fn the_filled_template_reads_back_as_the_message_and_ok_stops_retries() {
    let fake = fake().await;
    let receiver = Receiver::start(200, REPLY).await;
    provisioned(&fake, &receiver).await;

    let text = "Running late & 10% slower? Café at 8+";
    let delivery = fake.inbound_sms("3055559999", "3055550001", text).await;
    assert_eq!(delivery.status, Some(200));
    assert!(!delivery.will_retry);

    let request = &receiver.received()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/webhooks/voipms/sms");
    let pairs = request.query_pairs();
    assert_eq!(pairs[0], ("token".to_owned(), "s3cret".to_owned()));
    let sms = InboundSms::from_query(&pairs).unwrap();
    assert_eq!(sms.from, "+13055559999");
    assert_eq!(sms.to, "+13055550001");
    assert_eq!(sms.message, text);
    let id = sms.id.clone().expect("the fake fills {ID}");
    let date = sms.date.clone().expect("the fake fills {DATE}");
    assert!(date.len() == 19 && date.as_bytes()[10] == b' ', "{date}");
    assert_eq!(sms.dedupe_key(), format!("id:{id}"));

    let next = fake.inbound_sms("3055559999", "3055550001", "again").await;
    let second = InboundSms::from_query(&receiver.received()[1].query_pairs()).unwrap();
    assert_ne!(second.id, sms.id, "each message has its own id");
    assert!(!next.will_retry);
}

#[tokio::test]
async fn anything_but_exactly_ok_makes_voipms_retry() {
    let fake = fake().await;
    let receiver = Receiver::start(200, "\"ok\"").await;
    provisioned(&fake, &receiver).await;
    for (status, body) in [(200, "\"ok\""), (200, "OK"), (200, "ok\n"), (500, "ok")] {
        receiver.reply_with(status, body);
        let delivery = fake.inbound_sms("3055559999", "3055550001", "hi").await;
        assert!(delivery.will_retry, "{status} {body:?}");
    }
    assert_eq!(fake.callbacks().len(), 4);
}

#[test]
fn a_callback_without_a_required_field_says_which() {
    let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(
        InboundSms::from_query(&pairs(&[("to", "3055550001"), ("message", "hi")])),
        Err(CallbackError::Missing("from"))
    );
    assert_eq!(
        InboundSms::from_query(&pairs(&[("to", "3055550001"), ("from", "3055559999")])),
        Err(CallbackError::Missing("message"))
    );
    assert!(matches!(
        InboundSms::from_query(&pairs(&[
            ("to", "3055550001"),
            ("from", "12345"),
            ("message", "hi")
        ])),
        Err(CallbackError::NotNanp { field: "from", .. })
    ));
    let unfilled = InboundSms::from_query(&pairs(&[
        ("TO", "13055550001"),
        ("From", "3055559999"),
        ("message", ""),
        ("id", "{ID}"),
        ("date", "{DATE}"),
    ]))
    .unwrap();
    assert_eq!(unfilled.to, "+13055550001");
    assert_eq!((unfilled.id, unfilled.date), (None, None));
    assert_eq!(unfilled.message, "", "an empty text is still a message");
}

#[tokio::test]
async fn get_sms_lists_what_came_in_and_went_out_newest_first() {
    let fake = fake().await;
    let receiver = Receiver::start(200, REPLY).await;
    provisioned(&fake, &receiver).await;
    let client = client(&fake);
    assert!(
        client
            .get_sms(&SmsQuery::default())
            .await
            .unwrap()
            .is_empty(),
        "no_sms is empty"
    );

    fake.inbound_sms("3055559999", "3055550001", "Are you open today?")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    client
        .send_sms(OutboundSms {
            from: "+13055550001".into(),
            to: "+13055559999".into(),
            body: "Until 6 pm.".into(),
            status_url: None,
        })
        .await
        .unwrap();

    let all = client.get_sms(&SmsQuery::default()).await.unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(
        (all[0].message.as_str(), all[0].received),
        ("Until 6 pm.", false)
    );
    assert_eq!(
        (all[1].message.as_str(), all[1].received),
        ("Are you open today?", true)
    );
    assert_eq!(all[1].did, "+13055550001");
    assert_eq!(all[1].contact, "+13055559999");
    let received = client
        .get_sms(&SmsQuery {
            did: Some("+13055550001".into()),
            received_only: true,
            limit: Some(10),
            ..SmsQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].id, all[1].id);
    let Some(Recorded::Http { query, .. }) = fake.recorder().all().into_iter().last() else {
        panic!("the fake saw the request");
    };
    assert!(
        query.contains("method=getSMS") && query.contains("type=1"),
        "{query}"
    );
}
