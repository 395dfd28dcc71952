//! Carrier media streams: the wire formats and a carrier-neutral view of them.
//!
//! Each carrier module ([`twilio`], [`telnyx`]) types every message in both
//! directions, parses strictly (Twilio) or leniently where the format is not
//! pinned down (Telnyx), and serialises exactly as the carrier sends, so the
//! testkit fakes can speak the same protocol.
//!
//! The session engine should not care which carrier it talks to. It uses:
//! - [`MediaDecoder`]: one per stream; turns each text frame into a
//!   [`MediaEvent`], decoding audio into a buffer it reuses, so the 20 ms
//!   path does not allocate;
//! - [`MediaEncoder`]: built from the [`StreamStart`]; writes outbound audio,
//!   marks and clears in the carrier's format into a caller's `String`.

mod common;
mod decoder;
mod encoder;
mod event;
mod payload;
pub mod telnyx;
pub mod twilio;

pub use decoder::MediaDecoder;
pub use encoder::{MediaEncoder, TelnyxOutboundOptions};
pub use event::{Audio, CarrierError, MediaEvent, StreamStart};
pub use payload::{decode_payload, decode_payload_into_slice, decoded_len_upper_bound};

/// Largest text frame the parsers accept.
///
/// Carrier frames are small (a 20 ms media frame is about 330 bytes; a
/// `start` with parameters a few KiB). The limit leaves room for the largest
/// outbound chunks Telnyx allows (up to 30 s of audio), which the fakes parse.
/// The WebSocket layer should enforce its own limit before buffering a frame.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// Which carrier's wire format a stream speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Carrier {
    Twilio,
    Telnyx,
}

/// The direction of audio in a media frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Track {
    /// The far end's audio (the caller), which the session listens to.
    Inbound,
    /// Audio going to the far end.
    Outbound,
}

impl Track {
    /// The value carriers put in `media.track`.
    pub const fn as_wire(self) -> &'static str {
        match self {
            Track::Inbound => "inbound",
            Track::Outbound => "outbound",
        }
    }
}

/// Audio format announced in a stream's `start` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFormat {
    /// As sent: Twilio says `audio/x-mulaw`; Telnyx says `PCMU` (older docs `audio/x-mulaw`).
    pub encoding: String,
    pub sample_rate: u32,
    pub channels: u16,
}

impl MediaFormat {
    /// G.711 mu-law, 8 kHz, mono: the telephony default, in Twilio's spelling.
    pub fn mulaw_8k() -> Self {
        MediaFormat {
            encoding: "audio/x-mulaw".to_owned(),
            sample_rate: 8000,
            channels: 1,
        }
    }

    /// The codec, whatever the carrier's spelling.
    pub fn audio_encoding(&self) -> AudioEncoding {
        AudioEncoding::from_wire(&self.encoding)
    }

    /// True for mu-law at 8 kHz mono, the format that needs no transcoding.
    pub fn is_mulaw_8k_mono(&self) -> bool {
        self.audio_encoding() == AudioEncoding::Mulaw
            && self.sample_rate == 8000
            && self.channels == 1
    }
}

/// A codec named in a [`MediaFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AudioEncoding {
    /// G.711 mu-law (`audio/x-mulaw`, `PCMU`).
    Mulaw,
    /// G.711 A-law (`audio/x-alaw`, `PCMA`).
    Alaw,
    /// 16-bit linear PCM (`L16`).
    L16,
    G722,
    Opus,
    AmrWb,
    /// A name this crate does not know.
    Unknown,
}

impl AudioEncoding {
    /// Maps a carrier's codec name, case-insensitively, MIME or RTP style.
    pub fn from_wire(name: &str) -> Self {
        let is = |s: &str| name.eq_ignore_ascii_case(s);
        if is("audio/x-mulaw") || is("PCMU") || is("audio/PCMU") {
            AudioEncoding::Mulaw
        } else if is("audio/x-alaw") || is("PCMA") || is("audio/PCMA") {
            AudioEncoding::Alaw
        } else if is("L16") || is("audio/L16") {
            AudioEncoding::L16
        } else if is("G722") {
            AudioEncoding::G722
        } else if is("OPUS") {
            AudioEncoding::Opus
        } else if is("AMR-WB") {
            AudioEncoding::AmrWb
        } else {
            AudioEncoding::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_names_map_across_carriers() {
        assert_eq!(
            AudioEncoding::from_wire("audio/x-mulaw"),
            AudioEncoding::Mulaw
        );
        assert_eq!(AudioEncoding::from_wire("PCMU"), AudioEncoding::Mulaw);
        assert_eq!(AudioEncoding::from_wire("pcma"), AudioEncoding::Alaw);
        assert_eq!(AudioEncoding::from_wire("mp3"), AudioEncoding::Unknown);
        assert!(MediaFormat::mulaw_8k().is_mulaw_8k_mono());
    }
}
