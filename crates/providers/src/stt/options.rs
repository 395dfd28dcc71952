//! What a caller asks of a streaming transcription: the audio format and the recognition
//! options. Field names follow Deepgram's `/v1/listen` query parameters, the richest of the
//! providers; a provider that lacks an option ignores it.

use std::time::Duration;

/// Encoding of the audio pushed into a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioEncoding {
    /// G.711 mu-law, one byte per sample (Twilio's format).
    Mulaw,
    /// G.711 A-law, one byte per sample.
    Alaw,
    /// Signed 16-bit little-endian PCM.
    Linear16,
}

impl AudioEncoding {
    /// The value of Deepgram's `encoding` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            AudioEncoding::Mulaw => "mulaw",
            AudioEncoding::Alaw => "alaw",
            AudioEncoding::Linear16 => "linear16",
        }
    }

    /// Bytes per sample of one channel.
    pub fn bytes_per_sample(self) -> u32 {
        match self {
            AudioEncoding::Mulaw | AudioEncoding::Alaw => 1,
            AudioEncoding::Linear16 => 2,
        }
    }
}

/// Options for one streaming transcription. [`StreamOptions::phone`] gives the call path's
/// defaults (mu-law 8 kHz mono, interim results, endpointing, utterance end, VAD events).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamOptions {
    pub encoding: AudioEncoding,
    pub sample_rate: u32,
    pub channels: u32,
    /// Provider model name, e.g. `nova-3` or `nova-2-phonecall`.
    pub model: String,
    /// e.g. `en`, `en-US`, `multi`; `None` leaves the provider's default.
    pub language: Option<String>,
    /// Partial transcripts (`is_final:false`) while the caller speaks.
    pub interim_results: bool,
    /// Silence that ends an utterance (`speech_final`); `None` turns endpointing off.
    pub endpointing_ms: Option<u32>,
    /// Gap after the last word before an `UtteranceEnd`; needs `interim_results`.
    pub utterance_end_ms: Option<u32>,
    /// `SpeechStarted` events.
    pub vad_events: bool,
    pub punctuate: bool,
    pub smart_format: bool,
    /// Boosted words for older models (`keywords=word:boost`); a boost is optional.
    pub keywords: Vec<String>,
    /// Key terms for nova-3 (`keyterm`).
    pub keyterms: Vec<String>,
}

impl StreamOptions {
    /// Mu-law 8 kHz mono with interim results, 300 ms endpointing, a 1000 ms utterance end
    /// and VAD events: what a phone call wants.
    pub fn phone(model: impl Into<String>) -> Self {
        Self {
            encoding: AudioEncoding::Mulaw,
            sample_rate: 8000,
            channels: 1,
            model: model.into(),
            language: None,
            interim_results: true,
            endpointing_ms: Some(300),
            utterance_end_ms: Some(1000),
            vad_events: true,
            punctuate: true,
            smart_format: true,
            keywords: Vec::new(),
            keyterms: Vec::new(),
        }
    }

    /// Bytes of audio per second of this format.
    pub fn bytes_per_second(&self) -> u64 {
        u64::from(self.sample_rate)
            * u64::from(self.channels)
            * u64::from(self.encoding.bytes_per_sample())
    }

    /// Playing time of `bytes` of audio in this format.
    pub fn audio_duration(&self, bytes: u64) -> Duration {
        let per_second = self.bytes_per_second().max(1);
        Duration::from_micros(bytes.saturating_mul(1_000_000) / per_second)
    }
}
