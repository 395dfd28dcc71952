//! The `simulator` carrier: the testkit's Twilio look-alike, run inside the server, so calls
//! go through the same webhook -> TwiML -> media-stream path as Twilio with no account. Its
//! callee is a simulated person who answers, replies three times to what the agent says, and
//! hangs up.

use std::sync::Arc;
use std::time::Duration;

use switchboard_telephony::carrier::CarrierKind;
use switchboard_telephony::carrier::CarrierTimeouts;
use switchboard_telephony::twilio::rest::TwilioClient;
use switchboard_testkit::caller::{Script, Utterance, random_sid};
use switchboard_testkit::fakes::twilio::{Callee, FakeTwilio, FakeTwilioConfig, Timing};

use super::registry::CarrierAccount;
use crate::config::CarrierPrices;

/// A short stretch of real speech the simulated callee says (8 kHz mu-law WAV).
const SPEECH: &[u8] = include_bytes!("../../../audio/fixtures/speech_8k_ulaw.wav");

pub struct Simulator {
    fake: FakeTwilio,
}

impl Simulator {
    /// Starts the in-process carrier on a free local port; it calls us back under
    /// `our_base_url`.
    pub async fn start(_name: &str, _our_base_url: &str) -> anyhow::Result<Self> {
        let config = FakeTwilioConfig::new(random_sid("AC"), random_sid(""))
            .default_callee(Callee::Answer(callee_script()?))
            .timing(Timing::realistic());
        let fake = FakeTwilio::start(config).await?;
        Ok(Simulator { fake })
    }

    pub fn account(&self, name: &str, prices: CarrierPrices) -> anyhow::Result<CarrierAccount> {
        let client = TwilioClient::new(self.fake.credentials(name), CarrierTimeouts::default())?;
        Ok(CarrierAccount {
            name: name.to_owned(),
            kind: CarrierKind::Simulator,
            client: Arc::new(client),
            twilio_auth_token: Some(self.fake.auth_token().into()),
            telnyx: None,
            telnyx_public_key: None,
            prices,
        })
    }

    /// The running look-alike, for tests and the demo.
    pub fn fake(&self) -> &FakeTwilio {
        &self.fake
    }
}

/// How many times the simulated person answers before saying goodbye.
const REPLIES: usize = 3;

/// Answers, lets the agent speak, says one sentence after each thing the agent says (three
/// times), then hangs up once the agent has had the last word.
fn callee_script() -> anyhow::Result<Script> {
    let wav = switchboard_audio::wav::parse(SPEECH)?;
    // The fixture's first sentence: 0.4 s to 3.86 s, 8 mu-law bytes a millisecond.
    let sentence = Utterance::from_mulaw(wav.data[400 * 8..3858 * 8].to_vec());
    let quiet = Duration::from_millis(800);
    // Long enough for a remote controller (an MCP client) to think between questions.
    let patience = Duration::from_secs(60);
    let script = (0..REPLIES).fold(Script::new(), |script, _| {
        script.wait_for_agent(quiet, patience).say(sentence.clone())
    });
    Ok(script.wait_for_agent(quiet, patience).hangup())
}
