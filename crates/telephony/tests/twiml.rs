//! TwiML output compared with twilio-python 9.13.0 (digest §1.1, §2.3, and
//! extra outputs generated with the same library).

use switchboard_telephony::twiml::{Connect, Dial, Response, Say, Stream, Verb};

#[test]
fn connect_stream_matches_digest_1_1() {
    let xml = Response::new()
        .connect_stream(
            Stream::new("wss://example.com/media")
                .name("s1")
                .parameter("call_id", "abc"),
        )
        .to_xml();
    assert_eq!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream name="s1" url="wss://example.com/media"><Parameter name="call_id" value="abc" /></Stream></Connect></Response>"#
    );
}

#[test]
fn say_pause_hangup_match_digest_2_3() {
    // The §2.3 example's <Say>Bye</Say><Pause length="1" /> ... <Hangup /> pieces.
    let xml = Response::new()
        .say("Bye")
        .pause(1)
        .hangup()
        .to_xml_without_declaration();
    assert_eq!(
        xml,
        r#"<Response><Say>Bye</Say><Pause length="1" /><Hangup /></Response>"#
    );
    let say = Response::new()
        .say_with(Say::new("Press 1").voice("Polly.Joanna"))
        .to_xml_without_declaration();
    assert_eq!(
        say,
        r#"<Response><Say voice="Polly.Joanna">Press 1</Say></Response>"#
    );
}

#[test]
fn attributes_are_sorted() {
    let xml = Response::new()
        .say_with(
            Say::new("Press 1")
                .voice("Polly.Joanna")
                .language("en-US")
                .repeat(2),
        )
        .verb(switchboard_telephony::twiml::Verb::Pause(None))
        .to_xml_without_declaration();
    assert_eq!(
        xml,
        r#"<Response><Say language="en-US" loop="2" voice="Polly.Joanna">Press 1</Say><Pause /></Response>"#
    );
}

#[test]
fn escaping_matches_twilio_python() {
    let xml = Response::new()
        .say("a<b & \"c\" 'd' > e\n")
        .connect(
            Connect::new(
                Stream::new("wss://x/m?a=1&b=2")
                    .name("n\"1")
                    .track("inbound_track")
                    .status_callback("https://x/cb")
                    .status_callback_method("GET")
                    .parameter("k&", "v<\"\n"),
            )
            .action("/done")
            .method("POST"),
        )
        .to_xml();
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>a&lt;b &amp; \"c\" 'd' &gt; e\n</Say><Connect action=\"/done\" method=\"POST\"><Stream name=\"n&quot;1\" statusCallback=\"https://x/cb\" statusCallbackMethod=\"GET\" track=\"inbound_track\" url=\"wss://x/m?a=1&amp;b=2\"><Parameter name=\"k&amp;\" value=\"v&lt;&quot;&#10;\" /></Stream></Connect></Response>"
    );
}

#[test]
fn empty_elements_and_invalid_characters() {
    assert_eq!(
        Response::new().to_xml(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response />"#
    );
    assert_eq!(
        Response::new().say("").to_xml_without_declaration(),
        "<Response><Say /></Response>"
    );
    // twilio-python would emit the raw control character (invalid XML); we drop it.
    assert_eq!(
        Response::new()
            .say("x\u{1}y\ttab")
            .to_xml_without_declaration(),
        "<Response><Say>xy\ttab</Say></Response>"
    );
}

#[test]
fn dial_play_redirect_match_digest_2_3() {
    let dial = Response::new()
        .dial(
            Dial::number("+15551234567")
                .caller_id("+15550001111")
                .action("/dial-done")
                .timeout(20),
        )
        .to_xml_without_declaration();
    assert_eq!(
        dial,
        r#"<Response><Dial action="/dial-done" callerId="+15550001111" timeout="20"><Number>+15551234567</Number></Dial></Response>"#
    );
    let rest = Response::new()
        .verb(Verb::Play {
            url: "https://x/a.mp3".into(),
            loop_count: Some(2),
        })
        .verb(Verb::Redirect {
            url: "/next".into(),
            method: Some("POST".into()),
        })
        .play("https://x/b.wav")
        .redirect("/again")
        .to_xml_without_declaration();
    assert_eq!(
        rest,
        r#"<Response><Play loop="2">https://x/a.mp3</Play><Redirect method="POST">/next</Redirect><Play>https://x/b.wav</Play><Redirect>/again</Redirect></Response>"#
    );
}

#[test]
fn a_transfer_and_a_messaging_reply() {
    let transfer = Response::new()
        .dial(
            Dial::number("+15551234567")
                .and_number("+15557654321")
                .caller_id("+1555&0"),
        )
        .to_xml_without_declaration();
    assert_eq!(
        transfer,
        r#"<Response><Dial callerId="+1555&amp;0"><Number>+15551234567</Number><Number>+15557654321</Number></Dial></Response>"#
    );
    assert_eq!(
        Response::new().message("Thanks & bye").to_xml(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks &amp; bye</Message></Response>"#
    );
}
