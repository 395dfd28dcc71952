//! Twilio's side of a stream, numbered the way Twilio numbers it (for fakes).

use std::collections::BTreeMap;

use super::inbound::{Connected, Dtmf, Inbound, Mark, Start, Stop};
use super::write::write_media;
use crate::media::{MediaFormat, Track};

/// Writes the frames Twilio sends on one stream, keeping its counters:
/// `connected` has no `sequenceNumber`; `start` has `"1"`; every later frame
/// adds one; media `chunk` counts from `"1"`; `timestamp` is the caller's
/// milliseconds since the stream started.
///
/// Each method *appends* one frame to `out` (clear it to reuse a buffer).
#[derive(Debug, Clone)]
pub struct CallerStream {
    stream_sid: String,
    account_sid: String,
    call_sid: String,
    next_sequence: u64,
    next_chunk: u64,
}

impl CallerStream {
    pub fn new(
        stream_sid: impl Into<String>,
        account_sid: impl Into<String>,
        call_sid: impl Into<String>,
    ) -> Self {
        CallerStream {
            stream_sid: stream_sid.into(),
            account_sid: account_sid.into(),
            call_sid: call_sid.into(),
            next_sequence: 1,
            next_chunk: 1,
        }
    }

    pub fn stream_sid(&self) -> &str {
        &self.stream_sid
    }

    fn sequence(&mut self) -> u64 {
        let n = self.next_sequence;
        self.next_sequence += 1;
        n
    }

    /// `{"event":"connected","protocol":"Call","version":"1.0.0"}`.
    pub fn connected(&self, out: &mut String) {
        Inbound::Connected(Connected {
            protocol: "Call".into(),
            version: "1.0.0".into(),
        })
        .write_json(out);
    }

    /// `start` (inbound track, mu-law 8 kHz mono) carrying the `<Parameter>`s.
    pub fn start(&mut self, custom_parameters: BTreeMap<String, String>, out: &mut String) {
        let sequence_number = self.sequence();
        Inbound::Start(Start {
            sequence_number,
            stream_sid: self.stream_sid.as_str().into(),
            account_sid: self.account_sid.as_str().into(),
            call_sid: self.call_sid.as_str().into(),
            tracks: vec![Track::Inbound],
            custom_parameters,
            media_format: MediaFormat::mulaw_8k(),
        })
        .write_json(out);
    }

    /// One inbound `media` frame of raw mu-law `audio`.
    pub fn media(&mut self, timestamp_ms: u64, audio: &[u8], out: &mut String) {
        let sequence_number = self.sequence();
        let chunk = self.next_chunk;
        self.next_chunk += 1;
        let sid = &self.stream_sid;
        write_media(
            out,
            sequence_number,
            sid,
            Track::Inbound,
            chunk,
            timestamp_ms,
            audio,
        );
    }

    /// A key press on the inbound track.
    pub fn dtmf(&mut self, digit: char, out: &mut String) {
        let sequence_number = self.sequence();
        Inbound::Dtmf(Dtmf {
            sequence_number,
            stream_sid: self.stream_sid.as_str().into(),
            track: "inbound_track".into(),
            digit,
        })
        .write_json(out);
    }

    /// The echo of a server mark whose audio has played (or was cleared).
    pub fn mark(&mut self, name: &str, out: &mut String) {
        let sequence_number = self.sequence();
        Inbound::Mark(Mark {
            sequence_number,
            stream_sid: self.stream_sid.as_str().into(),
            name: name.into(),
        })
        .write_json(out);
    }

    /// The last frame before Twilio closes the socket.
    pub fn stop(&mut self, out: &mut String) {
        let sequence_number = self.sequence();
        Inbound::Stop(Stop {
            sequence_number,
            stream_sid: self.stream_sid.as_str().into(),
            account_sid: self.account_sid.as_str().into(),
            call_sid: self.call_sid.as_str().into(),
        })
        .write_json(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_frames_like_twilio() {
        let mut caller = CallerStream::new("MZ1", "AC1", "CA1");
        let mut frames = Vec::new();
        let mut out = String::new();
        caller.connected(&mut out);
        frames.push(std::mem::take(&mut out));
        caller.start(BTreeMap::from([("k".into(), "v".into())]), &mut out);
        frames.push(std::mem::take(&mut out));
        caller.media(0, &[0xff; 160], &mut out);
        frames.push(std::mem::take(&mut out));
        caller.media(20, &[0xff; 160], &mut out);
        frames.push(std::mem::take(&mut out));
        caller.dtmf('7', &mut out);
        frames.push(std::mem::take(&mut out));
        caller.mark("m", &mut out);
        frames.push(std::mem::take(&mut out));
        caller.stop(&mut out);
        frames.push(std::mem::take(&mut out));

        let parsed: Vec<_> = frames.iter().map(|f| Inbound::parse(f).unwrap()).collect();
        assert!(matches!(parsed[0], Inbound::Connected(_)));
        let seqs: Vec<u64> = parsed[1..]
            .iter()
            .map(|m| match m {
                Inbound::Start(s) => s.sequence_number,
                Inbound::Media(m) => m.sequence_number,
                Inbound::Dtmf(d) => d.sequence_number,
                Inbound::Mark(m) => m.sequence_number,
                Inbound::Stop(s) => s.sequence_number,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
        assert!(matches!(&parsed[3], Inbound::Media(m) if m.chunk == 2 && m.timestamp == 20));
    }
}
