//! Telnyx media streaming: documented examples, lenient variants, round trips.

mod common;

use std::collections::BTreeMap;

use common::{assert_reserialises, parse_all};
use switchboard_telephony::media::telnyx::{
    self, Connected, Dtmf, Inbound, Mark, Media, Outbound, Start, Stop, StreamError,
};
use switchboard_telephony::media::{AudioEncoding, MediaFormat, Track};

const ID: &str = "32de0dea-53cb-4b21-89a4-9e1819c043bc";

/// Shapes from Telnyx's docs (the AsyncAPI page and the `streaming_start`
/// reference); the `mark` echo's exact shape is assumed.
const DOC_INBOUND: &[&str] = &[
    r#"{"event":"connected","version":"1.0.0"}"#,
    r#"{"event":"start","sequence_number":"1","stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC","start":{"user_id":"3E6F995F-85F7-4705-9741-53B116D28237","call_control_id":"v2:T02llQxIyaRkhfRKxgAP8nY511EhFLizdvdUKJiSw8d6A9BborherQ","call_session_id":"ff55a038-6f5d-11ef-9692-02420aeffb1f","from":"+13122010094","to":"+13122123456","tags":["TAG1","TAG2"],"client_state":"aGF2ZSBhIG5pY2UgZGF5ID1d","custom_parameters":{"customer_id":"customer_123"},"media_format":{"encoding":"PCMU","sample_rate":8000,"channels":1}}}"#,
    r#"{"event":"start","sequence_number":"1","start":{"user_id":"3e6f995f-85f7-4705-9741-53b116d28237","call_control_id":"v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg","client_state":"aGF2ZSBhIG5pY2UgZGF5ID1d","media_format":{"encoding":"audio/x-mulaw","sample_rate":8000,"channels":1}},"stream_id":"32de0dea-53cb-4b21-89a4-9e1819c043bc"}"#,
    r#"{"event":"media","sequence_number":"4","media":{"track":"inbound","chunk":"2","timestamp":"5","payload":"no+JhoaJjpzSHxAKBgYJD...IsSbjomGhoqQn1Ic"},"stream_id":"32de0dea-53cb-4b21-89a4-9e1819c043bc"}"#,
    r#"{"event":"stop","sequence_number":"5","stop":{"user_id":"3e6f995f-85f7-4705-9741-53b116d28237","call_control_id":"v2:T02llQxIyaRkhfRKxgAP8nY511EhFLizdvdUKJiSw8d6A9BborherQ"},"stream_id":"32de0dea-53cb-4b21-89a4-9e1819c043bc"}"#,
    r#"{"event":"dtmf","stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC","occurred_at":"2025-06-05T08:54:19.698408Z","sequence_number":"5","dtmf":{"digit":"1"}}"#,
    r#"{"stream_id":"32de0dea-53cb-4b21-89a4-9e1819c043bc","event":"error","sequence_number":"6","error":{"title":"rate_limit_reached","code":"100005","detail":"Too many requests"}}"#,
    r#"{"event":"mark","sequence_number":"7","stream_id":"32de0dea-53cb-4b21-89a4-9e1819c043bc","mark":{"name":"greeting-end"}}"#,
];

const DOC_OUTBOUND: &[&str] = &[
    r#"{"event":"media","media":{"payload":"<base64-encoded-audio-rtp>"}}"#,
    r#"{"event":"clear"}"#,
    r#"{"event":"mark","mark":{"name":"greeting-end"}}"#,
];

#[test]
fn every_documented_inbound_frame_parses() {
    let p = parse_all(DOC_INBOUND, Inbound::parse);
    assert_eq!(
        p[0],
        Inbound::Connected(Connected {
            version: Some("1.0.0".into()),
            auth_token: None
        })
    );

    let Inbound::Start(s) = &p[1] else {
        panic!("{:?}", p[1])
    };
    assert_eq!(s.stream_id, "32DE0DEA-53CB-4B21-89A4-9E1819C043BC");
    assert_eq!(
        s.call_control_id,
        "v2:T02llQxIyaRkhfRKxgAP8nY511EhFLizdvdUKJiSw8d6A9BborherQ"
    );
    assert_eq!(s.sequence_number, Some(1));
    assert_eq!(s.from.as_deref(), Some("+13122010094"));
    assert_eq!(s.tags, ["TAG1", "TAG2"]);
    assert_eq!(s.custom_parameters["customer_id"], "customer_123");
    let format = s.media_format.as_ref().unwrap();
    assert_eq!(
        (format.audio_encoding(), format.sample_rate, format.channels),
        (AudioEncoding::Mulaw, 8000, 1)
    );

    let Inbound::Start(s) = &p[2] else { panic!() };
    assert_eq!(s.stream_id, ID);
    assert!(s.media_format.as_ref().unwrap().is_mulaw_8k_mono());
    assert_eq!(s.client_state.as_deref(), Some("aGF2ZSBhIG5pY2UgZGF5ID1d"));

    assert_eq!(
        p[3],
        Inbound::Media(Media {
            sequence_number: Some(4),
            stream_id: Some(ID.into()),
            track: Some(Track::Inbound),
            chunk: Some(2),
            timestamp: Some(5),
            payload: "no+JhoaJjpzSHxAKBgYJD...IsSbjomGhoqQn1Ic".into(),
        })
    );
    assert!(matches!(&p[4], Inbound::Stop(s) if s.call_control_id.is_some()));
    assert!(matches!(
        &p[5],
        Inbound::Dtmf(Dtmf {
            digit: '1',
            occurred_at: Some(_),
            ..
        })
    ));
    assert_eq!(
        p[6],
        Inbound::Error(StreamError {
            sequence_number: Some(6),
            stream_id: Some(ID.into()),
            code: Some("100005".into()),
            title: Some("rate_limit_reached".into()),
            detail: Some("Too many requests".into()),
        })
    );
    assert!(matches!(&p[7], Inbound::Mark(m) if m.name == "greeting-end"));
}

