//! Twilio Media Streams: the digest's examples (§1.3, §1.4), strictness, round trips.

mod common;

use std::borrow::Cow;
use std::collections::BTreeMap;

use common::{assert_reserialises, parse_all};
use switchboard_telephony::ParseError;
use switchboard_telephony::media::twilio::{
    self, Connected, Dtmf, Inbound, Mark, Media, Outbound, Start, Stop,
};
use switchboard_telephony::media::{MediaFormat, Track};

const SID: &str = "MZ00000000000000000000000000000001";

/// §1.3, verbatim (placeholders included: they are valid JSON strings).
const DIGEST_INBOUND: &[&str] = &[
    r#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#,
    r#"{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"<base64>"},"streamSid":"MZ…"}"#,
    r#"{"event":"dtmf","streamSid":"MZ…","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"1"}}"#,
    r#"{"event":"mark","sequenceNumber":"4","streamSid":"MZ…","mark":{"name":"my label"}}"#,
    r#"{"event":"stop","sequenceNumber":"5","stop":{"accountSid":"AC…","callSid":"CA…"},"streamSid":"MZ…"}"#,
    r#"{"event":"start","sequenceNumber":"1",
 "start":{"accountSid":"AC…","streamSid":"MZ…","callSid":"CA…",
          "tracks":["inbound"],
          "customParameters":{"call_id":"abc"},
          "mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},
 "streamSid":"MZ…"}"#,
];

/// §1.4, verbatim.
const DIGEST_OUTBOUND: &[&str] = &[
    r#"{"event":"media","streamSid":"MZ…","media":{"payload":"<base64 raw mu-law 8 kHz mono>"}}"#,
    r#"{"event":"mark","streamSid":"MZ…","mark":{"name":"utt-17"}}"#,
    r#"{"event":"clear","streamSid":"MZ…"}"#,
];

fn err(text: &str) -> String {
    Inbound::parse(text).unwrap_err().to_string()
}

#[test]
fn every_digest_inbound_example_parses() {
    let parsed = parse_all(DIGEST_INBOUND, Inbound::parse);
    assert_eq!(
        parsed[0],
        Inbound::Connected(Connected {
            protocol: "Call".into(),
            version: "1.0.0".into()
        })
    );
    assert_eq!(
        parsed[1],
        Inbound::Media(Media {
            sequence_number: 3,
            stream_sid: "MZ…".into(),
            track: Track::Inbound,
            chunk: 1,
            timestamp: 5,
            payload: "<base64>".into(),
        })
    );
    assert_eq!(
        parsed[2],
        Inbound::Dtmf(Dtmf {
            sequence_number: 5,
            stream_sid: "MZ…".into(),
            track: "inbound_track".into(),
            digit: '1',
        })
    );
    assert_eq!(
        parsed[3],
        Inbound::Mark(Mark {
            sequence_number: 4,
            stream_sid: "MZ…".into(),
            name: "my label".into()
        })
    );
    assert_eq!(
        parsed[4],
        Inbound::Stop(Stop {
            sequence_number: 5,
            stream_sid: "MZ…".into(),
            account_sid: "AC…".into(),
            call_sid: "CA…".into(),
        })
    );
    let Inbound::Start(start) = &parsed[5] else {
        panic!("{:?}", parsed[5])
    };
    assert_eq!(start.sequence_number, 1);
    assert_eq!(start.tracks, [Track::Inbound]);
    assert_eq!(start.custom_parameters["call_id"], "abc");
    assert_eq!(start.media_format, MediaFormat::mulaw_8k());
}

#[test]
fn every_digest_outbound_example_parses() {
    let parsed = parse_all(DIGEST_OUTBOUND, Outbound::parse);
    assert_eq!(
        parsed,
        [
            Outbound::Media {
                stream_sid: "MZ…".into(),
                payload: "<base64 raw mu-law 8 kHz mono>".into()
            },
            Outbound::Mark {
                stream_sid: "MZ…".into(),
                name: "utt-17".into()
            },
            Outbound::Clear {
                stream_sid: "MZ…".into()
            },
        ]
    );
}

