//! Just enough XML for TwiML: elements, attributes, text, the five named entities and
//! character references, comments, CDATA, and a prolog with a declaration or doctype.

/// An element with its attributes and children in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All text directly inside, trimmed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for child in &self.children {
            if let Node::Text(text) = child {
                out.push_str(text);
            }
        }
        out.trim().to_owned()
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
}

/// The document's root element.
pub(super) fn parse(text: &str) -> Result<Element, String> {
    let mut parser = Parser { s: text, at: 0 };
    parser.misc()?;
    let root = parser.element()?;
    parser.misc()?;
    if parser.at < text.len() {
        return Err(parser.fail("content after the root element"));
    }
    Ok(root)
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.at..]
    }

    fn fail(&self, what: &str) -> String {
        format!("{what} at byte {}", self.at)
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, prefix: &str) -> bool {
        let found = self.rest().starts_with(prefix);
        if found {
            self.at += prefix.len();
        }
        found
    }

    /// Skips to just after `end`.
    fn skip_past(&mut self, end: &str) -> Result<(), String> {
        match self.rest().find(end) {
            Some(i) => {
                self.at += i + end.len();
                Ok(())
            }
            None => Err(self.fail(&format!("no closing {end}"))),
        }
    }

    /// Whitespace, comments, processing instructions and a doctype.
    fn misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_whitespace();
            if self.eat("<?") {
                self.skip_past("?>")?;
            } else if self.eat("<!--") {
                self.skip_past("-->")?;
            } else if self.eat("<!DOCTYPE") {
                self.skip_past(">")?;
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<String, String> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(self.fail("expected a name"));
        }
        self.at += len;
        Ok(rest[..len].to_owned())
    }

    fn element(&mut self) -> Result<Element, String> {
        if !self.eat("<") {
            return Err(self.fail("expected an element"));
        }
        let name = self.name()?;
        let mut attrs = Vec::new();
        loop {
            self.skip_whitespace();
            if self.eat("/>") {
                return Ok(Element {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            }
            if self.eat(">") {
                break;
            }
            let attr = self.name()?;
            self.skip_whitespace();
            if !self.eat("=") {
                return Err(self.fail("expected = after an attribute name"));
            }
            self.skip_whitespace();
            let quote = match self.rest().chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return Err(self.fail("expected a quoted attribute value")),
            };
            self.at += 1;
            let end = self
                .rest()
                .find(quote)
                .ok_or_else(|| self.fail("unterminated attribute value"))?;
            let raw = &self.rest()[..end];
            let value = unescape(raw).map_err(|e| self.fail(&e))?;
            self.at += end + 1;
            if attrs.iter().any(|(k, _)| *k == attr) {
                return Err(self.fail(&format!("attribute {attr} repeated")));
            }
            attrs.push((attr, value));
        }
        let children = self.content(&name)?;
        Ok(Element {
            name,
            attrs,
            children,
        })
    }

    /// Children up to and including `</name>`.
    fn content(&mut self, name: &str) -> Result<Vec<Node>, String> {
        let mut children = Vec::new();
        loop {
            if self.eat("</") {
                let closing = self.name()?;
                self.skip_whitespace();
                if closing != name || !self.eat(">") {
                    return Err(self.fail(&format!("expected </{name}>")));
                }
                return Ok(children);
            }
            if self.eat("<!--") {
                self.skip_past("-->")?;
            } else if self.eat("<![CDATA[") {
                let end = self
                    .rest()
                    .find("]]>")
                    .ok_or_else(|| self.fail("unterminated CDATA"))?;
                children.push(Node::Text(self.rest()[..end].to_owned()));
                self.at += end + 3;
            } else if self.rest().starts_with('<') {
                children.push(Node::Element(self.element()?));
            } else if self.rest().is_empty() {
                return Err(self.fail(&format!("unclosed <{name}>")));
            } else {
                let end = self.rest().find('<').unwrap_or(self.rest().len());
                let text = unescape(&self.rest()[..end]).map_err(|e| self.fail(&e))?;
                children.push(Node::Text(text));
                self.at += end;
            }
        }
    }
}

fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..]
            .find(';')
            .ok_or_else(|| format!("unterminated entity in {raw:?}"))?;
        let entity = &rest[amp + 1..amp + semi];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity &{entity};"))?
            }
        };
        out.push(c);
        rest = &rest[amp + semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_builder_writes() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <Response><Say voice='alice'>a&lt;b &amp; &quot;c&quot; &#10;&#x41;</Say><Pause length="2" /><Connect action="/done"><Stream url="wss://x/m"><Parameter name="k&amp;" value="v&lt;&quot;&#10;" /></Stream></Connect><Message><![CDATA[<raw>]]></Message></Response>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "Response");
        let verbs: Vec<&Element> = root.elements().collect();
        assert_eq!(verbs.len(), 4);
        assert_eq!(verbs[0].attr("voice"), Some("alice"));
        assert_eq!(verbs[0].text(), "a<b & \"c\" \nA");
        assert_eq!(verbs[1].attr("length"), Some("2"));
        let parameter = verbs[2]
            .elements()
            .next()
            .unwrap()
            .elements()
            .next()
            .unwrap();
        assert_eq!(parameter.attr("name"), Some("k&"));
        assert_eq!(parameter.attr("value"), Some("v<\"\n"));
        assert_eq!(verbs[3].text(), "<raw>");
    }

    #[test]
    fn refuses_broken_documents() {
        for bad in [
            "",
            "<Response>",
            "<Response></Respons>",
            "<Response><Say>x</Response>",
            "<Response a=1 />",
            "<Response a=\"1\" a=\"2\" />",
            "<Response>&bogus;</Response>",
            "<Response /><Response />",
            "not xml",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
