//! TwiML as the verbs the fake executes. Verbs the fake does not implement (`<Gather>`,
//! `<Record>`, …) are kept by name so the call can report them.

use std::collections::BTreeMap;

use super::xml::{self, Element};

/// A parsed `<Response>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Document {
    pub verbs: Vec<Verb>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verb {
    Say(String),
    Play(String),
    /// Seconds.
    Pause(u32),
    Hangup,
    Redirect {
        url: String,
        method: String,
    },
    Dial(Dial),
    Connect(StreamVerb),
    Message(Message),
    Unsupported(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dial {
    pub numbers: Vec<String>,
    pub caller_id: Option<String>,
    pub action: Option<String>,
    pub method: String,
}

/// `<Connect><Stream>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StreamVerb {
    pub url: String,
    pub parameters: BTreeMap<String, String>,
    pub action: Option<String>,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    pub body: String,
    pub to: Option<String>,
    pub from: Option<String>,
}

impl Document {
    /// Twilio's error 12100 (document parse failure) when this fails.
    pub fn parse(text: &str) -> Result<Self, String> {
        let root = xml::parse(text)?;
        if root.name != "Response" {
            return Err(format!(
                "the root element is <{}>, not <Response>",
                root.name
            ));
        }
        let verbs = root.elements().map(verb).collect::<Result<_, _>>()?;
        Ok(Document { verbs })
    }
}

fn method(element: &Element) -> String {
    element
        .attr("method")
        .unwrap_or("POST")
        .to_ascii_uppercase()
}

fn verb(element: &Element) -> Result<Verb, String> {
    Ok(match element.name.as_str() {
        "Say" => Verb::Say(element.text()),
        "Play" => Verb::Play(element.text()),
        "Pause" => {
            let length = element.attr("length").unwrap_or("1");
            Verb::Pause(
                length
                    .trim()
                    .parse()
                    .map_err(|_| format!("<Pause length={length:?}>"))?,
            )
        }
        "Hangup" => Verb::Hangup,
        "Redirect" => Verb::Redirect {
            url: element.text(),
            method: method(element),
        },
        "Dial" => {
            let bare = element.text();
            let nouns = element
                .elements()
                .filter(|e| matches!(e.name.as_str(), "Number" | "Sip" | "Client"))
                .map(Element::text);
            let numbers = std::iter::once(bare)
                .filter(|n| !n.is_empty())
                .chain(nouns)
                .collect();
            Verb::Dial(Dial {
                numbers,
                caller_id: element.attr("callerId").map(str::to_owned),
                action: element.attr("action").map(str::to_owned),
                method: method(element),
            })
        }
        "Connect" => match element.elements().next() {
            Some(stream) if stream.name == "Stream" => {
                let url = stream
                    .attr("url")
                    .ok_or("<Stream> without a url")?
                    .to_owned();
                let parameters = stream
                    .elements()
                    .filter(|p| p.name == "Parameter")
                    .filter_map(|p| Some((p.attr("name")?.to_owned(), p.attr("value")?.to_owned())))
                    .collect();
                Verb::Connect(StreamVerb {
                    url,
                    parameters,
                    action: element.attr("action").map(str::to_owned),
                    method: method(element),
                })
            }
            Some(other) => Verb::Unsupported(format!("Connect/{}", other.name)),
            None => return Err("<Connect> without a noun".into()),
        },
        "Message" => {
            let body = element
                .elements()
                .find(|e| e.name == "Body")
                .map_or_else(|| element.text(), Element::text);
            Verb::Message(Message {
                body,
                to: element.attr("to").map(str::to_owned),
                from: element.attr("from").map(str::to_owned),
            })
        }
        other => Verb::Unsupported(other.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use switchboard_telephony::twiml::{self, Connect, Dial as DialBuilder, Response, Stream};

    use super::*;

    #[test]
    fn reads_every_verb_the_builder_writes() {
        let xml = Response::new()
            .say("Hello")
            .pause(2)
            .play("https://x/a.wav")
            .redirect("/next")
            .dial(DialBuilder::number("+15551234567").caller_id("+15550001111"))
            .connect(
                Connect::new(Stream::new("wss://sb.example/media").parameter("token", "t1"))
                    .action("/after"),
            )
            .hangup()
            .to_xml();
        let doc = Document::parse(&xml).unwrap();
        assert_eq!(
            doc.verbs,
            [
                Verb::Say("Hello".into()),
                Verb::Pause(2),
                Verb::Play("https://x/a.wav".into()),
                Verb::Redirect {
                    url: "/next".into(),
                    method: "POST".into()
                },
                Verb::Dial(Dial {
                    numbers: vec!["+15551234567".into()],
                    caller_id: Some("+15550001111".into()),
                    action: None,
                    method: "POST".into(),
                }),
                Verb::Connect(StreamVerb {
                    url: "wss://sb.example/media".into(),
                    parameters: [("token".to_owned(), "t1".to_owned())].into(),
                    action: Some("/after".into()),
                    method: "POST".into(),
                }),
                Verb::Hangup,
            ]
        );
    }

    #[test]
    fn messages_bare_dials_and_unknown_verbs() {
        let doc = Document::parse(
            "<Response><Message to=\"+1555\"><Body>hi</Body></Message><Message>yo</Message>\
             <Dial>+15551234567</Dial><Gather input=\"speech\"/><Pause/></Response>",
        )
        .unwrap();
        assert_eq!(
            doc.verbs[0],
            Verb::Message(Message {
                body: "hi".into(),
                to: Some("+1555".into()),
                from: None
            })
        );
        assert!(matches!(&doc.verbs[1], Verb::Message(m) if m.body == "yo"));
        assert!(matches!(&doc.verbs[2], Verb::Dial(d) if d.numbers == ["+15551234567"]));
        assert_eq!(doc.verbs[3], Verb::Unsupported("Gather".into()));
        assert_eq!(doc.verbs[4], Verb::Pause(1));
        assert_eq!(
            Document::parse(&twiml::Response::new().to_xml())
                .unwrap()
                .verbs,
            []
        );
        assert!(Document::parse("<Say>x</Say>").is_err());
        assert!(Document::parse("<Response><Pause length=\"x\"/></Response>").is_err());
    }
}
