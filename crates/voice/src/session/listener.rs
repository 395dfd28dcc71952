//! What the engine hears of the caller: voice activity, utterances, and when speech has
//! lasted long enough to interrupt the agent.

use switchboard_audio::g711::Law;
use switchboard_audio::vad::{Vad, VadEvent};

use super::capture::Capture;
use crate::brain::Utterance;
use crate::{SessionConfig, VoiceError};

/// Largest VAD block at 8 kHz (30 ms).
const MAX_BLOCK: usize = 240;
/// Samples per millisecond: carriers stream 8 kHz G.711.
const PER_MS: u64 = 8;

/// What one block of caller audio produced.
#[derive(Debug, Default)]
pub(crate) struct Heard {
    /// The VAD declared speech.
    pub(crate) started: bool,
    /// Speech has lasted the barge-in minimum; it began at this sample.
    pub(crate) barge_in: Option<u64>,
    /// The VAD declared the end of speech.
    pub(crate) ended: Option<Utterance>,
}

#[derive(Debug)]
pub(crate) struct Listener {
    law: Law,
    vad: Vad,
    capture: Capture,
    barge_in_min: u64,
    /// Start sample of the open speech segment, while its barge-in is still to be reported.
    pending_barge_in: Option<u64>,
}

impl Listener {
    pub(crate) fn new(config: &SessionConfig, law: Law) -> Result<Self, VoiceError> {
        let mut vad_config = config.vad;
        vad_config.sample_rate = 8000;
        let vad = Vad::new(vad_config).map_err(|e| VoiceError::InvalidConfig(e.to_string()))?;
        let ms = |d: std::time::Duration| d.as_millis() as u64;
        let padding = ms(config.utterance_padding).min(u64::from(vad_config.hangover_ms));
        // The VAD dates a start up to its lead-in plus onset before it reports it.
        let history_ms = u64::from(vad_config.max_lead_in_ms + vad_config.onset_ms) + padding + 500;
        let max_bytes = usize::try_from(ms(config.max_utterance) * PER_MS).unwrap_or(usize::MAX);
        Ok(Listener {
            law,
            vad,
            capture: Capture::new(
                law,
                padding * PER_MS,
                max_bytes,
                (history_ms * PER_MS) as usize,
            ),
            barge_in_min: ms(config.barge_in_min_speech) * PER_MS,
            pending_barge_in: None,
        })
    }

    /// Feed audio in pieces of at most this many bytes.
    pub(crate) fn block_len(&self) -> usize {
        self.vad.block_len()
    }

    /// Caller samples heard so far.
    pub(crate) fn samples_seen(&self) -> u64 {
        self.vad.samples_seen()
    }

    /// Feeds at most [`block_len`](Self::block_len) bytes of caller audio.
    pub(crate) fn feed(&mut self, block: &[u8]) -> Heard {
        let mut heard = Heard::default();
        self.capture.push(block);
        let mut pcm = [0i16; MAX_BLOCK];
        let pcm = &mut pcm[..block.len().min(MAX_BLOCK)];
        self.law.decode(&block[..pcm.len()], pcm);
        match self.vad.process_frame(pcm) {
            Some(VadEvent::SpeechStart { at_sample }) => {
                self.capture.start(at_sample);
                self.pending_barge_in = Some(at_sample);
                heard.started = true;
            }
            Some(VadEvent::SpeechEnd { at_sample }) => {
                self.pending_barge_in = None;
                heard.ended = self.capture.end(at_sample);
            }
            None => {}
        }
        if let Some(onset) = self.pending_barge_in
            && self.vad.samples_seen().saturating_sub(onset) >= self.barge_in_min
        {
            self.pending_barge_in = None;
            heard.barge_in = Some(onset);
        }
        heard
    }
}
