//! Reading one server frame the way Twilio does, strictly (digest §1.4).

use switchboard_telephony::media::twilio::Outbound;

use super::report::ProtocolViolation;

/// A server frame Twilio accepts.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ServerFrame {
    /// Audio, decoded into the buffer passed to [`classify`].
    Media,
    Mark(String),
    Clear,
}

/// Parses a text frame from the server; media audio goes into `audio` (replaced).
pub(crate) fn classify(
    text: &str,
    stream_sid: &str,
    audio: &mut Vec<u8>,
) -> Result<ServerFrame, ProtocolViolation> {
    let message = Outbound::parse(text).map_err(|e| ProtocolViolation::Malformed(e.to_string()))?;
    let sid = match &message {
        Outbound::Media { stream_sid, .. }
        | Outbound::Mark { stream_sid, .. }
        | Outbound::Clear { stream_sid } => stream_sid,
        Outbound::Unknown { event } => return Err(ProtocolViolation::UnknownEvent(event.clone())),
    };
    if sid != stream_sid {
        return Err(ProtocolViolation::WrongStreamSid(sid.to_string()));
    }
    match message {
        Outbound::Media { .. } => {
            message
                .decode_audio_into(audio)
                .map_err(|e| ProtocolViolation::BadPayload(e.to_string()))?;
            if audio.starts_with(b"RIFF") {
                return Err(ProtocolViolation::FileHeader);
            }
            Ok(ServerFrame::Media)
        }
        Outbound::Mark { name, .. } => Ok(ServerFrame::Mark(name.into_owned())),
        _ => Ok(ServerFrame::Clear),
    }
}

#[cfg(test)]
mod tests {
    use switchboard_telephony::media::twilio::{
        write_outbound_clear, write_outbound_mark, write_outbound_media,
    };

    use super::*;

    const SID: &str = "MZ00000000000000000000000000000001";

    fn check(text: &str) -> Result<ServerFrame, ProtocolViolation> {
        classify(text, SID, &mut Vec::new())
    }

    #[test]
    fn accepts_media_mark_and_clear() {
        let mut text = String::new();
        write_outbound_media(&mut text, SID, &[1, 2, 3]);
        let mut audio = Vec::new();
        assert_eq!(classify(&text, SID, &mut audio), Ok(ServerFrame::Media));
        assert_eq!(audio, [1, 2, 3]);

        text.clear();
        write_outbound_mark(&mut text, SID, "utt-1");
        assert_eq!(check(&text), Ok(ServerFrame::Mark("utt-1".into())));
        text.clear();
        write_outbound_clear(&mut text, SID);
        assert_eq!(check(&text), Ok(ServerFrame::Clear));
    }

    #[test]
    fn rejects_what_twilio_rejects() {
        let unknown = format!(r#"{{"event":"play","streamSid":"{SID}"}}"#);
        assert_eq!(
            check(&unknown),
            Err(ProtocolViolation::UnknownEvent("play".into()))
        );
        assert!(matches!(
            check("{not json"),
            Err(ProtocolViolation::Malformed(_))
        ));
        let no_name = format!(r#"{{"event":"mark","streamSid":"{SID}","mark":{{}}}}"#);
        assert!(matches!(
            check(&no_name),
            Err(ProtocolViolation::Malformed(_))
        ));
        let junk =
            format!(r#"{{"event":"media","streamSid":"{SID}","media":{{"payload":"no!"}}}}"#);
        assert!(matches!(
            check(&junk),
            Err(ProtocolViolation::BadPayload(_))
        ));
        let mut wav = String::new();
        write_outbound_media(&mut wav, SID, b"RIFF\x24\0\0\0WAVEfmt ");
        assert_eq!(check(&wav), Err(ProtocolViolation::FileHeader));
        let mut other = String::new();
        write_outbound_clear(&mut other, "MZ-someone-else");
        assert_eq!(
            check(&other),
            Err(ProtocolViolation::WrongStreamSid("MZ-someone-else".into()))
        );
    }
}
