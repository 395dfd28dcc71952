//! Messaging: sending, delivery reports, inbound texts and opt-out.

use switchboard_telephony::carrier::{Carrier, CarrierError, OutboundSms};
use switchboard_telephony::telnyx::webhook::Event;

use super::support::*;

fn sms(text: &str) -> OutboundSms {
    OutboundSms {
        from: HELD.into(),
        to: CUSTOMER.into(),
        body: text.into(),
        status_url: None,
    }
}

#[tokio::test]
async fn a_sent_sms_gets_an_id_and_delivery_reports() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let client = client(&fake);
    assert_eq!(client.sms_segment_limit(), 1600);
    client
        .import_number(HELD, Default::default())
        .await
        .unwrap();
    let status_url = receiver.url("/webhooks/telnyx/sms-status/msg_01");
    let sent = client
        .send_sms(OutboundSms {
            status_url: Some(status_url),
            ..sms("Your table for two is booked for 8pm.")
        })
        .await
        .unwrap();
    let message = &fake.messages()[0];
    assert_eq!(message.id, sent.carrier_message_id);
    assert_eq!(message.text, "Your table for two is booked for 8pm.");

    let events = delivered(&fake, &receiver, 2).await;
    assert_eq!(types(&events), ["message.sent", "message.finalized"]);
    assert!(
        receiver
            .received()
            .iter()
            .all(|r| r.path == "/webhooks/telnyx/sms-status/msg_01")
    );
    let Event::MessageFinalized(status) = &events[1].event else {
        unreachable!()
    };
    assert_eq!(status.id, sent.carrier_message_id);
    assert_eq!(status.status.as_deref(), Some("delivered"));
    assert_eq!(status.to.as_deref(), Some(CUSTOMER));
}

#[tokio::test]
async fn after_stop_sends_are_refused_as_opted_out_until_start() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let client = client(&fake);
    client
        .import_number(HELD, Default::default())
        .await
        .unwrap();

    fake.inbound_sms(CUSTOMER, HELD, "stop").await;
    let events = delivered(&fake, &receiver, 1).await;
    let Event::MessageReceived(received) = &events[0].event else {
        unreachable!()
    };
    assert_eq!(
        (received.from.as_str(), received.to.as_str()),
        (CUSTOMER, HELD)
    );
    assert_eq!(received.text, "stop");
    assert_eq!(received.messaging_profile_id.as_deref(), Some(PROFILE));
    assert_eq!(receiver.received()[0].path, "/webhooks/telnyx/sms");

    let refused = client.send_sms(sms("One more thing")).await.unwrap_err();
    assert!(
        matches!(refused, CarrierError::OptedOut { ref to } if to == CUSTOMER),
        "{refused:?}"
    );

    fake.inbound_sms(CUSTOMER, HELD, "START").await;
    client.send_sms(sms("Welcome back")).await.unwrap();
}

#[tokio::test]
async fn sending_from_a_number_not_on_a_profile_is_refused() {
    let fake = fake().await;
    let refused = client(&fake).send_sms(sms("hi")).await.unwrap_err();
    assert!(
        matches!(refused, CarrierError::Rejected { status: 422, .. }),
        "{refused:?}"
    );
}
