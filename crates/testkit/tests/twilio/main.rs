//! The Twilio REST client against the fake Twilio, and the fake's behaviour toward a
//! stand-in server: calls with status callbacks, TwiML, media streams, transfers,
//! recordings, inbound calls and SMS, opt-outs, callback disorder and a reverse proxy.

mod calls;
mod inbound;
mod messages;
mod numbers;
mod standin;

use std::time::Duration;

use switchboard_telephony::carrier::CarrierTimeouts;
use switchboard_telephony::carrier::{CallWebhooks, NumberHooks, PlaceCall};
use switchboard_telephony::twilio::rest::TwilioClient;
use switchboard_testkit::fakes::twilio::{FakeTwilio, FakeTwilioConfig};

pub const TOKEN: &str = "fake-twilio-auth-token";
/// Our number at the fake.
pub const OURS: &str = "+14155550123";
/// The person we call or who texts us.
pub const THEM: &str = "+12065550188";

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A fake that owns [`OURS`], with fast timing.
pub fn config() -> FakeTwilioConfig {
    FakeTwilioConfig::with_token(TOKEN).owns(OURS)
}

pub async fn fake(config: FakeTwilioConfig) -> (FakeTwilio, TwilioClient) {
    let fake = FakeTwilio::start(config).await.unwrap();
    let client = TwilioClient::new(fake.credentials("test"), CarrierTimeouts::default()).unwrap();
    (fake, client)
}

/// A call from [`OURS`] to [`THEM`] whose webhooks live under `base`.
pub fn place_call(base: &str) -> PlaceCall {
    PlaceCall {
        to: THEM.into(),
        from: OURS.into(),
        webhooks: CallWebhooks {
            voice_url: format!("{base}/voice"),
            status_url: format!("{base}/status"),
            recording_url: Some(format!("{base}/recording")),
            machine_detection_url: Some(format!("{base}/amd")),
        },
        ring_timeout_secs: 20,
        time_limit_secs: None,
        record: false,
        machine_detection: None,
        client_state: "call_1".into(),
    }
}

pub fn hooks(base: &str) -> NumberHooks {
    NumberHooks {
        voice_url: format!("{base}/voice"),
        sms_url: format!("{base}/sms"),
        status_url: Some(format!("{base}/status")),
    }
}
