//! Searching, buying, importing and releasing numbers; credentials; error bodies.

use switchboard_telephony::carrier::CarrierTimeouts;
use switchboard_telephony::carrier::{Carrier, CarrierError, NumberSearch};
use switchboard_telephony::twilio::rest::TwilioClient;
use switchboard_testkit::fakes::Recorded;

use super::{OURS, config, fake, hooks};

#[tokio::test]
async fn searches_buys_imports_and_releases_numbers() {
    let (fake, twilio) = fake(config()).await;
    let search = NumberSearch {
        country: "US".into(),
        area_code: Some("415".into()),
        contains: Some("77".into()),
        voice: true,
        sms: true,
        mms: false,
        limit: 3,
    };
    let found = twilio.search_numbers(search).await.unwrap();
    assert_eq!(found.len(), 3);
    for number in &found {
        assert!(number.phone_number.starts_with("+1415"), "{number:?}");
        assert!(number.phone_number[2..].contains("77"));
        assert!(number.capabilities.voice && number.capabilities.sms && number.capabilities.mms);
        assert_eq!(number.region.as_deref(), Some("CA"));
    }
    let query = fake
        .recorder()
        .all()
        .into_iter()
        .find_map(|r| match r {
            Recorded::Http { path, query, .. } if path.ends_with("/Local.json") => Some(query),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        query,
        "AreaCode=415&Contains=77&VoiceEnabled=true&SmsEnabled=true&PageSize=3"
    );

    let bought = twilio
        .provision_number(&found[0].phone_number, hooks("https://sb.example"))
        .await
        .unwrap();
    assert!(bought.carrier_number_id.starts_with("PN") && bought.carrier_number_id.len() == 34);
    assert_eq!(bought.phone_number, found[0].phone_number);
    assert!(bought.capabilities.sms);
    let held = fake.numbers();
    let record = held
        .iter()
        .find(|n| n.phone_number == bought.phone_number)
        .unwrap();
    assert_eq!(
        record.voice_url.as_deref(),
        Some("https://sb.example/voice")
    );
    assert_eq!(record.sms_url.as_deref(), Some("https://sb.example/sms"));
    assert_eq!(
        record.status_callback.as_deref(),
        Some("https://sb.example/status")
    );
    assert_eq!(record.voice_method, "POST");

    let again = twilio
        .provision_number(&found[0].phone_number, hooks("https://sb.example"))
        .await
        .unwrap_err();
    assert!(
        matches!(&again, CarrierError::Rejected { status: 400, code, .. } if code == "21422"),
        "{again:?}"
    );

    let imported = twilio
        .import_number(OURS, hooks("https://other.example"))
        .await
        .unwrap();
    assert_eq!(imported.phone_number, OURS);
    let ours = fake
        .numbers()
        .into_iter()
        .find(|n| n.phone_number == OURS)
        .unwrap();
    assert_eq!(
        ours.voice_url.as_deref(),
        Some("https://other.example/voice")
    );
    assert_eq!(imported.carrier_number_id, ours.sid);

    let missing = twilio
        .import_number("+13125550199", hooks("https://x"))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, CarrierError::NotFound { .. }),
        "{missing:?}"
    );

    twilio.release_number(&bought).await.unwrap();
    assert!(
        !fake
            .numbers()
            .iter()
            .any(|n| n.phone_number == bought.phone_number)
    );
    twilio
        .release_number(&bought)
        .await
        .expect("releasing twice is fine");
    let deletes: Vec<String> = fake
        .recorder()
        .all()
        .into_iter()
        .filter_map(|r| match r {
            Recorded::Http { method, path, .. } if method == "DELETE" => Some(path),
            _ => None,
        })
        .collect();
    assert_eq!(deletes.len(), 2);
    assert!(deletes[0].ends_with(&format!(
        "/IncomingPhoneNumbers/{}.json",
        bought.carrier_number_id
    )));
}

#[tokio::test]
async fn wrong_credentials_are_refused_with_20003() {
    let (fake, _) = fake(config()).await;
    let mut credentials = fake.credentials("wrong");
    credentials.auth_token = "not-the-token".into();
    let twilio = TwilioClient::new(credentials, CarrierTimeouts::default()).unwrap();
    let error = twilio
        .search_numbers(NumberSearch {
            country: "US".into(),
            ..NumberSearch::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CarrierError::Unauthorized { carrier } if carrier == "wrong"),
        "{error:?}"
    );
    assert!(!format!("{error:?}").contains("not-the-token"));
    assert!(!format!("{twilio:?}").contains("not-the-token"));
    assert!(!format!("{:?}", fake.credentials("x")).contains(super::TOKEN));
}

#[tokio::test]
async fn faults_map_to_carrier_errors() {
    let (fake, twilio) = fake(config()).await;
    fake.set_faults(switchboard_testkit::fakes::Faults::http_error(
        503,
        r#"{"code": 20500, "message": "Internal Server Error", "status": 503}"#,
    ));
    let error = twilio.hang_up("CA0123").await.unwrap_err();
    assert!(
        matches!(error, CarrierError::Unavailable { .. }),
        "{error:?}"
    );
    fake.set_faults(switchboard_testkit::fakes::Faults::http_error(
        429,
        r#"{"code": 20429, "message": "Too Many Requests", "status": 429}"#,
    ));
    let error = twilio.hang_up("CA0123").await.unwrap_err();
    assert!(
        matches!(error, CarrierError::RateLimited { .. }),
        "{error:?}"
    );
}
