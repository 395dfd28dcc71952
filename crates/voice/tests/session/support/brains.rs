//! Brains and authenticators for tests.

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use switchboard_telephony::media::StreamStart;
use switchboard_voice::{
    Brain, BrainEvent, BrainIo, BrainSpec, CallContext, StreamAuthenticator, VoiceError,
};

/// Accepts the token `good` once, running the brain it holds; rejects anything else.
pub struct TestAuth {
    brain: Mutex<Option<BrainSpec>>,
}

impl TestAuth {
    pub fn new(brain: BrainSpec) -> Self {
        TestAuth {
            brain: Mutex::new(Some(brain)),
        }
    }
}

impl StreamAuthenticator for TestAuth {
    async fn authenticate(&self, start: &StreamStart) -> Result<CallContext, VoiceError> {
        if start.custom_parameters.get("token").map(String::as_str) != Some("good") {
            return Err(VoiceError::Rejected("invalid stream token".into()));
        }
        let brain = self
            .brain
            .lock()
            .unwrap()
            .take()
            .expect("one call per TestAuth");
        Ok(CallContext::new("call_test", brain))
    }
}

/// What a scripted brain saw; also a drop guard: the brain holds a clone of `alive`.
#[derive(Clone, Default)]
pub struct Recorder {
    pub events: Arc<Mutex<Vec<BrainEvent>>>,
    pub alive: Arc<()>,
}

impl Recorder {
    pub fn events(&self) -> Vec<BrainEvent> {
        self.events.lock().unwrap().clone()
    }

    /// Whether the brain (and so its task) is gone.
    pub fn brain_dropped(&self) -> bool {
        Arc::strong_count(&self.alive) == 1
    }
}

/// Plays `greeting` (one segment per entry) as turn 1 right away, records every event, and
/// hangs up once a turn has fully played if `hang_up_after_turn`.
pub struct ScriptBrain {
    pub greeting: Vec<Vec<u8>>,
    pub hang_up_after_turn: bool,
    pub recorder: Recorder,
}

impl ScriptBrain {
    pub fn spec(
        greeting: Vec<Vec<u8>>,
        hang_up_after_turn: bool,
        recorder: &Recorder,
    ) -> BrainSpec {
        BrainSpec::Custom(Box::new(ScriptBrain {
            greeting,
            hang_up_after_turn,
            recorder: recorder.clone(),
        }))
    }
}

impl Brain for ScriptBrain {
    fn run(self: Box<Self>, mut io: BrainIo) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let recorder = self.recorder;
            if !self.greeting.is_empty() {
                let mut turn = io.begin_turn().await.unwrap();
                let mut whole = true;
                for segment in self.greeting {
                    if turn.play(segment).await.is_err() {
                        whole = false;
                        break;
                    }
                }
                if whole {
                    let _ = turn.finish().await;
                }
            }
            while let Some(event) = io.next_event().await {
                let played = matches!(event, BrainEvent::TurnPlayed { .. });
                recorder.events.lock().unwrap().push(event);
                if played && self.hang_up_after_turn {
                    io.hang_up("script done").await.unwrap();
                }
            }
        })
    }
}
