//! The carrier-neutral session view: one conversation, two wire formats.

use std::collections::BTreeMap;

use switchboard_telephony::media::{
    Carrier, MediaDecoder, MediaEncoder, MediaEvent, MediaFormat, StreamStart,
    TelnyxOutboundOptions, Track, telnyx, twilio,
};

const TWILIO_SID: &str = "MZ00000000000000000000000000000001";
const TELNYX_ID: &str = "32de0dea-53cb-4b21-89a4-9e1819c043bc";

/// The frames a caller sends: connected, start (with our stream token), two
/// 20 ms frames, a key press, a mark echo, an unknown event twice, stop.
fn twilio_script() -> Vec<String> {
    let mut frames = vec![
        twilio::Inbound::Connected(twilio::Connected {
            protocol: "Call".into(),
            version: "1.0.0".into(),
        })
        .to_json(),
        twilio::Inbound::Start(twilio::Start {
            sequence_number: 1,
            stream_sid: TWILIO_SID.into(),
            account_sid: "AC1".into(),
            call_sid: "CA1".into(),
            tracks: vec![Track::Inbound],
            custom_parameters: BTreeMap::from([("stream_token".to_owned(), "tok".to_owned())]),
            media_format: MediaFormat::mulaw_8k(),
        })
        .to_json(),
    ];
    frames.extend(two_media_frames(twilio::write_media, TWILIO_SID));
    frames.push(format!(
        r#"{{"event":"dtmf","streamSid":"{TWILIO_SID}","sequenceNumber":"4","dtmf":{{"track":"inbound_track","digit":"5"}}}}"#
    ));
    frames.push(format!(
        r#"{{"event":"mark","sequenceNumber":"5","streamSid":"{TWILIO_SID}","mark":{{"name":"utt-1"}}}}"#
    ));
    frames.push(r#"{"event":"novel","streamSid":"x"}"#.to_owned());
    frames.push(r#"{"event":"novel","streamSid":"x"}"#.to_owned());
    frames.push(format!(
        r#"{{"event":"stop","sequenceNumber":"8","stop":{{"accountSid":"AC1","callSid":"CA1"}},"streamSid":"{TWILIO_SID}"}}"#
    ));
    frames
}

fn telnyx_script() -> Vec<String> {
    let mut frames = vec![
        r#"{"event":"connected","version":"1.0.0"}"#.to_owned(),
        format!(
            r#"{{"event":"start","sequence_number":"1","start":{{"user_id":"u1","call_control_id":"v3:call","from":"+15550001111","to":"+15550002222","custom_parameters":{{"stream_token":"tok"}},"media_format":{{"encoding":"PCMU","sample_rate":8000,"channels":1}}}},"stream_id":"{TELNYX_ID}"}}"#
        ),
    ];
    frames.extend(two_media_frames(telnyx::write_media, TELNYX_ID));
    frames.push(format!(
        r#"{{"event":"dtmf","stream_id":"{TELNYX_ID}","sequence_number":"4","dtmf":{{"digit":"5"}}}}"#
    ));
    frames.push(format!(
        r#"{{"event":"mark","sequence_number":"5","stream_id":"{TELNYX_ID}","mark":{{"name":"utt-1"}}}}"#
    ));
    frames.push(r#"{"event":"novel"}"#.to_owned());
    frames.push(r#"{"event":"novel"}"#.to_owned());
    frames.push(format!(
        r#"{{"event":"stop","sequence_number":"8","stream_id":"{TELNYX_ID}"}}"#
    ));
    frames
}

/// `twilio::write_media` or `telnyx::write_media`: both take the same fields.
type WriteMedia = fn(&mut String, u64, &str, Track, u64, u64, &[u8]);

/// Two 20 ms inbound frames, sequence numbers 2 and 3, the `i`th filled with `i`.
fn two_media_frames(write_media: WriteMedia, stream_id: &str) -> impl Iterator<Item = String> {
    (0..2u64).map(move |i| {
        let mut out = String::new();
        let audio = [i as u8; 160];
        write_media(
            &mut out,
            2 + i,
            stream_id,
            Track::Inbound,
            1 + i,
            20 * i,
            &audio,
        );
        out
    })
}

/// What a session sees, rendered carrier-independently.
fn session_view(carrier: Carrier, frames: &[String]) -> (Vec<String>, Option<StreamStart>) {
    let mut decoder = MediaDecoder::new(carrier);
    let mut seen = Vec::new();
    let mut start = None;
    for frame in frames {
        let line = match decoder.decode(frame).unwrap() {
            MediaEvent::Connected => "connected".to_owned(),
            MediaEvent::Started(s) => {
                let line = format!("started token={}", s.custom_parameters["stream_token"]);
                start = Some(*s);
                line
            }
            MediaEvent::Audio(a) => format!(
                "audio {:?} t={:?} n={} first={}",
                a.track,
                a.timestamp_ms,
                a.payload.len(),
                a.payload[0]
            ),
            MediaEvent::Dtmf(d) => format!("dtmf {d}"),
            MediaEvent::MarkPlayed(name) => format!("mark {name}"),
            MediaEvent::Stopped => "stopped".to_owned(),
            MediaEvent::CarrierError(e) => format!("error {e:?}"),
            MediaEvent::Unknown { event, first } => format!("unknown {event} first={first}"),
        };
        seen.push(line);
    }
    (seen, start)
}

#[test]
fn both_carriers_look_the_same_to_the_session() {
    let (twilio_view, twilio_start) = session_view(Carrier::Twilio, &twilio_script());
    let (telnyx_view, telnyx_start) = session_view(Carrier::Telnyx, &telnyx_script());
    let expected = [
        "connected",
        "started token=tok",
        "audio Inbound t=Some(0) n=160 first=0",
        "audio Inbound t=Some(20) n=160 first=1",
        "dtmf 5",
        "mark utt-1",
        "unknown novel first=true",
        "unknown novel first=false",
        "stopped",
    ];
    assert_eq!(twilio_view, expected);
    assert_eq!(telnyx_view, expected);

    let t = twilio_start.unwrap();
    assert_eq!(
        (t.carrier, t.stream_id.as_str(), t.call_id.as_str()),
        (Carrier::Twilio, TWILIO_SID, "CA1")
    );
    assert!(t.media_format.is_mulaw_8k_mono());
    let x = telnyx_start.unwrap();
    assert_eq!(
        (x.carrier, x.stream_id.as_str(), x.call_id.as_str()),
        (Carrier::Telnyx, TELNYX_ID, "v3:call")
    );
    assert_eq!(x.from.as_deref(), Some("+15550001111"));
    assert!(x.media_format.is_mulaw_8k_mono());
}

#[test]
fn decoder_reuses_its_audio_buffer() {
    let frames = twilio_script();
    let mut decoder = MediaDecoder::new(Carrier::Twilio);
    let mut pointers = Vec::new();
    for frame in &frames[2..4] {
        if let MediaEvent::Audio(a) = decoder.decode(frame).unwrap() {
            pointers.push(a.payload.as_ptr());
        }
    }
    assert_eq!(pointers.len(), 2);
    assert_eq!(pointers[0], pointers[1]);
}

#[test]
fn decoder_survives_bad_frames() {
    let mut decoder = MediaDecoder::new(Carrier::Twilio);
    assert!(decoder.decode("garbage").is_err());
    let bad_audio = format!(
        r#"{{"event":"media","sequenceNumber":"2","media":{{"track":"inbound","chunk":"1","timestamp":"0","payload":"!!!"}},"streamSid":"{TWILIO_SID}"}}"#
    );
    let err = decoder.decode(&bad_audio).unwrap_err().to_string();
    assert!(err.starts_with("media.payload: invalid base64"), "{err}");
    let frames = twilio_script();
    assert!(matches!(
        decoder.decode(&frames[2]).unwrap(),
        MediaEvent::Audio(_)
    ));
}

#[test]
fn telnyx_errors_reach_the_session() {
    let mut decoder = MediaDecoder::new(Carrier::Telnyx);
    let event = decoder
        .decode(r#"{"event":"error","error":{"title":"invalid_media","code":"100004"}}"#)
        .unwrap();
    let MediaEvent::CarrierError(e) = event else {
        panic!("{event:?}")
    };
    assert_eq!(e.code.as_deref(), Some("100004"));
}

#[test]
fn encoder_writes_each_carriers_format() {
    let audio = [0xffu8; 160];
    let tw = MediaEncoder::twilio(TWILIO_SID);
    let tx = MediaEncoder::telnyx(TELNYX_ID, TelnyxOutboundOptions::default());
    let tx_id = MediaEncoder::telnyx(
        TELNYX_ID,
        TelnyxOutboundOptions {
            include_stream_id: true,
        },
    );

    let b64 = format!("{}/w==", "/".repeat(212));
    let mut out = String::new();
    tw.encode_audio(&audio, &mut out);
    assert_eq!(
        twilio::Outbound::parse(&out).unwrap(),
        twilio::Outbound::Media {
            stream_sid: TWILIO_SID.into(),
            payload: b64.as_str().into(),
        }
    );
    tx.encode_audio(&audio, &mut out);
    assert_eq!(
        out,
        format!(r#"{{"event":"media","media":{{"payload":"{b64}"}}}}"#)
    );
    tx_id.encode_audio(&audio, &mut out);
    assert!(out.starts_with(&format!(r#"{{"event":"media","stream_id":"{TELNYX_ID}","#)));

    tw.encode_mark("utt-2", &mut out);
    assert_eq!(
        out,
        format!(r#"{{"event":"mark","streamSid":"{TWILIO_SID}","mark":{{"name":"utt-2"}}}}"#)
    );
    tx.encode_mark("utt-2", &mut out);
    assert_eq!(out, r#"{"event":"mark","mark":{"name":"utt-2"}}"#);
    tw.encode_clear(&mut out);
    assert_eq!(
        out,
        format!(r#"{{"event":"clear","streamSid":"{TWILIO_SID}"}}"#)
    );
    tx.encode_clear(&mut out);
    assert_eq!(out, r#"{"event":"clear"}"#);
}

#[test]
fn encoder_needs_no_reallocation() {
    let audio = [0x55u8; 160];
    for enc in [
        MediaEncoder::twilio(TWILIO_SID),
        MediaEncoder::telnyx(TELNYX_ID, TelnyxOutboundOptions::default()),
        MediaEncoder::telnyx(
            TELNYX_ID,
            TelnyxOutboundOptions {
                include_stream_id: true,
            },
        ),
    ] {
        // Reused buffer: same allocation every frame.
        let mut out = String::with_capacity(enc.audio_frame_len(audio.len()));
        let ptr = out.as_ptr();
        for _ in 0..3 {
            enc.encode_audio(&audio, &mut out);
            assert_eq!(out.as_ptr(), ptr);
        }
        // Owned message: exactly sized.
        let msg = enc.audio_message(&audio);
        assert_eq!(msg.len(), msg.capacity());
        assert_eq!(msg, out);
        assert!(enc.mark_message("m").contains("\"m\""));
        assert!(enc.clear_message().contains("clear"));
    }
}

#[test]
fn encoder_follows_the_stream_start() {
    let (_, start) = session_view(Carrier::Telnyx, &telnyx_script());
    let enc = MediaEncoder::for_stream(&start.unwrap(), TelnyxOutboundOptions::default());
    assert_eq!(
        (enc.carrier(), enc.stream_id()),
        (Carrier::Telnyx, TELNYX_ID)
    );
    let (_, start) = session_view(Carrier::Twilio, &twilio_script());
    let enc = MediaEncoder::for_stream(&start.unwrap(), TelnyxOutboundOptions::default());
    assert_eq!(
        (enc.carrier(), enc.stream_id()),
        (Carrier::Twilio, TWILIO_SID)
    );
}
