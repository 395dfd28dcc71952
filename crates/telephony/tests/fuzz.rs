//! Property tests: no input makes a parser panic, and writers round-trip.

use proptest::prelude::*;
use switchboard_telephony::media::{
    Carrier, MediaDecoder, MediaEncoder, MediaEvent, TelnyxOutboundOptions, Track, decode_payload,
    telnyx, twilio,
};

fn parse_everything(text: &str) {
    let _ = twilio::Inbound::parse(text);
    let _ = twilio::Outbound::parse(text);
    let _ = telnyx::Inbound::parse(text);
    let _ = telnyx::Outbound::parse(text);
    let _ = MediaDecoder::new(Carrier::Twilio).decode(text);
    let _ = MediaDecoder::new(Carrier::Telnyx).decode(text);
}

/// JSON-looking text built from the protocols' own vocabulary, so the
/// generator reaches past "malformed JSON" into the field checks.
fn jsonish() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("event"),
        Just("sequenceNumber"),
        Just("sequence_number"),
        Just("streamSid"),
        Just("stream_id"),
        Just("start"),
        Just("media"),
        Just("mark"),
        Just("stop"),
        Just("dtmf"),
        Just("error"),
        Just("payload"),
        Just("track"),
        Just("chunk"),
        Just("timestamp"),
        Just("name"),
        Just("digit"),
        Just("mediaFormat"),
        Just("media_format"),
        Just("tracks"),
        Just("customParameters"),
        Just("custom_parameters"),
        Just("callSid"),
        Just("accountSid"),
        Just("call_control_id"),
        Just("sampleRate"),
        Just("sample_rate"),
        Just("channels"),
        Just("encoding"),
        Just("connected"),
        Just("code"),
    ];
    let scalar = prop_oneof![
        Just("\"media\"".to_owned()),
        Just("\"start\"".to_owned()),
        Just("\"stop\"".to_owned()),
        Just("\"mark\"".to_owned()),
        Just("\"dtmf\"".to_owned()),
        Just("\"error\"".to_owned()),
        Just("\"connected\"".to_owned()),
        Just("\"inbound\"".to_owned()),
        Just("\"1\"".to_owned()),
        Just("\"/w==\"".to_owned()),
        Just("1".to_owned()),
        Just("-1".to_owned()),
        Just("1e400".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        "\"[^\"\\\\]{0,8}\"".prop_map(|s| s),
    ];
    let leaf = (key.clone(), scalar).prop_map(|(k, v)| format!("\"{k}\":{v}"));
    let member = leaf.prop_recursive(3, 24, 6, move |inner| {
        (key.clone(), prop::collection::vec(inner, 0..6))
            .prop_map(|(k, members)| format!("\"{k}\":{{{}}}", members.join(",")))
    });
    prop::collection::vec(member, 1..6).prop_map(|members| format!("{{{}}}", members.join(",")))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        parse_everything(&text);
    }

    #[test]
    fn arbitrary_json_shapes_never_panic(text in jsonish()) {
        parse_everything(&text);
    }

    #[test]
    fn mutated_real_frames_never_panic(
        cut in 0usize..400,
        byte in any::<u8>(),
        which in 0usize..4,
    ) {
        let mut frame = String::new();
        match which {
            0 => twilio::write_media(&mut frame, 3, "MZ1", Track::Inbound, 1, 20, &[0xff; 160]),
            1 => telnyx::write_media(&mut frame, 3, "id", Track::Inbound, 1, 20, &[0xff; 160]),
            2 => twilio::write_outbound_mark(&mut frame, "MZ1", "m"),
            _ => telnyx::write_outbound_clear(&mut frame, Some("id")),
        }
        let mut bytes = frame.into_bytes();
        let at = cut.min(bytes.len().saturating_sub(1));
        bytes[at] = byte;
        let text = String::from_utf8_lossy(&bytes[..]).into_owned();
        parse_everything(&text);
        let truncated: String = text.chars().take(cut).collect();
        parse_everything(&truncated);
    }

    #[test]
    fn arbitrary_base64_never_panics(text in "[A-Za-z0-9+/=]{0,64}") {
        let mut out = Vec::new();
        let _ = decode_payload(&text, &mut out);
    }

    #[test]
    fn audio_survives_encode_then_decode(
        audio in prop::collection::vec(any::<u8>(), 0..2000),
        carrier in prop_oneof![Just(Carrier::Twilio), Just(Carrier::Telnyx)],
        sid in "[A-Za-z0-9\"\\\\-]{1,40}",
        include_stream_id in any::<bool>(),
    ) {
        let enc = match carrier {
            Carrier::Twilio => MediaEncoder::twilio(sid.clone()),
            Carrier::Telnyx => MediaEncoder::telnyx(sid.clone(), TelnyxOutboundOptions { include_stream_id }),
        };
        let frame = enc.audio_message(&audio);
        prop_assert_eq!(frame.len(), enc.audio_frame_len(audio.len()));
        let mut decoded = Vec::new();
        let ok = match carrier {
            Carrier::Twilio => twilio::Outbound::parse(&frame).unwrap().decode_audio_into(&mut decoded),
            Carrier::Telnyx => telnyx::Outbound::parse(&frame).unwrap().decode_audio_into(&mut decoded),
        };
        prop_assert!(ok.unwrap());
        prop_assert_eq!(decoded, audio);
    }

    #[test]
    fn inbound_media_round_trips_through_the_decoder(
        audio in prop::collection::vec(any::<u8>(), 1..400),
        seq in 1u64..u64::MAX,
        chunk in any::<u64>(),
        ts in any::<u64>(),
        carrier in prop_oneof![Just(Carrier::Twilio), Just(Carrier::Telnyx)],
    ) {
        let mut frame = String::new();
        match carrier {
            Carrier::Twilio => twilio::write_media(&mut frame, seq, "MZ1", Track::Outbound, chunk, ts, &audio),
            Carrier::Telnyx => telnyx::write_media(&mut frame, seq, "id", Track::Outbound, chunk, ts, &audio),
        }
        let mut decoder = MediaDecoder::new(carrier);
        match decoder.decode(&frame).unwrap() {
            MediaEvent::Audio(a) => {
                prop_assert_eq!(a.payload, &audio[..]);
                prop_assert_eq!(a.track, Track::Outbound);
                prop_assert_eq!((a.chunk, a.timestamp_ms), (Some(chunk), Some(ts)));
            }
            other => prop_assert!(false, "{other:?}"),
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    parse_everything(&deep);
    let deep_obj = format!(
        r#"{{"event":"media","media":{}1{}}}"#,
        r#"{"a":"#.repeat(5000),
        "}".repeat(5000)
    );
    assert!(twilio::Inbound::parse(&deep_obj).is_err());
}
