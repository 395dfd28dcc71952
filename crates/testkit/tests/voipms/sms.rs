//! `sendSMS`.

use switchboard_telephony::carrier::{Carrier, CarrierError, OutboundSms};

use super::support::*;

fn sms(body: &str) -> OutboundSms {
    OutboundSms {
        from: "+13055550100".into(),
        to: "+13055559999".into(),
        body: body.into(),
        status_url: None,
    }
}

#[tokio::test]
async fn sends_ten_digit_numbers_and_returns_the_sms_id() {
    let fake = fake().await;
    let client = client(&fake);
    assert_eq!(client.sms_segment_limit(), 160);
    client
        .import_number("+13055550100", hooks(""))
        .await
        .unwrap();
    let sent = client
        .send_sms(sms("See you at 8 & bring the cake"))
        .await
        .unwrap();
    let recorded = &fake.sent_sms()[0];
    assert_eq!(sent.carrier_message_id, recorded.id);
    assert_eq!(
        (recorded.did.as_str(), recorded.dst.as_str()),
        (HELD, "3055559999")
    );
    assert_eq!(recorded.message, "See you at 8 & bring the cake");
}

#[tokio::test]
async fn longer_than_160_characters_is_sms_toolong() {
    let fake = fake().await;
    let client = client(&fake);
    client
        .import_number("+13055550100", hooks(""))
        .await
        .unwrap();
    client
        .send_sms(sms(&"é".repeat(160)))
        .await
        .expect("160 characters fit");
    let refused = client.send_sms(sms(&"a".repeat(161))).await.unwrap_err();
    assert!(
        matches!(refused, CarrierError::Rejected { status: 200, ref code, .. } if code == "sms_toolong"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn numbers_outside_north_america_are_refused_here() {
    let fake = fake().await;
    let refused = client(&fake)
        .send_sms(OutboundSms {
            to: "+447700900123".into(),
            ..sms("hi")
        })
        .await
        .unwrap_err();
    assert!(
        matches!(refused, CarrierError::Rejected { ref code, ref message, .. }
            if code == "not_nanp" && message.contains("+447700900123")),
        "{refused:?}"
    );
    assert!(fake.recorder().all().is_empty());
}
