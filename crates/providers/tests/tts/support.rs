//! Helpers shared by the TTS tests.

use std::time::Duration;

use switchboard_audio::g711;
use switchboard_providers::tts::{TtsEvent, TtsOutput};
use switchboard_providers::{ProviderError, Timeouts, Usage};

/// Short timeouts so failure tests stay fast.
pub fn quick_timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        first_byte: Duration::from_secs(2),
        idle: Duration::from_secs(2),
    }
}

/// Reads a stream to its end: all events, then the audio and usage (or the error).
pub async fn drain(
    mut output: TtsOutput,
) -> (Vec<TtsEvent>, Result<(Vec<u8>, Usage), ProviderError>) {
    let mut events = Vec::new();
    let mut audio = Vec::new();
    while let Some(event) = output.next().await {
        match event {
            Ok(TtsEvent::Final { usage }) => {
                events.push(TtsEvent::Final { usage });
                return (events, Ok((audio, usage)));
            }
            Ok(event) => {
                if let TtsEvent::Audio(chunk) = &event {
                    audio.extend_from_slice(&chunk.mulaw);
                }
                events.push(event);
            }
            Err(error) => return (events, Err(error)),
        }
    }
    (events, Err(ProviderError::Cancelled))
}

/// The dominant frequency of mu-law 8 kHz audio, from its zero crossings.
pub fn frequency_hz(mulaw: &[u8]) -> f64 {
    let mut pcm = vec![0i16; mulaw.len()];
    g711::decode_ulaw(mulaw, &mut pcm);
    let crossings = pcm.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
    crossings as f64 / 2.0 / (pcm.len() as f64 / 8_000.0)
}

/// Fails if `text` (an error's Display or Debug) contains `secret`.
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

/// Waits up to half a second for `check` to hold (what a fake observes arrives a little after
/// the client acts). Returns whether it did.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..50 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check()
}
