//! Outbound audio, marks and clears in the stream's carrier format.

use super::event::StreamStart;
use super::{Carrier, telnyx, twilio};

/// Telnyx outbound choices the docs leave open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TelnyxOutboundOptions {
    /// Add `"stream_id"` to outbound frames. Telnyx's examples omit it; turn
    /// this on if a deployment shows Telnyx wants it. (Unverified.)
    pub include_stream_id: bool,
}

/// Writes the server's frames for one stream, in its carrier's format.
///
/// Build it from the [`StreamStart`]. The `encode_*` methods clear `out` and
/// write one complete frame into it, so a reused buffer costs no allocation;
/// the `*_message` methods return a fresh `String` of exactly the right
/// capacity, for transports that take ownership of each frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaEncoder {
    carrier: Carrier,
    stream_id: String,
    telnyx: TelnyxOutboundOptions,
}

impl MediaEncoder {
    /// Frames for a Twilio stream (`streamSid` from its `start`).
    pub fn twilio(stream_sid: impl Into<String>) -> Self {
        MediaEncoder {
            carrier: Carrier::Twilio,
            stream_id: stream_sid.into(),
            telnyx: TelnyxOutboundOptions::default(),
        }
    }

    /// Frames for a Telnyx stream (`stream_id` from its `start`).
    pub fn telnyx(stream_id: impl Into<String>, options: TelnyxOutboundOptions) -> Self {
        MediaEncoder {
            carrier: Carrier::Telnyx,
            stream_id: stream_id.into(),
            telnyx: options,
        }
    }

    /// Frames for the stream `start` describes; `telnyx` applies to Telnyx streams only.
    pub fn for_stream(start: &StreamStart, telnyx: TelnyxOutboundOptions) -> Self {
        match start.carrier {
            Carrier::Twilio => Self::twilio(start.stream_id.clone()),
            Carrier::Telnyx => Self::telnyx(start.stream_id.clone(), telnyx),
        }
    }

    pub fn carrier(&self) -> Carrier {
        self.carrier
    }

    pub fn stream_id(&self) -> &str {
        &self.stream_id
    }

    /// The Telnyx `stream_id` to write, if configured.
    fn telnyx_id(&self) -> Option<&str> {
        self.telnyx
            .include_stream_id
            .then_some(self.stream_id.as_str())
    }

    /// Replaces `out` with a frame that queues `audio` (raw, in the stream's codec).
    pub fn encode_audio(&self, audio: &[u8], out: &mut String) {
        out.clear();
        match self.carrier {
            Carrier::Twilio => twilio::write_outbound_media(out, &self.stream_id, audio),
            Carrier::Telnyx => telnyx::write_outbound_media(out, self.telnyx_id(), audio),
        }
    }

    /// Replaces `out` with a mark frame; the carrier echoes `name` after the audio before it.
    pub fn encode_mark(&self, name: &str, out: &mut String) {
        out.clear();
        match self.carrier {
            Carrier::Twilio => twilio::write_outbound_mark(out, &self.stream_id, name),
            Carrier::Telnyx => telnyx::write_outbound_mark(out, self.telnyx_id(), name),
        }
    }

    /// Replaces `out` with a clear frame: drop queued audio (barge-in).
    pub fn encode_clear(&self, out: &mut String) {
        out.clear();
        match self.carrier {
            Carrier::Twilio => twilio::write_outbound_clear(out, &self.stream_id),
            Carrier::Telnyx => telnyx::write_outbound_clear(out, self.telnyx_id()),
        }
    }

    /// Exact length of the audio frame for `audio_len` bytes of audio.
    pub fn audio_frame_len(&self, audio_len: usize) -> usize {
        match self.carrier {
            Carrier::Twilio => twilio::outbound_media_len(&self.stream_id, audio_len),
            Carrier::Telnyx => telnyx::outbound_media_len(self.telnyx_id(), audio_len),
        }
    }

    /// An audio frame in a new `String`, allocated once at its exact size.
    pub fn audio_message(&self, audio: &[u8]) -> String {
        let mut out = String::with_capacity(self.audio_frame_len(audio.len()));
        self.encode_audio(audio, &mut out);
        out
    }

    /// A mark frame in a new `String`.
    pub fn mark_message(&self, name: &str) -> String {
        let mut out = String::with_capacity(self.stream_id.len() + name.len() + 64);
        self.encode_mark(name, &mut out);
        out
    }

    /// A clear frame in a new `String`.
    pub fn clear_message(&self) -> String {
        let mut out = String::with_capacity(self.stream_id.len() + 40);
        self.encode_clear(&mut out);
        out
    }
}
