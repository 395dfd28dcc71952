//! X-Twilio-Signature against every vector in the digest (§3.2), plus extra
//! vectors computed with twilio-python 9.13.0's `RequestValidator`.

use switchboard_telephony::twilio::signature::{
    Algorithm, SignatureError, sign, sign_with, url_with_body_hash, validate, validate_json,
    validate_with,
};

const TOKEN: &str = "12345";
const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS: [(&str, &str); 5] = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+14158675309"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
];

#[test]
fn digest_vectors_sign() {
    assert_eq!(sign(TOKEN, URL, PARAMS), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    assert_eq!(
        sign(
            TOKEN,
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            PARAMS
        ),
        "kvajT1Ptam85bY51eRf/AJRuM3w="
    );
    assert_eq!(
        sign(
            TOKEN,
            "http://mycompany.com:80/myapp.php?foo=1&bar=2",
            PARAMS
        ),
        "0ZXoZLH/DfblKGATFgpif+LLRf4="
    );
    assert_eq!(
        sign(
            TOKEN,
            "https://example.com/twilio/voice",
            [
                ("CallSid", "CA123"),
                ("CallStatus", "ringing"),
                ("From", "+15551230000"),
                ("To", "+15559870000")
            ]
        ),
        "ohqJFxD19gvCGHklhIG4zQP7u/M="
    );
}

#[test]
fn parameter_order_does_not_matter() {
    let mut reversed = PARAMS;
    reversed.reverse();
    assert_eq!(sign(TOKEN, URL, reversed), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    let owned: Vec<(String, String)> = PARAMS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(
        sign(TOKEN, URL, owned.iter().map(|(k, v)| (k, v))),
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    );
}

#[test]
fn digest_vectors_validate_with_and_without_ports() {
    // As given.
    assert_eq!(
        validate(TOKEN, URL, PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Ok(())
    );
    // Twilio signed with :443 but we know the URL without it, and vice versa.
    assert_eq!(
        validate(TOKEN, URL, PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w="),
        Ok(())
    );
    let with_443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    assert_eq!(
        validate(TOKEN, with_443, PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Ok(())
    );
    assert_eq!(
        validate(TOKEN, with_443, PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w="),
        Ok(())
    );
    // http with :80 added by Twilio.
    let http = "http://mycompany.com/myapp.php?foo=1&bar=2";
    assert_eq!(
        validate(TOKEN, http, PARAMS, "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        Ok(())
    );
    // Surrounding whitespace in the header is tolerated.
    assert_eq!(
        validate(TOKEN, URL, PARAMS, " RSOYDt4T1cUTdK1PDd93/VVr8B8=\r\n"),
        Ok(())
    );
}

#[test]
fn anything_else_is_rejected() {
    let bad = Err(SignatureError::Mismatch);
    assert_eq!(
        validate("54321", URL, PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        bad
    );
    assert_eq!(
        validate(
            TOKEN,
            URL,
            PARAMS[1..].iter().copied(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ),
        bad
    );
    assert_eq!(
        validate(
            TOKEN,
            "https://mycompany.com/myapp.php?bar=2&foo=1",
            PARAMS,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ),
        bad,
        "query order is signed byte for byte"
    );
    assert_eq!(
        validate(
            TOKEN,
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            PARAMS,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ),
        bad,
        "scheme is signed"
    );
    assert_eq!(validate(TOKEN, URL, PARAMS, ""), bad);
    assert_eq!(
        validate(TOKEN, URL, PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8"),
        bad
    );
}

#[test]
fn twilio_python_vectors() {
    // Repeated names count once per distinct value, values sorted; empty values count.
    let multi = [
        ("StatusCallbackEvent", "ringing"),
        ("StatusCallbackEvent", "answered"),
        ("Body", ""),
        ("A", "x y"),
        ("StatusCallbackEvent", "answered"),
    ];
    assert_eq!(
        sign(TOKEN, "https://example.com/cb", multi),
        "IDy//Rm+M3hLr6jMl/MvqKH31r4="
    );
    assert_eq!(
        sign(
            TOKEN,
            "https://example.com/sms",
            [("Body", "héllo ☎"), ("From", "+1")]
        ),
        "i9lfuaVepXKJP4ffViGwc7PTmwk="
    );
    // The media WebSocket handshake: the wss:// URL, no parameters.
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        sign(TOKEN, "wss://example.com/media/twilio", none),
        "M4VdJ5pt+9kWsgwKulVbueuvHak="
    );
    assert_eq!(
        validate(
            TOKEN,
            "wss://example.com/media/twilio",
            none,
            "M4VdJ5pt+9kWsgwKulVbueuvHak="
        ),
        Ok(())
    );
    // A non-default port: the signature without it is accepted too.
    assert_eq!(
        sign(TOKEN, "https://example.com:8080/x", [("a", "b")]),
        "KucmUoWNtrtaA1HNpu8qG1Q5Ef8="
    );
    let no_port_sig = sign(TOKEN, "https://example.com/x", [("a", "b")]);
    assert_eq!(
        validate(
            TOKEN,
            "https://example.com:8080/x",
            [("a", "b")],
            &no_port_sig
        ),
        Ok(())
    );
}

#[test]
fn json_body_vector() {
    let body = br#"{"property": "value", "boolean": true}"#;
    let url = url_with_body_hash(URL, body);
    assert_eq!(
        url,
        "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    );
    let none: [(&str, &str); 0] = [];
    assert_eq!(sign(TOKEN, &url, none), "a9nBmqA0ju/hNViExpshrM61xv4=");
    assert_eq!(
        validate_json(TOKEN, &url, body, "a9nBmqA0ju/hNViExpshrM61xv4="),
        Ok(())
    );
    assert_eq!(
        validate_json(
            TOKEN,
            &url,
            br#"{"property": "value", "boolean": false}"#,
            "a9nBmqA0ju/hNViExpshrM61xv4="
        ),
        Err(SignatureError::BodyHashMismatch)
    );
    assert_eq!(
        validate_json(TOKEN, &url, body, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        validate_json(TOKEN, URL, body, "a9nBmqA0ju/hNViExpshrM61xv4="),
        Err(SignatureError::MissingBodyHash)
    );
    assert_eq!(
        url_with_body_hash("https://x/y", b""),
        format!(
            "https://x/y?bodySHA256={}",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    );
}

#[test]
fn shared_key_sha256_signatures() {
    // twilio-python 9.13.0: compute_signature(URL, PARAMS, "HMAC_SHA256").
    let sig = "033hgUJA9M/hXIZsYjwkerEP/DBm35nEri5FhCYjA5s=";
    assert_eq!(sign_with(Algorithm::HmacSha256, TOKEN, URL, PARAMS), sig);
    let with_443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    assert_eq!(
        validate_with(Algorithm::HmacSha256, TOKEN, with_443, PARAMS, sig),
        Ok(())
    );
    assert_eq!(
        validate(TOKEN, URL, PARAMS, sig),
        Err(SignatureError::Mismatch)
    );

    let from = |h: Option<&str>| Algorithm::from_settings_header(h);
    assert_eq!(
        from(Some("key=webhooks_sharedkey_1,algorithm=HMAC_SHA256")),
        Ok(Algorithm::HmacSha256)
    );
    assert_eq!(
        from(Some(" algorithm = hmac_sha256 ")),
        Ok(Algorithm::HmacSha256)
    );
    assert_eq!(from(Some("key=x")), Ok(Algorithm::HmacSha1));
    assert_eq!(from(Some("")), Ok(Algorithm::HmacSha1));
    assert_eq!(from(None), Ok(Algorithm::HmacSha1));
    assert_eq!(
        from(Some("algorithm=HMAC_SHA512")),
        Err(SignatureError::UnsupportedAlgorithm("HMAC_SHA512".into()))
    );
}