#[test]
fn a_real_media_frame_decodes_to_160_bytes_without_copying_the_payload() {
    let payload = "/".repeat(212) + "/w==";
    let text = format!(
        r#"{{"event":"media","sequenceNumber":"9","media":{{"track":"inbound","chunk":"7","timestamp":"140","payload":"{payload}"}},"streamSid":"{SID}"}}"#
    );
    let Inbound::Media(m) = Inbound::parse(&text).unwrap() else {
        panic!()
    };
    assert!(
        matches!(m.payload, Cow::Borrowed(_)),
        "payload borrowed from the frame"
    );
    assert!(matches!(m.stream_sid, Cow::Borrowed(_)));
    let mut audio = Vec::new();
    m.decode_into(&mut audio).unwrap();
    assert_eq!(audio, [0xff; 160]);
    assert_eq!((m.chunk, m.timestamp, m.sequence_number), (7, 140, 9));
}

#[test]
fn strict_errors_name_the_field() {
    let media = |fields: &str| {
        format!(
            r#"{{"event":"media","sequenceNumber":"3","media":{{{fields}}},"streamSid":"{SID}"}}"#
        )
    };
    assert_eq!(
        err(&media(
            r#""track":"inbound","chunk":"x","timestamp":"5","payload":"AA==""#
        )),
        r#"media.chunk: expected a decimal string, got "x""#
    );
    assert_eq!(
        err(&media(
            r#""track":"inbound","chunk":1,"timestamp":"5","payload":"AA==""#
        )),
        "media.chunk: expected a decimal string, got 1"
    );
    assert_eq!(
        err(&media(r#""track":"inbound","chunk":"1","payload":"AA==""#)),
        "missing field media.timestamp in media"
    );
    assert_eq!(
        err(&media(
            r#""track":"both","chunk":"1","timestamp":"5","payload":"AA==""#
        )),
        r#"media.track: expected "inbound" or "outbound", got "both""#
    );
    assert_eq!(
        err(&media(
            r#""track":"inbound","chunk":"1","timestamp":"5","payload":7"#
        )),
        "media.payload: expected a string, got 7"
    );
    assert_eq!(
        err(
            r#"{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"AA=="}}"#
        ),
        "missing field streamSid in media"
    );
    assert_eq!(
        err(&format!(
            r#"{{"event":"media","sequenceNumber":3,"media":{{}},"streamSid":"{SID}"}}"#
        )),
        "sequenceNumber: expected a decimal string, got 3"
    );
    assert_eq!(
        err(&format!(
            r#"{{"event":"media","sequenceNumber":"3","media":"x","streamSid":"{SID}"}}"#
        )),
        r#"media: expected a JSON object, got "x""#
    );
    assert_eq!(
        err(r#"{"protocol":"Call"}"#),
        "missing field event in message"
    );
    assert_eq!(err(r#"{"event":5}"#), "event: expected a string, got 5");
    assert_eq!(
        err(r#"[1,2]"#),
        "message: expected a JSON object, got an array"
    );
    assert_eq!(
        err(r#"{"event":"connected","version":"1.0.0"}"#),
        "missing field protocol in connected"
    );
    assert!(err("{not json").starts_with("malformed JSON"));
    assert!(err("").starts_with("malformed JSON"));
}

#[test]
fn start_is_checked_field_by_field() {
    let start = |inner: &str| {
        format!(
            r#"{{"event":"start","sequenceNumber":"1","start":{{{inner}}},"streamSid":"{SID}"}}"#
        )
    };
    let ok = format!(
        r#""accountSid":"AC1","streamSid":"{SID}","callSid":"CA1","tracks":["inbound"],"customParameters":{{}},"mediaFormat":{{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}"#
    );
    assert!(Inbound::parse(&start(&ok)).is_ok());
    assert_eq!(
        err(&start(
            &ok.replace("\"sampleRate\":8000", "\"sampleRate\":\"8000\"")
        )),
        r#"start.mediaFormat.sampleRate: expected a non-negative integer, got "8000""#
    );
    assert_eq!(
        err(&start(&ok.replace("\"channels\":1", "\"channels\":99999"))),
        "start.mediaFormat.channels: expected a smaller integer, got 99999"
    );
    assert_eq!(
        err(&start(&ok.replace("\"callSid\":\"CA1\",", ""))),
        "missing field start.callSid in start"
    );
    assert_eq!(
        err(&start(&ok.replace("{}", r#"{"n":1}"#))),
        "start.customParameters: expected an object of string values, got 1"
    );
    assert_eq!(
        err(&start(&ok.replace(r#"["inbound"]"#, r#"["sideways"]"#))),
        r#"start.tracks: expected "inbound" or "outbound", got "sideways""#
    );
    assert_eq!(
        err(&start(&ok.replace(
            &format!(r#""streamSid":"{SID}""#),
            r#""streamSid":"MZother""#
        ))),
        r#"start.streamSid: expected the top-level streamSid, got "MZother""#
    );
    // customParameters may be absent when the TwiML had no <Parameter>.
    let without = ok.replace(r#""customParameters":{},"#, "");
    let text = start(&without);
    let Inbound::Start(s) = Inbound::parse(&text).unwrap() else {
        panic!()
    };
    assert!(s.custom_parameters.is_empty());
}

#[test]
fn dtmf_digits_are_validated() {
    let dtmf = |digit: &str| {
        format!(
            r#"{{"event":"dtmf","streamSid":"{SID}","sequenceNumber":"5","dtmf":{{"track":"inbound_track","digit":{digit}}}}}"#
        )
    };
    for (digit, want) in [
        (r##""#""##, '#'),
        (r#""*""#, '*'),
        (r#""0""#, '0'),
        (r#""d""#, 'D'),
    ] {
        let text = dtmf(digit);
        let Inbound::Dtmf(d) = Inbound::parse(&text).unwrap() else {
            panic!()
        };
        assert_eq!(d.digit, want);
    }
    assert_eq!(
        err(&dtmf(r#""12""#)),
        r#"dtmf.digit: expected one of 0-9 * # A-D, got "12""#
    );
}

#[test]
fn unknown_events_are_tolerated() {
    let parsed =
        Inbound::parse(r#"{"event":"transcription","streamSid":"MZ1","whatever":[1,{"a":2}]}"#);
    assert_eq!(
        parsed.unwrap(),
        Inbound::Unknown {
            event: "transcription".into()
        }
    );
    assert_eq!(
        Outbound::parse(r#"{"event":"pause","streamSid":"MZ1"}"#).unwrap(),
        Outbound::Unknown {
            event: "pause".into()
        }
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let text = format!(
        r#"{{"event":"mark","sequenceNumber":"4","streamSid":"{SID}","mark":{{"name":"a","extra":{{"deep":[1,2,3]}}}},"new":null}}"#
    );
    assert!(matches!(Inbound::parse(&text).unwrap(), Inbound::Mark(m) if m.name == "a"));
}

#[test]
fn oversized_frames_are_refused_before_parsing() {
    let huge = format!(
        r#"{{"event":"media","sequenceNumber":"1","media":{{"payload":"{}"}},"streamSid":"x"}}"#,
        "A".repeat(1100 * 1024)
    );
    assert!(matches!(
        Inbound::parse(&huge),
        Err(ParseError::TooLarge { .. })
    ));
    assert!(matches!(
        Outbound::parse(&huge),
        Err(ParseError::TooLarge { .. })
    ));
}

#[test]
fn escaped_strings_parse_as_owned_values() {
    let text = format!(
        r#"{{"event":"mark","sequenceNumber":"4","streamSid":"{SID}","mark":{{"name":"a\"b\u00e9\/c"}}}}"#
    );
    let Inbound::Mark(m) = Inbound::parse(&text).unwrap() else {
        panic!()
    };
    assert_eq!(m.name, "a\"bé/c");
}

fn sample_inbound() -> Vec<Inbound<'static>> {
    vec![
        Inbound::Connected(Connected {
            protocol: "Call".into(),
            version: "1.0.0".into(),
        }),
        Inbound::Start(Start {
            sequence_number: 1,
            stream_sid: SID.into(),
            account_sid: "AC0000000000000000000000000000000a".into(),
            call_sid: "CA0000000000000000000000000000000b".into(),
            tracks: vec![Track::Inbound],
            custom_parameters: BTreeMap::from([
                ("call_id".to_owned(), "call_01".to_owned()),
                ("token".to_owned(), "t\"o&k<en>".to_owned()),
            ]),
            media_format: MediaFormat::mulaw_8k(),
        }),
        Inbound::Media(Media {
            sequence_number: 2,
            stream_sid: SID.into(),
            track: Track::Inbound,
            chunk: 1,
            timestamp: 0,
            payload: "/////w==".into(),
        }),
        Inbound::Dtmf(Dtmf {
            sequence_number: 3,
            stream_sid: SID.into(),
            track: "inbound_track".into(),
            digit: '#',
        }),
        Inbound::Mark(Mark {
            sequence_number: 4,
            stream_sid: SID.into(),
            name: "utt-1\nline".into(),
        }),
        Inbound::Stop(Stop {
            sequence_number: 5,
            stream_sid: SID.into(),
            account_sid: "AC0000000000000000000000000000000a".into(),
            call_sid: "CA0000000000000000000000000000000b".into(),
        }),
        Inbound::Unknown {
            event: "future".into(),
        },
    ]
}

#[test]
fn inbound_round_trips() {
    for msg in sample_inbound() {
        let text = msg.to_json();
        assert_eq!(Inbound::parse(&text).unwrap(), msg, "{text}");
        let _: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    }
}

#[test]
fn inbound_serialises_like_twilio() {
    let out: Vec<String> = sample_inbound().iter().map(Inbound::to_json).collect();
    assert_eq!(
        out[0],
        r#"{"event":"connected","protocol":"Call","version":"1.0.0"}"#
    );
    assert_eq!(
        out[1],
        format!(
            r#"{{"event":"start","sequenceNumber":"1","start":{{"accountSid":"AC0000000000000000000000000000000a","streamSid":"{SID}","callSid":"CA0000000000000000000000000000000b","tracks":["inbound"],"customParameters":{{"call_id":"call_01","token":"t\"o&k<en>"}},"mediaFormat":{{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}}},"streamSid":"{SID}"}}"#
        )
    );
    assert_eq!(
        out[2],
        format!(
            r#"{{"event":"media","sequenceNumber":"2","media":{{"track":"inbound","chunk":"1","timestamp":"0","payload":"/////w=="}},"streamSid":"{SID}"}}"#
        )
    );
    assert_eq!(
        out[3],
        format!(
            r##"{{"event":"dtmf","streamSid":"{SID}","sequenceNumber":"3","dtmf":{{"track":"inbound_track","digit":"#"}}}}"##
        )
    );
    assert_eq!(
        out[5],
        format!(
            r#"{{"event":"stop","sequenceNumber":"5","stop":{{"accountSid":"AC0000000000000000000000000000000a","callSid":"CA0000000000000000000000000000000b"}},"streamSid":"{SID}"}}"#
        )
    );
}

#[test]
fn digest_examples_reserialise_identically() {
    assert_reserialises(
        DIGEST_INBOUND[..5].iter().copied(),
        Inbound::parse,
        Inbound::to_json,
    );
    assert_reserialises(
        DIGEST_OUTBOUND.iter().copied(),
        Outbound::parse,
        Outbound::to_json,
    );
}

#[test]
fn hot_path_writers_match_the_typed_serialisers() {
    let audio = [0xffu8; 160];
    let mut out = String::new();
    twilio::write_media(&mut out, 2, SID, Track::Inbound, 1, 0, &audio);
    let Inbound::Media(m) = Inbound::parse(&out).unwrap() else {
        panic!()
    };
    assert_eq!(m.payload.len(), 216);
    let mut decoded = Vec::new();
    m.decode_into(&mut decoded).unwrap();
    assert_eq!(decoded, audio);

    let mut out = String::new();
    twilio::write_outbound_media(&mut out, SID, &audio);
    assert_eq!(out.len(), twilio::outbound_media_len(SID, audio.len()));
    let parsed = Outbound::parse(&out).unwrap();
    assert_eq!(parsed.to_json(), out);
    assert!(parsed.decode_audio_into(&mut decoded).unwrap());
    assert_eq!(decoded, audio);

    let mut out = String::new();
    twilio::write_outbound_mark(&mut out, SID, "m\"1");
    assert_eq!(
        out,
        format!(r#"{{"event":"mark","streamSid":"{SID}","mark":{{"name":"m\"1"}}}}"#)
    );
    out.clear();
    twilio::write_outbound_clear(&mut out, SID);
    assert_eq!(out, format!(r#"{{"event":"clear","streamSid":"{SID}"}}"#));
}

#[test]
fn outbound_is_strict_too() {
    assert_eq!(
        Outbound::parse(r#"{"event":"media","media":{"payload":"AA=="}}"#)
            .unwrap_err()
            .to_string(),
        "missing field streamSid in media"
    );
    assert_eq!(
        Outbound::parse(r#"{"event":"mark","streamSid":"MZ1","mark":{}}"#)
            .unwrap_err()
            .to_string(),
        "missing field mark.name in mark"
    );
}
