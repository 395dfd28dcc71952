//! Inbound frames of any carrier to [`MediaEvent`]s, without per-frame allocation.

use super::event::{Audio, CarrierError, MediaEvent, StreamStart};
use super::{Carrier, Track, decode_payload, telnyx, twilio};
use crate::ParseError;

/// How many distinct unknown event names a decoder remembers for log-once.
/// Past that, every further new name reports `first: true` (bounded memory).
const UNKNOWN_MEMORY: usize = 16;

/// Turns one stream's text frames into [`MediaEvent`]s.
///
/// Create one per WebSocket. Audio is decoded into a buffer the decoder keeps,
/// so after the first frame a media frame costs no allocation: the event
/// borrows both the frame text and that buffer until the next call.
#[derive(Debug, Clone)]
pub struct MediaDecoder {
    carrier: Carrier,
    audio: Vec<u8>,
    unknown_seen: Vec<String>,
}

impl MediaDecoder {
    pub fn new(carrier: Carrier) -> Self {
        MediaDecoder {
            carrier,
            // Room for 40 ms of 8 kHz mu-law; grows once if frames are larger.
            audio: Vec::with_capacity(320),
            unknown_seen: Vec::new(),
        }
    }

    pub fn carrier(&self) -> Carrier {
        self.carrier
    }

    /// Parses one text frame. Errors leave the decoder usable for the next frame.
    pub fn decode<'s>(&'s mut self, text: &'s str) -> Result<MediaEvent<'s>, ParseError> {
        match self.carrier {
            Carrier::Twilio => self.twilio(text),
            Carrier::Telnyx => self.telnyx(text),
        }
    }

    fn twilio<'s>(&'s mut self, text: &'s str) -> Result<MediaEvent<'s>, ParseError> {
        Ok(match twilio::Inbound::parse(text)? {
            twilio::Inbound::Connected(_) => MediaEvent::Connected,
            twilio::Inbound::Start(s) => MediaEvent::Started(Box::new(StreamStart::from_twilio(s))),
            twilio::Inbound::Media(m) => {
                self.audio(&m.payload, m.track, Some(m.chunk), Some(m.timestamp))?
            }
            twilio::Inbound::Dtmf(d) => MediaEvent::Dtmf(d.digit),
            twilio::Inbound::Mark(m) => MediaEvent::MarkPlayed(m.name),
            twilio::Inbound::Stop(_) => MediaEvent::Stopped,
            twilio::Inbound::Unknown { event } => self.unknown(event),
        })
    }

    fn telnyx<'s>(&'s mut self, text: &'s str) -> Result<MediaEvent<'s>, ParseError> {
        Ok(match telnyx::Inbound::parse(text)? {
            telnyx::Inbound::Connected(_) => MediaEvent::Connected,
            telnyx::Inbound::Start(s) => MediaEvent::Started(Box::new(StreamStart::from_telnyx(s))),
            telnyx::Inbound::Media(m) => {
                let track = m.track.unwrap_or(Track::Inbound);
                self.audio(&m.payload, track, m.chunk, m.timestamp)?
            }
            telnyx::Inbound::Dtmf(d) => MediaEvent::Dtmf(d.digit),
            telnyx::Inbound::Mark(m) => MediaEvent::MarkPlayed(m.name),
            telnyx::Inbound::Stop(_) => MediaEvent::Stopped,
            telnyx::Inbound::Error(e) => MediaEvent::CarrierError(CarrierError::from_telnyx(e)),
            telnyx::Inbound::Unknown { event } => self.unknown(event),
        })
    }

    /// Decodes `payload` into the reused buffer and lends it out as an event.
    fn audio(
        &mut self,
        payload: &str,
        track: Track,
        chunk: Option<u64>,
        timestamp_ms: Option<u64>,
    ) -> Result<MediaEvent<'_>, ParseError> {
        decode_payload(payload, &mut self.audio)?;
        Ok(MediaEvent::Audio(Audio {
            track,
            chunk,
            timestamp_ms,
            payload: &self.audio,
        }))
    }

    fn unknown<'s>(&mut self, event: String) -> MediaEvent<'s> {
        let first = !self.unknown_seen.contains(&event);
        if first && self.unknown_seen.len() < UNKNOWN_MEMORY {
            self.unknown_seen.push(event.clone());
        }
        MediaEvent::Unknown { event, first }
    }
}
