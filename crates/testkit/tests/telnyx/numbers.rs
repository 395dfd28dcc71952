//! Numbers: search, order, import, release.

use switchboard_telephony::carrier::{
    Carrier, CarrierError, NumberCapabilities, NumberHooks, NumberSearch,
};
use switchboard_testkit::fakes::Recorded;

use super::support::*;

fn chicago() -> NumberSearch {
    NumberSearch {
        country: "US".into(),
        area_code: Some("312".into()),
        sms: true,
        voice: true,
        limit: 10,
        ..NumberSearch::default()
    }
}

fn last_query(fake: &switchboard_testkit::fakes::telnyx::FakeTelnyx) -> Vec<(String, String)> {
    let Some(Recorded::Http { query, .. }) = fake.recorder().all().pop() else {
        panic!("no request")
    };
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn search_sends_telnyx_filters_and_reads_regions_and_features() {
    let fake = fake().await;
    let client = client(&fake);
    let found = client.search_numbers(chicago()).await.unwrap();
    let query = last_query(&fake);
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        query,
        [
            pair("filter[country_code]", "US"),
            pair("filter[national_destination_code]", "312"),
            pair("filter[features][]", "voice"),
            pair("filter[features][]", "sms"),
            pair("filter[limit]", "10"),
        ]
    );
    let numbers: Vec<&str> = found.iter().map(|n| n.phone_number.as_str()).collect();
    assert_eq!(
        numbers,
        ["+13125550001", "+13125550042"],
        "773 and voice-only left out"
    );
    assert_eq!(found[0].region.as_deref(), Some("IL"));
    assert_eq!(found[0].locality.as_deref(), Some("CHICAGO"));
    assert_eq!(
        found[0].capabilities,
        NumberCapabilities {
            voice: true,
            sms: true,
            mms: false
        }
    );

    let search = NumberSearch {
        contains: Some("42".into()),
        limit: 0,
        ..chicago()
    };
    let found = client.search_numbers(search).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].phone_number, "+13125550042");
    assert!(last_query(&fake).contains(&("filter[phone_number][contains]".into(), "42".into())));
}

#[tokio::test]
async fn provisioning_orders_the_number_on_our_application_and_release_deletes_it() {
    let fake = fake().await;
    let client = client(&fake);
    let number = client
        .provision_number("+13125550001", NumberHooks::default())
        .await
        .unwrap();
    let owned = fake
        .owned_numbers()
        .into_iter()
        .find(|n| n.phone_number == "+13125550001")
        .unwrap();
    assert_eq!(number.carrier_number_id, owned.id);
    assert_eq!(number.phone_number, "+13125550001");
    assert!(number.capabilities.voice && number.capabilities.sms);
    assert_eq!(owned.connection_id.as_deref(), Some(APP));
    assert_eq!(owned.messaging_profile_id.as_deref(), Some(PROFILE));
    assert!(
        client
            .search_numbers(chicago())
            .await
            .unwrap()
            .iter()
            .all(|n| n.phone_number != "+13125550001"),
        "a bought number is no longer offered"
    );

    client.release_number(&number).await.unwrap();
    assert_eq!(fake.released_numbers()[0].id, owned.id);
    client
        .release_number(&number)
        .await
        .expect("releasing a number already gone is Ok");
}

#[tokio::test]
async fn an_order_still_pending_is_released_by_its_number() {
    let fake = fake().await;
    let client = client(&fake);
    fake.hold_orders(true);
    let number = client
        .provision_number("+13125550042", NumberHooks::default())
        .await
        .unwrap();
    assert_eq!(number.carrier_number_id, "+13125550042");
    fake.complete_orders();
    client.release_number(&number).await.unwrap();
    assert_eq!(fake.released_numbers()[0].phone_number, "+13125550042");
}

#[tokio::test]
async fn ordering_a_number_not_on_offer_is_refused() {
    let fake = fake().await;
    let refused = client(&fake)
        .provision_number("+13125550999", NumberHooks::default())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, CarrierError::Rejected { status: 422, .. }),
        "{refused:?}"
    );
}

#[tokio::test]
async fn importing_points_a_held_number_at_our_application_and_profile() {
    let fake = fake().await;
    let client = client(&fake);
    assert_eq!(fake.owned_numbers()[0].connection_id, None);
    let number = client
        .import_number(HELD, NumberHooks::default())
        .await
        .unwrap();
    let owned = &fake.owned_numbers()[0];
    assert_eq!(number.carrier_number_id, owned.id);
    assert_eq!(owned.connection_id.as_deref(), Some(APP));
    assert_eq!(owned.messaging_profile_id.as_deref(), Some(PROFILE));

    let missing = client
        .import_number("+13125550777", NumberHooks::default())
        .await
        .unwrap_err();
    assert!(
        matches!(missing, CarrierError::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn import_matches_the_number_exactly_though_the_filter_is_loose() {
    let fake = fake().await;
    // The fake's filter matches substrings: "+1312555010" would list +13125550100.
    let missing = client(&fake)
        .import_number("+1312555010", NumberHooks::default())
        .await
        .unwrap_err();
    assert!(matches!(missing, CarrierError::NotFound { .. }));
}
