use std::time::Duration;

use switchboard_voice::{BrainEvent, SessionConfig, TurnId};

use crate::session;
use crate::support::{Call, Recorder, ScriptBrain, agent_audio};

#[tokio::test(start_paused = true)]
async fn mark_echoes_advance_the_playback_position() {
    let recorder = Recorder::default();
    let segments = vec![
        agent_audio(200, 1),
        agent_audio(200, 2),
        agent_audio(200, 3),
    ];
    let brain = ScriptBrain::spec(segments, false, &recorder);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connect().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    call.stop().await;
    let report = call.finish().await;

    let turn = TurnId(1);
    let played: Vec<_> = recorder
        .events()
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                BrainEvent::MarkPlayed { .. } | BrainEvent::TurnPlayed { .. }
            )
        })
        .collect();
    assert_eq!(
        played,
        [
            BrainEvent::MarkPlayed {
                turn,
                segment: 0,
                played_ms: 200
            },
            BrainEvent::MarkPlayed {
                turn,
                segment: 1,
                played_ms: 400
            },
            BrainEvent::MarkPlayed {
                turn,
                segment: 2,
                played_ms: 600
            },
            BrainEvent::TurnPlayed {
                turn,
                played_ms: 600
            },
        ]
    );
    assert_eq!((report.marks_sent, report.marks_echoed), (4, 4));
    assert_eq!(report.anomalies.unknown_marks, 0);
    assert_eq!(
        (report.turns[0].sent_ms, report.turns[0].played_ms),
        (600, 600)
    );
}

#[tokio::test(start_paused = true)]
async fn without_echoes_the_writers_clock_tracks_playback() {
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(vec![agent_audio(2000, 0)], false, &recorder);
    let mut call = Call::start(session(SessionConfig::default(), brain), false);
    call.connect().await;
    // Stop half-way through the turn.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    call.stop().await;
    let report = call.finish().await;

    assert_eq!(report.marks_echoed, 0);
    let turn = &report.turns[0];
    assert!(!turn.interrupted);
    // About a second played; what was sent runs at most the lead ahead of it.
    assert!((980..=1020).contains(&turn.played_ms), "{}", turn.played_ms);
    assert!(turn.sent_ms >= turn.played_ms && turn.sent_ms <= turn.played_ms + 100);
}
