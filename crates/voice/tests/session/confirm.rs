//! [`BargeInMode::Confirm`]: caller speech over the agent pauses it; the brain decides.

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use switchboard_voice::{
    BargeInMode, Brain, BrainEvent, BrainIo, BrainSpec, SessionConfig, TurnId,
};

use crate::session;
use crate::support::{Call, MS, Sent, agent_audio, silence, speech};

/// Plays ten 500 ms segments; on a pause, resumes once the caller stops (a backchannel) or
/// interrupts at once.
struct ConfirmBrain {
    interrupt: bool,
    events: Arc<Mutex<Vec<BrainEvent>>>,
}

impl Brain for ConfirmBrain {
    fn barge_in_mode(&self) -> BargeInMode {
        BargeInMode::Confirm
    }

    fn run(self: Box<Self>, mut io: BrainIo) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let mut turn = io.begin_turn().await.unwrap();
            let events = self.events.clone();
            let player = tokio::spawn(async move {
                for k in 0..10 {
                    if turn.play(agent_audio(500, k)).await.is_err() {
                        return;
                    }
                }
                let _ = turn.finish().await;
            });
            let mut paused = false;
            while let Some(event) = io.next_event().await {
                match &event {
                    BrainEvent::AgentPaused { .. } if self.interrupt => {
                        io.interrupt().await.unwrap();
                    }
                    BrainEvent::AgentPaused { .. } => paused = true,
                    BrainEvent::CallerSpeechEnded(_) if paused => {
                        paused = false;
                        io.resume().await.unwrap();
                    }
                    _ => {}
                }
                events.lock().unwrap().push(event);
            }
            player.abort();
        })
    }
}

fn brain(interrupt: bool) -> (BrainSpec, Arc<Mutex<Vec<BrainEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let brain = ConfirmBrain {
        interrupt,
        events: events.clone(),
    };
    (BrainSpec::Custom(Box::new(brain)), events)
}

#[tokio::test(start_paused = true)]
async fn a_backchannel_pauses_the_agent_which_then_plays_on_with_nothing_lost() {
    let (brain, events) = brain(false);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connect().await;
    // Hiss, then the caller talks from 500 ms to 1500 ms over the agent.
    let began = call.speak(&speech()[..1500 * 8]).await;
    let onset = began + 500 * MS;
    call.speak(&silence(7000)).await;
    call.stop().await;
    let report = call.finish().await;

    assert!(!call.sent().contains(&Sent::Clear), "no clear on a pause");
    assert!(report.barge_ins.is_empty());
    let turn = &report.turns[0];
    assert!(!turn.interrupted);
    assert_eq!(turn.sent_ms, 5000);
    assert_eq!(call.media_bytes().len(), 5000 * 8, "every byte was played");
    // While paused no audio goes out: a gap of most of the caller's speech.
    let media: Vec<_> = call
        .records()
        .into_iter()
        .filter(|r| matches!(r.sent, Sent::Media(_)))
        .collect();
    let gap = media.windows(2).map(|w| w[1].at - w[0].at).max().unwrap();
    assert!(gap >= 500 * MS, "longest gap between frames {gap:?}");
    let stopped = media
        .iter()
        .zip(media.iter().skip(1))
        .find(|(a, b)| b.at - a.at == gap)
        .map(|(a, _)| a.at)
        .unwrap();
    assert!(
        stopped <= onset + 150 * MS,
        "audio kept flowing {:?} after onset",
        stopped - onset
    );
    let events = events.lock().unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        BrainEvent::AgentPaused {
            turn: TurnId(1),
            ..
        }
    )));
    assert!(events.iter().any(|e| matches!(
        e,
        BrainEvent::TurnPlayed {
            turn: TurnId(1),
            ..
        }
    )));
}

#[tokio::test(start_paused = true)]
async fn a_confirmed_interruption_clears_and_reports_the_pause_within_budget() {
    let (brain, events) = brain(true);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connect().await;
    call.speak(&speech()[..1500 * 8]).await;
    call.speak(&silence(1000)).await;
    call.stop().await;
    let report = call.finish().await;

    assert!(call.sent().contains(&Sent::Clear));
    assert_eq!(report.barge_ins.len(), 1, "{:?}", report.barge_ins);
    let barge_in = &report.barge_ins[0];
    let paused = barge_in.onset_to_pause_ms.expect("paused first");
    assert!(paused <= 150, "paused {paused} ms after onset");
    assert!(barge_in.onset_to_clear_ms >= paused);
    assert!(report.turns[0].interrupted);
    assert!(report.turns[0].played_ms < 1500);
    let events = events.lock().unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        BrainEvent::BargeIn { turn: TurnId(1), played_ms } if *played_ms == barge_in.played_ms
    )));
}
