//! ElevenLabs `multi-stream-input`: one socket per call, one context per turn.

use std::time::Duration;

use switchboard_providers::tts::elevenlabs::ElevenLabsMultiStream;
use switchboard_providers::tts::{StreamingTts, TtsEvent, VoiceConfig};
use switchboard_testkit::fakes::tts::{FakeTts, FakeTtsConfig};
use switchboard_testkit::fakes::{Faults, Recorded};

use super::elevenlabs::{VOICE, config};

#[tokio::test]
async fn turns_share_one_socket_and_barge_in_closes_only_the_context() {
    let faults = Faults {
        per_chunk: Duration::from_millis(50),
        ..Faults::default()
    };
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let tts = ElevenLabsMultiStream::new(config(&fake));

    let output = tts
        .synthesize(VoiceConfig::new(VOICE), "First turn.".into())
        .await
        .unwrap();
    let (audio, usage) = output.collect().await.unwrap();
    assert_eq!(audio.len(), 11 * 10 * 8);
    assert_eq!(usage.characters, 11);

    let (input, mut output) = tts.open(VoiceConfig::new(VOICE)).await.unwrap().split();
    input
        .send_text("A second turn that the caller interrupts before it ends.")
        .await
        .unwrap();
    input.flush().await.unwrap();
    assert!(matches!(output.next().await, Some(Ok(TtsEvent::Audio(_)))));
    input.cancel();
    assert!(output.next().await.is_none());

    // The third turn still works on the same socket.
    let output = tts
        .synthesize(VoiceConfig::new(VOICE), "Third.".into())
        .await
        .unwrap();
    assert_eq!(output.collect().await.unwrap().0.len(), 6 * 10 * 8);

    let upgrades = fake
        .recorder()
        .all()
        .iter()
        .filter(|r| matches!(r, Recorded::Http { .. }))
        .count();
    assert_eq!(upgrades, 1, "one socket for the call");
    let messages = fake.ws_messages();
    assert_eq!(messages[0]["text"], " ");
    assert_eq!(messages[0]["context_id"], "turn-1");
    assert!(messages[0].get("generation_config").is_some());
    assert!(
        messages
            .iter()
            .any(|m| m["context_id"] == "turn-2" && m["close_context"] == true),
        "{messages:?}"
    );
    let second_init = messages
        .iter()
        .find(|m| m["context_id"] == "turn-2")
        .unwrap();
    assert_eq!(second_init["text"], " ");
    assert!(second_init.get("generation_config").is_none());
    assert!(
        messages
            .iter()
            .any(|m| m["context_id"] == "turn-1" && m["text"] == "First turn. ")
    );
}
