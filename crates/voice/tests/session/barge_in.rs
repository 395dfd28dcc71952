use std::time::Duration;

use switchboard_voice::{BrainEvent, SessionConfig, TurnId};

use crate::session;
use crate::support::{Call, MS, Recorder, ScriptBrain, Sent, agent_audio, silence, speech};

/// The agent talks for 5 s; the caller starts talking 500 ms into the call.
#[tokio::test(start_paused = true)]
async fn caller_speech_clears_the_agent_within_budget_and_records_what_was_heard() {
    let greeting: Vec<Vec<u8>> = (0..10).map(|k| agent_audio(500, k)).collect();
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(greeting, false, &recorder);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connect().await;
    // Line hiss, then the first utterance from 500 ms.
    let began = call.speak(&speech()[..1500 * 8]).await;
    let onset = began + 500 * MS;
    call.speak(&silence(1000)).await;
    call.stop().await;
    let report = call.finish().await;

    let records = call.records();
    let clear_index = records
        .iter()
        .position(|r| r.sent == Sent::Clear)
        .expect("clear sent");
    let clear = &records[clear_index];
    let onset_to_clear = clear.at - onset;
    assert!(
        onset_to_clear <= 150 * MS,
        "clear {onset_to_clear:?} after onset"
    );
    // Nothing of the interrupted turn follows the clear.
    assert!(
        records[clear_index..]
            .iter()
            .all(|r| !matches!(r.sent, Sent::Media(_)))
    );

    assert_eq!(report.barge_ins.len(), 1, "{:?}", report.barge_ins);
    let barge_in = &report.barge_ins[0];
    assert_eq!(barge_in.turn, TurnId(1));
    // The session dates the onset from the VAD's segment start: within a frame or two of truth.
    let reported = Duration::from_millis(barge_in.onset_to_clear_ms);
    assert!(reported <= 150 * MS, "reported {reported:?}");
    assert!(
        reported.abs_diff(onset_to_clear) <= 40 * MS,
        "reported {reported:?}, measured {onset_to_clear:?}"
    );
    // What the caller heard, by the carrier's own playback: within a frame.
    let heard = clear.played.as_millis() as u64;
    assert!(
        barge_in.played_ms.abs_diff(heard) <= 20,
        "{} vs {heard}",
        barge_in.played_ms
    );
    let turn = &report.turns[0];
    assert!(turn.interrupted);
    assert_eq!(turn.played_ms, barge_in.played_ms);
    assert!(turn.sent_ms >= turn.played_ms && turn.sent_ms <= turn.played_ms + 100);
    assert_eq!(report.clears_sent, 1);
    let events = recorder.events();
    assert!(events.contains(&BrainEvent::BargeIn {
        turn: TurnId(1),
        played_ms: barge_in.played_ms
    }));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, BrainEvent::TurnPlayed { .. }))
    );
}

#[tokio::test(start_paused = true)]
async fn speech_shorter_than_the_minimum_does_not_interrupt() {
    let config = SessionConfig {
        barge_in_min_speech: Duration::from_secs(4),
        ..SessionConfig::default()
    };
    let greeting: Vec<Vec<u8>> = (0..12).map(|k| agent_audio(500, k)).collect();
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(greeting, false, &recorder);
    let mut call = Call::start(session(config, brain), true);
    call.connect().await;
    // A 3.3 s utterance: shorter than the 4 s minimum.
    call.speak(&speech()[..4500 * 8]).await;
    call.speak(&silence(2000)).await;
    call.stop().await;
    let report = call.finish().await;

    assert!(!call.sent().contains(&Sent::Clear));
    assert!(report.barge_ins.is_empty());
    assert!(!report.turns[0].interrupted);
    assert_eq!(report.turns[0].played_ms, 6000);
    let events = recorder.events();
    assert!(events.contains(&BrainEvent::CallerSpeechStarted));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BrainEvent::CallerSpeechEnded(_)))
    );
}
