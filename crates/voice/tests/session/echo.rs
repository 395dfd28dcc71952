use switchboard_voice::{BrainSpec, EndReason, SessionConfig};

use crate::session;
use crate::support::{Call, silence, speech};

#[tokio::test(start_paused = true)]
async fn echo_plays_the_callers_utterance_back_intact() {
    let speech = speech();
    let mut call = Call::start(session(SessionConfig::default(), BrainSpec::Echo), true);
    call.connect().await;
    // The first utterance (500-3758 ms) and the hiss after it, then silence while it echoes.
    call.speak(&speech[..4700 * 8]).await;
    call.speak(&silence(4000)).await;
    call.stop().await;
    let report = call.finish().await;

    let echoed = call.media_bytes();
    assert!(echoed.len() > 3000 * 8, "echo is {} ms", echoed.len() / 8);
    // Mu-law passes through untouched: the echo is a contiguous run of the caller's bytes.
    let start = (0..8000)
        .find(|&i| speech[i..i + 800] == echoed[..800])
        .expect("the echo starts with the caller's audio");
    // Onset 500 ms, less 100 ms padding and at most the VAD's 200 ms fricative lead-in.
    let start_ms = start / 8;
    assert!(
        (200..=420).contains(&start_ms),
        "echo starts at {start_ms} ms"
    );
    let same = echoed
        .iter()
        .zip(&speech[start..])
        .take_while(|(a, b)| a == b)
        .count();
    // Only the last frame differs: padded with silence to 20 ms.
    assert!(
        echoed.len() - same < 160,
        "{} of {} bytes match",
        same,
        echoed.len()
    );
    assert!(echoed[same..].iter().all(|&b| b == 0xFF));
    let end_ms = (start + same) / 8;
    assert!(
        (3758..=3758 + 300).contains(&end_ms),
        "echo ends at {end_ms} ms"
    );

    assert_eq!(report.end_reason, EndReason::Stopped);
    assert_eq!(report.call_id.as_deref(), Some("call_test"));
    assert_eq!(report.frames_in, (4700 + 4000) / 20);
    assert_eq!(report.frames_out as usize, echoed.len() / 160);
    assert_eq!(report.turns.len(), 1);
    let turn = &report.turns[0];
    assert!(!turn.interrupted);
    assert_eq!(turn.sent_ms as usize, echoed.len() / 8);
    assert_eq!(turn.played_ms, turn.sent_ms);
    // Endpoint detected -> first echo frame: no provider in the way, so no time at all.
    assert_eq!(turn.response_ms, Some(0));
    assert!(report.barge_ins.is_empty());
    assert_eq!(report.marks_echoed, report.marks_sent);
    // 500 ms segments plus the end-of-turn mark.
    assert_eq!(
        report.marks_sent,
        (echoed.len() as u64 / 8).div_ceil(500) + 1
    );
}
