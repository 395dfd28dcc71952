//! Shared helpers: the caller fixture, configs for the fake, pumping audio, reading events.

use std::time::Duration;

use switchboard_providers::realtime::{
    RealtimeConfig, RealtimeEvent, RealtimeInput, RealtimeOutput, RealtimeSession, TurnDetection,
};
use switchboard_providers::tts::ApiKey;
use switchboard_providers::{ProviderError, Timeouts};
use switchboard_testkit::fakes::realtime::FAKE_REALTIME_KEY;

pub const MODEL: &str = "gpt-realtime";
pub const FRAME: usize = 160;
/// What the caller says in the fixture's first two utterances.
pub const SAID: [&str; 2] = ["I would like to book a table.", "For two people."];

/// Mu-law bytes of crates/audio/fixtures/speech_8k_ulaw.wav: speech at 500-3758 ms,
/// 4758-5616 ms and 6616-8836 ms (fixtures/labels.txt).
pub fn caller_audio() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../audio/fixtures/speech_8k_ulaw.wav"
    );
    let bytes = std::fs::read(path).expect("fixture");
    let wav = switchboard_audio::wav::parse(&bytes).expect("wav");
    assert_eq!(wav.spec.sample_rate, 8000);
    wav.data.to_vec()
}

/// `caller_audio()` from `from_ms` to `to_ms`.
pub fn slice(audio: &[u8], from_ms: usize, to_ms: usize) -> Vec<u8> {
    audio[from_ms * 8..(to_ms * 8).min(audio.len())].to_vec()
}

/// A config for the fake at `url` with short timeouts.
pub fn config(url: String) -> RealtimeConfig {
    RealtimeConfig::new(ApiKey::new(FAKE_REALTIME_KEY), MODEL)
        .with_base_url(url)
        .with_timeouts(Timeouts {
            connect: Duration::from_secs(2),
            first_byte: Duration::from_secs(2),
            idle: Duration::from_secs(2),
        })
}

/// A session with caller transcription and a 500 ms end of turn.
pub fn session(config: &RealtimeConfig) -> RealtimeSession {
    let mut session = config.session();
    session.instructions = "You take table bookings.".into();
    session.input_transcription = Some("gpt-4o-transcribe".into());
    session.turn_detection = TurnDetection::default();
    session
}

/// Sends `audio` in 20 ms frames, `speedup` times faster than real time.
pub async fn pump(input: &RealtimeInput, audio: &[u8], speedup: u32) {
    let period = Duration::from_millis(20) / speedup;
    let mut tick = tokio::time::interval(period);
    for frame in audio.chunks(FRAME) {
        tick.tick().await;
        if input.send_audio(frame).await.is_err() {
            return;
        }
    }
}

/// Reads events until `last` matches one (included), failing on an error or after `limit`.
pub async fn until(
    output: &mut RealtimeOutput,
    limit: Duration,
    mut last: impl FnMut(&RealtimeEvent) -> bool,
) -> Vec<RealtimeEvent> {
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, output.next()).await {
            Ok(Some(Ok(event))) => {
                let done = last(&event);
                events.push(event);
                if done {
                    return events;
                }
            }
            Ok(Some(Err(error))) => panic!("stream failed: {error:?}; so far {events:?}"),
            Ok(None) => panic!("stream ended; so far {events:?}"),
            Err(_) => panic!("timed out; so far {events:?}"),
        }
    }
}

/// Reads until the stream fails; returns what came before and the error.
pub async fn until_error(
    output: &mut RealtimeOutput,
    limit: Duration,
) -> (Vec<RealtimeEvent>, ProviderError) {
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, output.next()).await {
            Ok(Some(Ok(event))) => events.push(event),
            Ok(Some(Err(error))) => return (events, error),
            Ok(None) => panic!("stream ended without an error; so far {events:?}"),
            Err(_) => panic!("timed out; so far {events:?}"),
        }
    }
}

pub fn is_response_done(event: &RealtimeEvent) -> bool {
    matches!(event, RealtimeEvent::ResponseDone { .. })
}

/// All assistant audio in `events`, concatenated.
pub fn audio_of(events: &[RealtimeEvent]) -> Vec<u8> {
    events
        .iter()
        .filter_map(|e| match e {
            RealtimeEvent::AudioDelta { audio, .. } => Some(&audio[..]),
            _ => None,
        })
        .flatten()
        .copied()
        .collect()
}

/// Polls `check` every 10 ms until it holds or `limit` passes.
pub async fn eventually(limit: Duration, check: impl Fn() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check()
}

/// Fails if `error`'s Display or Debug contains `secret`.
pub fn assert_no_secret(error: &ProviderError, secret: &str) {
    assert!(
        !error.to_string().contains(secret),
        "secret in Display: {error}"
    );
    assert!(
        !format!("{error:?}").contains(secret),
        "secret in Debug: {error:?}"
    );
}
