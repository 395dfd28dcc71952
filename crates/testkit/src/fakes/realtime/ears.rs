//! The fake's ears: our VAD over the caller's mu-law audio, on the audio's own clock (8000
//! samples a second of audio received, however fast it arrives), as the service's server VAD
//! reports it: `audio_start_ms` includes the prefix padding, `audio_end_ms` the silence that
//! ended the turn. Audio in other formats is accepted but never heard.

use switchboard_audio::vad::{Vad, VadConfig, VadEvent};

use super::contract::Turn;
use super::wire;

const RATE: u32 = 8_000;

/// What the VAD found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Heard {
    Started {
        audio_start_ms: u64,
        item_id: String,
    },
    Stopped {
        audio_end_ms: u64,
        item_id: String,
    },
}

pub(crate) struct Ears {
    vad: Option<Vad>,
    turn: Option<Turn>,
    /// Samples received in all.
    samples: u64,
    /// `samples` when the VAD was (re)built: its timestamps count from there.
    origin: u64,
    /// The caller item being spoken.
    speaking: Option<String>,
    found: Vec<VadEvent>,
}

impl Ears {
    pub(crate) fn new() -> Self {
        Self {
            vad: None,
            turn: None,
            samples: 0,
            origin: 0,
            speaking: None,
            found: Vec::new(),
        }
    }

    /// Follows the session: listens only to `audio/pcmu` with turn detection on; the silence
    /// that ends a turn is the VAD's hangover.
    pub(crate) fn configure(&mut self, input_format: &str, turn: Option<Turn>) {
        if self.turn == turn && self.vad.is_some() == (input_format == "audio/pcmu") {
            return;
        }
        self.turn = turn;
        self.origin = self.samples;
        self.speaking = None;
        self.vad = turn
            .filter(|_| input_format == "audio/pcmu")
            .and_then(|turn| {
                let mut config = VadConfig::new(RATE);
                config.hangover_ms = (turn.silence_duration_ms as u32).max(config.frame_ms);
                Vad::new(config).ok()
            });
    }

    /// Audio received so far, in ms.
    pub(crate) fn heard_ms(&self) -> u64 {
        self.samples * 1000 / u64::from(RATE)
    }

    /// Takes in appended audio (already decoded from base64).
    pub(crate) fn hear(&mut self, audio: &[u8]) -> Vec<Heard> {
        let mut heard = Vec::new();
        let (Some(vad), Some(turn)) = (self.vad.as_mut(), self.turn) else {
            self.samples += audio.len() as u64;
            return heard;
        };
        self.found.clear();
        let found = &mut self.found;
        vad.process_ulaw(audio, |e| found.push(e));
        self.samples += audio.len() as u64;
        for event in &self.found {
            let ms = (self.origin + event.at_sample()) * 1000 / u64::from(RATE);
            match event {
                VadEvent::SpeechStart { .. } => {
                    let item_id = wire::id("item");
                    self.speaking = Some(item_id.clone());
                    heard.push(Heard::Started {
                        audio_start_ms: ms.saturating_sub(turn.prefix_padding_ms),
                        item_id,
                    });
                }
                VadEvent::SpeechEnd { .. } => {
                    if let Some(item_id) = self.speaking.take() {
                        heard.push(Heard::Stopped {
                            audio_end_ms: ms + turn.silence_duration_ms,
                            item_id,
                        });
                    }
                }
            }
        }
        heard
    }
}
