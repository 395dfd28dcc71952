use switchboard_telephony::carrier::{CarrierTimeouts, NumberHooks};
use switchboard_telephony::voipms::{VoipMsClient, VoipMsCredentials};
use switchboard_testkit::fakes::Recorded;
use switchboard_testkit::fakes::voipms::{FakeDid, FakeVoipMs, FakeVoipMsConfig};

pub use crate::receiver::Receiver;

pub const USER: &str = "ops@example.com";
pub const PASSWORD: &str = "PWvoipms-secret-42";
pub const ROUTING: &str = "account:100001_VoIP";
/// A DID the account holds at start.
pub const HELD: &str = "3055550100";

pub async fn fake() -> FakeVoipMs {
    let config = FakeVoipMsConfig::new(USER, PASSWORD)
        .inventory(vec![
            FakeDid::us("3055550001", "MIAMI", "FL"),
            FakeDid::us("3055554242", "MIAMI", "FL"),
            FakeDid::us("7865550003", "MIAMI", "FL"),
            FakeDid {
                sms: false,
                ..FakeDid::us("3055550004", "MIAMI", "FL")
            },
            FakeDid {
                canadian: true,
                ..FakeDid::us("4165550005", "TORONTO", "ON")
            },
        ])
        .owned(&[HELD]);
    FakeVoipMs::start(config).await.unwrap()
}

pub fn credentials(fake: &FakeVoipMs) -> VoipMsCredentials {
    VoipMsCredentials::new("voipms-main", USER, PASSWORD, ROUTING).base_url(fake.base_url())
}

pub fn client(fake: &FakeVoipMs) -> VoipMsClient {
    VoipMsClient::new(credentials(fake), CarrierTimeouts::default()).unwrap()
}

pub fn hooks(sms_url: &str) -> NumberHooks {
    NumberHooks {
        sms_url: sms_url.to_owned(),
        ..NumberHooks::default()
    }
}

/// The decoded parameters of every `rest.php` request, in order.
pub fn requests(fake: &FakeVoipMs) -> Vec<Vec<(String, String)>> {
    fake.recorder()
        .all()
        .into_iter()
        .filter_map(|item| match item {
            Recorded::Http { query, .. } => Some(
                url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

/// A request's parameters without the credentials.
pub fn method_params(request: &[(String, String)]) -> Vec<(&str, &str)> {
    request
        .iter()
        .filter(|(k, _)| k != "api_username" && k != "api_password")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}
