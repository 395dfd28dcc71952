use std::time::{Duration, SystemTime};

use switchboard_telephony::carrier::CarrierTimeouts;
use switchboard_telephony::telnyx::webhook::{self, Envelope, Event};
use switchboard_telephony::telnyx::{TelnyxClient, TelnyxCredentials};
use switchboard_testkit::fakes::telnyx::{FakeNumber, FakeTelnyx, FakeTelnyxConfig};

pub use crate::receiver::{Received, Receiver};

pub const KEY: &str = "KEYtelnyx-secret-0123456789";
pub const APP: &str = "1293384261075731499";
pub const PROFILE: &str = "40017a54-5c2f-4b4d-9a2b-1f2e3d4c5b6a";
/// Numbers the account holds at start, unassigned.
pub const HELD: &str = "+13125550100";
pub const CUSTOMER: &str = "+13125559999";

pub fn inventory() -> Vec<FakeNumber> {
    vec![
        FakeNumber::us("+13125550001", "IL", "CHICAGO"),
        FakeNumber::us("+13125550042", "IL", "CHICAGO"),
        FakeNumber::us("+17735550003", "IL", "CHICAGO"),
        FakeNumber {
            features: vec!["voice".into()],
            ..FakeNumber::us("+13125550004", "IL", "CHICAGO")
        },
    ]
}

pub async fn fake() -> FakeTelnyx {
    let config = FakeTelnyxConfig::new(KEY, APP, PROFILE)
        .inventory(inventory())
        .owned(&[HELD]);
    FakeTelnyx::start(config).await.unwrap()
}

pub fn credentials(fake: &FakeTelnyx) -> TelnyxCredentials {
    TelnyxCredentials::new("telnyx-main", KEY, APP)
        .messaging_profile_id(PROFILE)
        .base_url(fake.base_url())
}

pub fn client(fake: &FakeTelnyx) -> TelnyxClient {
    TelnyxClient::new(credentials(fake), CarrierTimeouts::default()).unwrap()
}

/// A receiver set as the application's and the profile's webhook.
pub async fn receiver(fake: &FakeTelnyx) -> Receiver {
    let receiver = Receiver::start(200, "").await;
    fake.set_connection_webhook(APP, &receiver.url("/webhooks/telnyx/voice"));
    fake.set_messaging_webhook(PROFILE, &receiver.url("/webhooks/telnyx/sms"));
    receiver
}

/// Waits for `count` webhooks in all, then checks every one the receiver got as the server
/// would (signature, then parse).
pub async fn delivered(fake: &FakeTelnyx, receiver: &Receiver, count: usize) -> Vec<Envelope> {
    assert!(
        fake.wait_for_webhooks(count, Duration::from_secs(5)).await,
        "expected {count} webhooks, got {:?}",
        fake.webhooks()
            .iter()
            .map(|w| w.event_type.clone())
            .collect::<Vec<_>>()
    );
    receiver
        .received()
        .iter()
        .map(|r| verified(fake, r))
        .collect()
}

pub fn verified(fake: &FakeTelnyx, received: &Received) -> Envelope {
    assert_eq!(received.method, "POST");
    assert_eq!(received.header("content-type"), Some("application/json"));
    webhook::verify(
        &fake.public_key_base64(),
        received.header(webhook::SIGNATURE_HEADER),
        received.header(webhook::TIMESTAMP_HEADER),
        &received.body,
        SystemTime::now(),
        webhook::DEFAULT_TOLERANCE,
    )
    .expect("a webhook signed by the fake verifies");
    webhook::parse(&received.body).expect("a webhook from the fake parses")
}

pub fn types(events: &[Envelope]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

/// The first event of a type.
pub fn find<'a>(events: &'a [Envelope], event_type: &str) -> &'a Event {
    &events
        .iter()
        .find(|e| e.event_type == event_type)
        .unwrap_or_else(|| panic!("no {event_type} in {:?}", types(events)))
        .event
}
