//! Statuses map to the carrier-neutral errors, and the password never shows.

use switchboard_telephony::carrier::{Carrier, CarrierError, CarrierTimeouts, NumberSearch};
use switchboard_telephony::voipms::{VoipMsClient, VoipMsCredentials};

use super::support::*;

fn search() -> NumberSearch {
    NumberSearch {
        country: "US".into(),
        area_code: Some("305".into()),
        ..NumberSearch::default()
    }
}

fn shows_no_password(error: &CarrierError) {
    let text = format!("{error} {error:?}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized_and_not_shown() {
    let fake = fake().await;
    let wrong = VoipMsCredentials {
        api_password: "PWwrong-secret".into(),
        ..credentials(&fake)
    };
    let client = VoipMsClient::new(wrong, CarrierTimeouts::default()).unwrap();
    let error = client.search_numbers(search()).await.unwrap_err();
    assert!(
        matches!(error, CarrierError::Unauthorized { .. }),
        "{error:?}"
    );
    let text = format!("{error} {error:?} {client:?}");
    assert!(!text.contains("PWwrong-secret"), "{text}");
    assert!(format!("{client:?}").contains("[redacted]"));
}

#[tokio::test]
async fn access_and_limit_statuses_map_to_kinds() {
    let fake = fake().await;
    let client = client(&fake);
    for status in ["ip_not_enabled", "api_not_enabled", "missing_credentials"] {
        fake.force_status(Some(status));
        let error = client.search_numbers(search()).await.unwrap_err();
        assert!(
            matches!(error, CarrierError::Unauthorized { .. }),
            "{status}: {error:?}"
        );
    }
    fake.force_status(Some("api_limit_exceeded"));
    assert!(matches!(
        client.search_numbers(search()).await,
        Err(CarrierError::RateLimited { .. })
    ));
    fake.force_status(Some("order_failed"));
    let error = client.search_numbers(search()).await.unwrap_err();
    assert!(
        matches!(error, CarrierError::Rejected { status: 200, ref code, ref message, .. }
            if code == "order_failed" && message.starts_with("searchDIDsUSA")),
        "{error:?}"
    );
    shows_no_password(&error);
    fake.force_status(None);
    client.search_numbers(search()).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_api_is_unavailable_and_the_url_with_the_password_is_not_shown() {
    let fake = fake().await;
    let credentials = credentials(&fake);
    drop(fake);
    let client = VoipMsClient::new(credentials, CarrierTimeouts::default()).unwrap();
    let error = client.search_numbers(search()).await.unwrap_err();
    assert!(
        matches!(error, CarrierError::Unavailable { .. }),
        "{error:?}"
    );
    shows_no_password(&error);
    assert!(!format!("{error:?}").contains("rest.php"), "{error:?}");
}

#[tokio::test]
async fn a_reply_that_is_not_voipms_json_is_a_protocol_error_without_the_password() {
    // A server that echoes the request URL (with the password) back as HTML.
    let echo = Receiver::start(
        200,
        "<html>error at /rest.php?api_password=PWvoipms-secret-42</html>",
    )
    .await;
    let credentials = VoipMsCredentials::new("voipms-main", USER, PASSWORD, ROUTING)
        .base_url(echo.url("/api/v1/rest.php"));
    let client = VoipMsClient::new(credentials, CarrierTimeouts::default()).unwrap();
    let error = client.search_numbers(search()).await.unwrap_err();
    assert!(matches!(error, CarrierError::Protocol { .. }), "{error:?}");
    shows_no_password(&error);
    assert!(
        echo.received()[0]
            .query
            .contains("api_username=ops%40example.com")
    );
}

#[test]
fn credentials_debug_hides_the_password() {
    let text = format!("{:?}", VoipMsCredentials::new("v", USER, PASSWORD, ROUTING));
    assert!(
        !text.contains(PASSWORD) && text.contains("[redacted]"),
        "{text}"
    );
}
