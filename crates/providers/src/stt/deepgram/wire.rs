//! Deepgram's server messages (digest §1.3) and their translation into [`SttEvent`]s.
//! Unknown message types are skipped, as the SDK does; unknown fields are ignored.

use serde::Deserialize;

use crate::stt::events::{StreamMetadata, SttEvent, Transcript, Word, secs};

#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub(crate) enum ServerMessage {
    Results(Results),
    UtteranceEnd(UtteranceEnd),
    SpeechStarted(SpeechStarted),
    Metadata(Metadata),
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Results {
    #[serde(default)]
    channel_index: Vec<u32>,
    start: f64,
    duration: f64,
    #[serde(default)]
    is_final: bool,
    #[serde(default)]
    speech_final: bool,
    #[serde(default)]
    from_finalize: bool,
    channel: Channel,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Channel {
    #[serde(default)]
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Alternative {
    #[serde(default)]
    pub transcript: String,
    #[serde(default)]
    pub confidence: f32,
    #[serde(default)]
    pub words: Vec<WireWord>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireWord {
    word: String,
    start: f64,
    end: f64,
    #[serde(default)]
    confidence: f32,
    punctuated_word: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UtteranceEnd {
    #[serde(default)]
    channel: Vec<u32>,
    last_word_end: f64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SpeechStarted {
    #[serde(default)]
    channel: Vec<u32>,
    timestamp: f64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Metadata {
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    duration: f64,
    #[serde(default)]
    channels: u32,
}

impl WireWord {
    pub(crate) fn into_word(self) -> Word {
        Word {
            word: self.word,
            punctuated_word: self.punctuated_word,
            start: secs(self.start),
            end: secs(self.end),
            confidence: self.confidence,
        }
    }
}

impl ServerMessage {
    /// The event this message stands for; `None` for unknown types.
    pub(crate) fn into_event(self) -> Option<SttEvent> {
        match self {
            ServerMessage::Results(r) => {
                let best = r.channel.alternatives.into_iter().next();
                let (text, confidence, words) = match best {
                    Some(a) => (
                        a.transcript,
                        a.confidence,
                        a.words.into_iter().map(WireWord::into_word).collect(),
                    ),
                    None => (String::new(), 0.0, Vec::new()),
                };
                Some(SttEvent::Transcript(Transcript {
                    text,
                    confidence,
                    start: secs(r.start),
                    duration: secs(r.duration),
                    is_final: r.is_final || r.speech_final,
                    speech_final: r.speech_final,
                    from_finalize: r.from_finalize,
                    channel: r.channel_index.first().copied().unwrap_or(0),
                    words,
                }))
            }
            ServerMessage::UtteranceEnd(u) => Some(SttEvent::UtteranceEnd {
                channel: u.channel.first().copied().unwrap_or(0),
                last_word_end: secs(u.last_word_end),
            }),
            ServerMessage::SpeechStarted(s) => Some(SttEvent::SpeechStarted {
                channel: s.channel.first().copied().unwrap_or(0),
                timestamp: secs(s.timestamp),
            }),
            ServerMessage::Metadata(m) => Some(SttEvent::Metadata(StreamMetadata {
                request_id: m.request_id,
                duration: secs(m.duration),
                channels: m.channels,
            })),
            ServerMessage::Unknown => None,
        }
    }
}