#[test]
fn every_documented_outbound_frame_parses() {
    let p = parse_all(DOC_OUTBOUND, Outbound::parse);
    assert_eq!(
        p,
        [
            Outbound::Media {
                stream_id: None,
                payload: "<base64-encoded-audio-rtp>".into()
            },
            Outbound::Clear { stream_id: None },
            Outbound::Mark {
                stream_id: None,
                name: "greeting-end".into()
            },
        ]
    );
    assert_reserialises(
        DOC_OUTBOUND.iter().copied(),
        Outbound::parse,
        Outbound::to_json,
    );
}

#[test]
fn lenient_on_what_the_docs_do_not_pin_down() {
    // Counters as numbers, track spelled like stream_track, no stream_id.
    let Inbound::Media(m) = Inbound::parse(
        r#"{"event":"media","sequence_number":4,"media":{"track":"outbound_track","chunk":2,"timestamp":5,"payload":"AA=="}}"#,
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        (m.sequence_number, m.chunk, m.timestamp),
        (Some(4), Some(2), Some(5))
    );
    assert_eq!(m.track, Some(Track::Outbound));
    assert_eq!(m.stream_id, None);

    // Only the payload is required in media.
    let Inbound::Media(m) =
        Inbound::parse(r#"{"event":"media","media":{"payload":"AA=="}}"#).unwrap()
    else {
        panic!()
    };
    assert_eq!((m.track, m.chunk), (None, None));

    // custom_parameters as Call Control's list form, or camelCase; sample_rate as a string.
    let text = r#"{"event":"start","stream_id":"s1","start":{"call_control_id":"v3:x","custom_parameters":[{"name":"token","value":"abc"},{"name":"n","value":5}],"media_format":{"encoding":"L16","sample_rate":"16000"}}}"#;
    let Inbound::Start(s) = Inbound::parse(text).unwrap() else {
        panic!()
    };
    assert_eq!(
        s.custom_parameters,
        BTreeMap::from([
            ("n".to_owned(), "5".to_owned()),
            ("token".to_owned(), "abc".to_owned())
        ])
    );
    let f = s.media_format.unwrap();
    assert_eq!(
        (f.audio_encoding(), f.sample_rate, f.channels),
        (AudioEncoding::L16, 16000, 1)
    );
    let text = r#"{"event":"start","start":{"stream_id":"s2","call_control_id":"v3:x","customParameters":{"token":"abc"}}}"#;
    let Inbound::Start(s) = Inbound::parse(text).unwrap() else {
        panic!()
    };
    assert_eq!(
        (s.stream_id.as_ref(), s.custom_parameters["token"].as_str()),
        ("s2", "abc")
    );
    assert_eq!(s.media_format, None);

    // Connected with the auth token; error body under `payload`, numeric code; bare stop.
    let Inbound::Connected(c) = Inbound::parse(
        r#"{"event":"connected","version":"1.0.0","connected":{"x-telnyx-streaming-auth-token":"tok"}}"#,
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(c.auth_token.as_deref(), Some("tok"));
    let Inbound::Error(e) =
        Inbound::parse(r#"{"event":"error","payload":{"code":100003,"title":"malformed_frame"}}"#)
            .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (e.code.as_deref(), e.title.as_deref()),
        (Some("100003"), Some("malformed_frame"))
    );
    assert_eq!(
        Inbound::parse(r#"{"event":"stop"}"#).unwrap(),
        Inbound::Stop(Stop::default())
    );

    // Outbound with stream_id is accepted.
    assert_eq!(
        Outbound::parse(r#"{"event":"clear","stream_id":"s1"}"#).unwrap(),
        Outbound::Clear {
            stream_id: Some("s1".into())
        }
    );
}

#[test]
fn still_refuses_what_cannot_be_used() {
    let err = |t: &str| Inbound::parse(t).unwrap_err().to_string();
    assert_eq!(
        err(r#"{"event":"media","media":{"track":"inbound"}}"#),
        "missing field media.payload in media"
    );
    assert_eq!(
        err(r#"{"event":"start","start":{"call_control_id":"v3:x"}}"#),
        "missing field stream_id in start"
    );
    assert_eq!(
        err(r#"{"event":"start","stream_id":"s","start":{}}"#),
        "missing field start.call_control_id in start"
    );
    assert_eq!(
        err(r#"{"event":"media","media":{"chunk":"two","payload":"AA=="}}"#),
        r#"media.chunk: expected a decimal string or integer, got "two""#
    );
    assert_eq!(
        err(r#"{"event":"media","media":{"track":"sideways","payload":"AA=="}}"#),
        r#"media.track: expected "inbound" or "outbound", got "sideways""#
    );
    assert_eq!(
        err(r#"{"event":"dtmf","dtmf":{}}"#),
        "missing field dtmf.digit in dtmf"
    );
    assert_eq!(
        err(r#"{"event":"mark","mark":{"name":3}}"#),
        "mark.name: expected a string, got 3"
    );
    assert_eq!(
        err(
            r#"{"event":"start","stream_id":"s","start":{"call_control_id":"c","custom_parameters":"x"}}"#
        ),
        r#"start.custom_parameters: expected an object or a list of {name, value}, got "x""#
    );
}

#[test]
fn unknown_events_are_tolerated() {
    assert_eq!(
        Inbound::parse(r#"{"event":"transcription","stream_id":"s"}"#).unwrap(),
        Inbound::Unknown {
            event: "transcription".into()
        }
    );
}

fn sample_inbound() -> Vec<Inbound<'static>> {
    vec![
        Inbound::Connected(Connected {
            version: Some("1.0.0".into()),
            auth_token: Some("tok".into()),
        }),
        Inbound::Start(Start {
            sequence_number: Some(1),
            stream_id: ID.into(),
            call_control_id: "v3:abc".into(),
            user_id: Some("u1".into()),
            call_session_id: Some("sess".into()),
            from: Some("+15550001111".into()),
            to: Some("+15550002222".into()),
            tags: vec!["a".into(), "b\"".into()],
            client_state: Some("aGk=".into()),
            custom_parameters: BTreeMap::from([("token".to_owned(), "t&k".to_owned())]),
            media_format: Some(MediaFormat {
                encoding: "PCMU".into(),
                sample_rate: 8000,
                channels: 1,
            }),
        }),
        Inbound::Media(Media {
            sequence_number: Some(2),
            stream_id: Some(ID.into()),
            track: Some(Track::Inbound),
            chunk: Some(1),
            timestamp: Some(20),
            payload: "/w==".into(),
        }),
        Inbound::Dtmf(Dtmf {
            sequence_number: Some(3),
            stream_id: Some(ID.into()),
            occurred_at: Some("2025-06-05T08:54:19.698408Z".into()),
            digit: '*',
        }),
        Inbound::Mark(Mark {
            sequence_number: Some(4),
            stream_id: Some(ID.into()),
            name: "m1".into(),
        }),
        Inbound::Error(StreamError {
            sequence_number: Some(5),
            stream_id: Some(ID.into()),
            code: Some("100004".into()),
            title: Some("invalid_media".into()),
            detail: None,
        }),
        Inbound::Stop(Stop {
            sequence_number: Some(6),
            stream_id: Some(ID.into()),
            user_id: None,
            call_control_id: Some("v3:abc".into()),
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
    }
    // Documented frames come back byte for byte where we write the same key order.
    assert_reserialises(
        [0, 3, 4, 5, 7].map(|i| DOC_INBOUND[i]),
        Inbound::parse,
        Inbound::to_json,
    );
}

#[test]
fn writers_cover_both_stream_id_choices() {
    let audio = [0x7fu8; 160];
    for id in [None, Some(ID)] {
        let mut out = String::new();
        telnyx::write_outbound_media(&mut out, id, &audio);
        assert_eq!(out.len(), telnyx::outbound_media_len(id, audio.len()));
        let parsed = Outbound::parse(&out).unwrap();
        assert_eq!(parsed.to_json(), out);
        let mut decoded = Vec::new();
        assert!(parsed.decode_audio_into(&mut decoded).unwrap());
        assert_eq!(decoded, audio);
    }
    let mut out = String::new();
    telnyx::write_outbound_mark(&mut out, Some(ID), "m");
    assert_eq!(
        out,
        format!(r#"{{"event":"mark","stream_id":"{ID}","mark":{{"name":"m"}}}}"#)
    );

    let mut out = String::new();
    telnyx::write_media(&mut out, 9, ID, Track::Inbound, 3, 40, &audio);
    let Inbound::Media(m) = Inbound::parse(&out).unwrap() else {
        panic!()
    };
    assert_eq!(
        (m.sequence_number, m.chunk, m.timestamp),
        (Some(9), Some(3), Some(40))
    );
    let mut decoded = Vec::new();
    m.decode_into(&mut decoded).unwrap();
    assert_eq!(decoded, audio);
}
