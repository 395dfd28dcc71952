//! One call with a [`RealtimeBrain`] against the fake Realtime API, and its records.

use std::time::Duration;

use switchboard_providers::realtime::{OpenAiRealtime, RealtimeConfig};
use switchboard_providers::tts::ApiKey;
use switchboard_telephony::media::Carrier;
use switchboard_testkit::fakes::realtime::{FAKE_REALTIME_KEY, FakeRealtime, RealtimeScript};
use switchboard_voice::conversation::{ConversationSpec, PriceList, RealtimeBrain, UnitPrices};
use switchboard_voice::records::{CallRecord, CostRecord, Speaker, TimelineEvent, TranscriptEntry};
use switchboard_voice::{BrainSpec, Session, SessionConfig};
use tokio::sync::mpsc;

use crate::support::{Call, Sent, TestAuth};

pub const MS: Duration = Duration::from_millis(1);

/// Prices for the fake's provider name, so cost records carry them.
pub const PRICES: UnitPrices = UnitPrices {
    stt_per_minute: 6_000,
    tts_per_million_chars: 0,
    llm_input_per_million_tokens: 32_000_000,
    llm_output_per_million_tokens: 64_000_000,
};

pub struct S2sCall {
    pub call: Call,
    pub fake: FakeRealtime,
    records: mpsc::Receiver<CallRecord>,
    pub seen: Vec<CallRecord>,
}

/// A fast script: 20 ms of audio per character (whole frames), sent as fast as possible.
pub fn script() -> RealtimeScript {
    RealtimeScript {
        ms_per_char: 20,
        chunk_ms: 100,
        ..RealtimeScript::default()
    }
}

pub fn spec() -> ConversationSpec {
    ConversationSpec::new("You are the receptionist of a small restaurant.")
}

impl S2sCall {
    /// Starts the fake, then a Twilio call whose brain talks to it.
    pub async fn start(script: RealtimeScript, spec: ConversationSpec) -> Self {
        let fake = FakeRealtime::start(script).await.unwrap();
        let config = RealtimeConfig::new(ApiKey::new(FAKE_REALTIME_KEY), "gpt-realtime")
            .with_base_url(fake.url());
        let client = OpenAiRealtime::new(config);
        let mut prices = PriceList::default();
        prices.insert(client.name(), PRICES);
        let (sink, records) = switchboard_voice::records::RecordSink::channel();
        let brain = RealtimeBrain::new(spec, client, prices, sink);
        let auth = TestAuth::new(BrainSpec::Custom(Box::new(brain)));
        let session = Session::new(Carrier::Twilio, SessionConfig::default(), auth).unwrap();
        let mut call = Call::start(session, true);
        call.connect().await;
        S2sCall {
            call,
            fake,
            records,
            seen: Vec::new(),
        }
    }

    /// Waits (at most ten seconds) until `done` holds for the records so far.
    pub async fn until(&mut self, what: &str, done: impl Fn(&S2sCall) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(self) {
            match tokio::time::timeout_at(deadline, self.records.recv()).await {
                Ok(Some(record)) => self.seen.push(record),
                Ok(None) => panic!("records closed while waiting for {what}: {:#?}", self.seen),
                Err(_) => panic!("timed out waiting for {what}: {:#?}", self.seen),
            }
        }
    }

    /// Waits until the carrier has been sent agent audio.
    pub async fn until_audio(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !self.call.sent().iter().any(|s| matches!(s, Sent::Media(_))) {
            assert!(tokio::time::Instant::now() < deadline, "no agent audio");
            tokio::time::sleep(10 * MS).await;
        }
    }

    /// Collects what the brain records after the session ended.
    pub async fn drain(&mut self) {
        while let Ok(Some(record)) =
            tokio::time::timeout(Duration::from_secs(5), self.records.recv()).await
        {
            self.seen.push(record);
        }
    }

    /// The caller says `audio`, then is silent long enough for the server to end the turn.
    pub async fn say(&mut self, audio: &[u8]) {
        self.call.speak(audio).await;
        self.call.speak(&crate::support::silence(900)).await;
    }

    /// The transcript: the latest entry of each `seq`, in `seq` order.
    pub fn transcript(&self) -> Vec<TranscriptEntry> {
        let mut entries: Vec<TranscriptEntry> = Vec::new();
        for record in &self.seen {
            if let CallRecord::Transcript(entry) = record {
                entries.retain(|e| e.seq != entry.seq);
                entries.push(entry.clone());
            }
        }
        entries.sort_by_key(|e| e.seq);
        entries
    }

    pub fn said(&self) -> Vec<(Speaker, String)> {
        self.transcript()
            .into_iter()
            .map(|e| (e.speaker, e.text))
            .collect()
    }

    pub fn has_entry(&self, speaker: Speaker, text: &str) -> bool {
        self.transcript()
            .iter()
            .any(|e| e.speaker == speaker && e.text == text)
    }

    pub fn events(&self, kind: &str) -> Vec<TimelineEvent> {
        self.seen
            .iter()
            .filter_map(|r| match r {
                CallRecord::Event(event) if event.kind == kind => Some(event.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn costs(&self) -> Vec<CostRecord> {
        self.seen
            .iter()
            .filter_map(|r| match r {
                CallRecord::Cost(cost) => Some(cost.clone()),
                _ => None,
            })
            .collect()
    }
}

/// The caller's short utterance in the speech fixture (4758-5616 ms), with a little margin.
pub fn short_utterance() -> Vec<u8> {
    crate::support::speech()[4_658 * 8..5_716 * 8].to_vec()
}

/// Agent audio the fake makes for `text` under [`script`]: 20 ms a character, 8 bytes a ms.
pub fn audio_bytes(text: &str) -> usize {
    text.chars().count() * 20 * 8
}
