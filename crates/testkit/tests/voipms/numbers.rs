//! DIDs: search, order with the SMS callback, import, cancel.

use switchboard_telephony::carrier::{Carrier, CarrierError, NumberSearch};

use super::support::*;

fn miami(area_code: Option<&str>, contains: Option<&str>) -> NumberSearch {
    NumberSearch {
        country: "US".into(),
        area_code: area_code.map(Into::into),
        contains: contains.map(Into::into),
        ..NumberSearch::default()
    }
}

#[tokio::test]
async fn search_by_area_code_or_digits_returns_e164_numbers() {
    let fake = fake().await;
    let client = client(&fake);
    let found = client
        .search_numbers(miami(Some("305"), None))
        .await
        .unwrap();
    assert_eq!(
        method_params(&requests(&fake)[0]),
        [
            ("method", "searchDIDsUSA"),
            ("type", "starts"),
            ("query", "305")
        ]
    );
    let numbers: Vec<&str> = found.iter().map(|n| n.phone_number.as_str()).collect();
    assert_eq!(numbers, ["+13055550001", "+13055554242", "+13055550004"]);
    assert_eq!(found[0].region.as_deref(), Some("FL"));
    assert_eq!(found[0].locality.as_deref(), Some("MIAMI"));
    assert!(found.iter().all(|n| n.capabilities.voice));

    let found = client
        .search_numbers(miami(None, Some("4242")))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        method_params(&requests(&fake)[1])[1..],
        [("type", "contains"), ("query", "4242")]
    );

    let both = NumberSearch {
        limit: 1,
        ..miami(Some("305"), Some("555"))
    };
    let found = client.search_numbers(both).await.unwrap();
    assert_eq!(found.len(), 1, "the limit applies");
    assert!(found[0].phone_number.starts_with("+1305"));

    let canada = NumberSearch {
        country: "CA".into(),
        ..miami(Some("416"), None)
    };
    let found = client.search_numbers(canada).await.unwrap();
    assert_eq!(found[0].phone_number, "+14165550005");
    assert_eq!(found[0].region.as_deref(), Some("ON"));
}

#[tokio::test]
async fn no_did_is_an_empty_result_not_an_error() {
    let fake = fake().await;
    let found = client(&fake)
        .search_numbers(miami(Some("212"), None))
        .await
        .unwrap();
    assert!(found.is_empty());
}

#[tokio::test]
async fn searches_voipms_cannot_answer_are_refused_before_asking() {
    let fake = fake().await;
    let client = client(&fake);
    let uk = NumberSearch {
        country: "GB".into(),
        ..miami(Some("20"), None)
    };
    assert!(matches!(
        client.search_numbers(uk).await,
        Err(CarrierError::Rejected { ref code, .. }) if code == "unsupported_country"
    ));
    assert!(matches!(
        client.search_numbers(miami(None, None)).await,
        Err(CarrierError::Rejected { ref code, .. }) if code == "missing_query"
    ));
    assert!(fake.recorder().all().is_empty());
}

#[tokio::test]
async fn provisioning_orders_the_did_and_points_its_sms_callback_at_us() {
    let fake = fake().await;
    let client = client(&fake);
    let template = "https://app.example/webhooks/voipms/sms?token=t&to={TO}&from={FROM}&message={MESSAGE}&id={ID}&date={DATE}";
    let number = client
        .provision_number("+13055550001", hooks(template))
        .await
        .unwrap();
    assert_eq!(number.carrier_number_id, "3055550001");
    assert_eq!(number.phone_number, "+13055550001");
    assert!(number.capabilities.sms);

    let requests = requests(&fake);
    assert_eq!(
        method_params(&requests[0]),
        [
            ("method", "orderDID"),
            ("did", "3055550001"),
            ("routing", ROUTING),
            ("pop", "1"),
            ("dialtime", "60"),
            ("cnam", "0"),
            ("billing_type", "1"),
        ]
    );
    assert_eq!(
        method_params(&requests[1]),
        [
            ("method", "setSMS"),
            ("did", "3055550001"),
            ("enable", "1"),
            ("url_callback_enable", "1"),
            ("url_callback", template),
            ("url_callback_retry", "1"),
        ]
    );
    let record = fake
        .owned_dids()
        .into_iter()
        .find(|d| d.did == "3055550001")
        .unwrap();
    assert!(record.sms_enabled && record.url_callback_enabled && record.url_callback_retry);
    assert_eq!(record.url_callback, template);

    client.release_number(&number).await.unwrap();
    assert_eq!(fake.cancelled_dids(), ["3055550001"]);
    client
        .release_number(&number)
        .await
        .expect("a DID already cancelled is released");
}

#[tokio::test]
async fn ordering_a_did_taken_or_not_offered_is_refused() {
    let fake = fake().await;
    let client = client(&fake);
    assert!(matches!(
        client.provision_number("+13055550100", hooks("")).await,
        Err(CarrierError::Rejected { ref code, .. }) if code == "did_in_use"
    ));
    assert!(matches!(
        client.provision_number("+13055559999", hooks("")).await,
        Err(CarrierError::Rejected { ref code, .. }) if code == "invalid_did"
    ));
    assert!(matches!(
        client.provision_number("+442071234567", hooks("")).await,
        Err(CarrierError::Rejected { ref code, .. }) if code == "not_nanp"
    ));
}

#[tokio::test]
async fn importing_a_held_did_turns_on_sms_and_a_missing_one_is_not_found() {
    let fake = fake().await;
    let client = client(&fake);
    let number = client
        .import_number("+13055550100", hooks("https://app.example/sms?to={TO}"))
        .await
        .unwrap();
    assert_eq!(number.carrier_number_id, HELD);
    assert_eq!(
        method_params(&requests(&fake)[0]),
        [("method", "getDIDsInfo"), ("did", HELD)]
    );
    assert!(fake.owned_dids()[0].url_callback_enabled);

    let missing = client
        .import_number("+13055550777", hooks(""))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, CarrierError::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn voice_and_recordings_are_unsupported() {
    let fake = fake().await;
    let client = client(&fake);
    let unsupported = |r: Result<(), CarrierError>| matches!(r, Err(CarrierError::Unsupported { ref carrier, .. }) if carrier == "voipms-main");
    assert!(unsupported(
        client
            .place_call(switchboard_telephony::carrier::PlaceCall {
                to: "+13055559999".into(),
                from: "+13055550100".into(),
                webhooks: Default::default(),
                ring_timeout_secs: 30,
                time_limit_secs: None,
                record: false,
                machine_detection: None,
                client_state: String::new(),
            })
            .await
            .map(drop)
    ));
    assert!(unsupported(client.hang_up("x").await));
    assert!(unsupported(
        client.transfer("x", "+13055559999", "+13055550100").await
    ));
    assert!(unsupported(
        client
            .fetch_recording("https://voip.ms/r.mp3")
            .await
            .map(drop)
    ));
    assert!(fake.recorder().all().is_empty());
}
