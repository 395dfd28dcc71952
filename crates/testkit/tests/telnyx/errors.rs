//! Failures map to the carrier-neutral errors, and the key never shows.

use std::time::Duration;

use switchboard_telephony::carrier::{Carrier, CarrierError, CarrierTimeouts, NumberSearch};
use switchboard_telephony::telnyx::{TelnyxClient, TelnyxCredentials};
use switchboard_testkit::fakes::telnyx::Refusal;

use super::support::*;

fn search() -> NumberSearch {
    NumberSearch {
        country: "US".into(),
        ..NumberSearch::default()
    }
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_and_not_shown() {
    let fake = fake().await;
    let wrong = TelnyxCredentials {
        api_key: "KEYwrong-secret".into(),
        ..credentials(&fake)
    };
    let client = TelnyxClient::new(wrong, CarrierTimeouts::default()).unwrap();
    let error = client.search_numbers(search()).await.unwrap_err();
    assert!(
        matches!(error, CarrierError::Unauthorized { ref carrier } if carrier == "telnyx-main")
    );
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains("KEYwrong-secret"), "{text}");
    }
    assert!(format!("{client:?}").contains("[redacted]"));
}

#[tokio::test]
async fn statuses_map_to_error_kinds() {
    let fake = fake().await;
    let client = client(&fake);
    let rate_limited = Refusal {
        retry_after: Some(7),
        ..Refusal::new(429, "10011", "Too many requests")
    };
    fake.refuse(Some(rate_limited));
    assert!(matches!(
        client.search_numbers(search()).await,
        Err(CarrierError::RateLimited { retry_after: Some(wait), .. }) if wait == Duration::from_secs(7)
    ));
    fake.refuse(Some(Refusal::new(503, "10008", "Service unavailable")));
    let error = client.search_numbers(search()).await.unwrap_err();
    assert!(
        matches!(error, CarrierError::Unavailable { ref reason, .. } if reason.contains("503") && reason.contains("Service unavailable")),
        "{error:?}"
    );
    fake.refuse(Some(Refusal::new(403, "10010", "Forbidden")));
    assert!(matches!(
        client.search_numbers(search()).await,
        Err(CarrierError::Unauthorized { .. })
    ));
    fake.refuse(Some(Refusal::new(400, "10015", "Bad request")));
    assert!(matches!(
        client.search_numbers(search()).await,
        Err(CarrierError::Rejected { status: 400, ref code, ref message, .. }) if code == "10015" && message.starts_with("Bad request")
    ));
    fake.refuse(None);
    client.search_numbers(search()).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_api_is_unavailable_without_the_key() {
    let fake = fake().await;
    let base_url = fake.base_url();
    drop(fake);
    let credentials = TelnyxCredentials::new("telnyx-main", KEY, APP).base_url(base_url);
    let client = TelnyxClient::new(credentials, CarrierTimeouts::default()).unwrap();
    let error = client.hang_up("v3:abc").await.unwrap_err();
    assert!(
        matches!(error, CarrierError::Unavailable { .. }),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains(KEY));
}

#[tokio::test]
async fn the_key_only_goes_to_the_api_host() {
    let fake = fake().await;
    let elsewhere = Receiver::start(200, "audio").await;
    let media = client(&fake)
        .fetch_recording(&elsewhere.url("/bucket/recording.mp3"))
        .await
        .unwrap();
    assert_eq!(media.bytes, b"audio");
    assert_eq!(elsewhere.received()[0].header("authorization"), None);
}

#[test]
fn credentials_debug_hides_the_key() {
    let credentials = TelnyxCredentials::new("telnyx-main", KEY, APP);
    let text = format!("{credentials:?}");
    assert!(!text.contains(KEY) && text.contains("[redacted]"), "{text}");
}
