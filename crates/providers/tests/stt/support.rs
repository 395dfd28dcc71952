//! Shared helpers: the caller fixture, pacing, event collection.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::Timeouts;
use switchboard_providers::stt::{DeepgramConfig, SttEvent, SttEvents, SttSender};
use tokio::time::Instant;

pub const KEY: &str = "dg-test-key";
/// The three utterances of `speech_8k_ulaw.wav`, as the fake is scripted to hear them.
pub const SCRIPT: [&str; 3] = [
    "I would like to book a table.",
    "For two people.",
    "Tomorrow at eight in the evening.",
];
pub const FRAME: usize = 160;

/// The caller: mu-law bytes of crates/audio/fixtures/speech_8k_ulaw.wav.
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

/// Ground truth `(start_ms, end_ms)` per utterance, from fixtures/labels.txt.
pub fn labels() -> Vec<(u64, u64)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../audio/fixtures/labels.txt"
    ))
    .unwrap();
    text.lines()
        .filter(|l| l.starts_with("speech_8k_ulaw.wav "))
        .map(|l| {
            let f: Vec<u64> = l
                .split_whitespace()
                .skip(1)
                .map(|n| n.parse().unwrap())
                .collect();
            (f[0], f[1])
        })
        .collect()
}

pub fn silence(ms: usize) -> Vec<u8> {
    vec![0xFF; ms * 8]
}

/// A client config for `base_url` with short, test-sized timeouts.
pub fn deepgram(base_url: String) -> DeepgramConfig {
    let mut config = DeepgramConfig::new(base_url, KEY);
    config.timeouts = Timeouts {
        connect: Duration::from_secs(2),
        first_byte: Duration::from_secs(3),
        idle: Duration::from_secs(3),
    };
    config.close_timeout = Duration::from_secs(2);
    config
}

/// Pushes `audio` in 20 ms frames, `speedup` times faster than real time; returns when each
/// frame was handed over.
pub async fn pump(sender: &SttSender, audio: &[u8], speedup: u32) -> Vec<Instant> {
    let period = Duration::from_millis(20) / speedup;
    let start = Instant::now();
    let mut sent = Vec::with_capacity(audio.len() / FRAME + 1);
    for (i, frame) in audio.chunks(FRAME).enumerate() {
        tokio::time::sleep_until(start + period * i as u32).await;
        if sender.send_frame(frame).await.is_err() {
            break;
        }
        sent.push(Instant::now());
    }
    sent
}

/// Collects events (with arrival times) until the stream ends or `limit` passes.
pub async fn collect(
    events: &mut SttEvents,
    limit: Duration,
) -> (Vec<(Instant, SttEvent)>, Option<ProviderError>) {
    let deadline = Instant::now() + limit;
    let mut got = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(Ok(event))) => {
                let closed = matches!(event, SttEvent::Closed { .. });
                got.push((Instant::now(), event));
                if closed {
                    return (got, None);
                }
            }
            Ok(Some(Err(e))) => return (got, Some(e)),
            Ok(None) | Err(_) => return (got, None),
        }
    }
}

/// The text of final transcripts with speech_final, in order.
pub fn speech_finals(events: &[(Instant, SttEvent)]) -> Vec<String> {
    events
        .iter()
        .filter_map(|(_, e)| match e {
            SttEvent::Transcript(t) if t.speech_final => Some(t.text.clone()),
            _ => None,
        })
        .collect()
}
