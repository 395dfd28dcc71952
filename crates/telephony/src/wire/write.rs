//! Hand-rolled JSON output into a caller's `String`.
//!
//! Carrier frames are a handful of fixed keys around one or two strings, so
//! writing them directly is shorter than building serde values, keeps the key
//! order carriers use, and costs no allocation once the buffer has grown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Appends `s` as a JSON string literal, escaped the way serde_json escapes.
pub(crate) fn push_str_literal(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            // Other control characters: \u00XX. Writing to a String cannot fail.
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends `n` as a JSON string of decimal digits (`"42"`), as carriers send counters.
pub(crate) fn push_decimal_string(out: &mut String, n: u64) {
    let _ = write!(out, "\"{n}\"");
}

/// Appends `n` as a bare JSON number.
pub(crate) fn push_number(out: &mut String, n: u64) {
    let _ = write!(out, "{n}");
}

/// Appends `"key":` (keys are our own constants and never need escaping).
pub(crate) fn push_key(out: &mut String, key: &str) {
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
}

/// Appends `audio` as a quoted standard (padded) base64 string.
pub(crate) fn push_base64_literal(out: &mut String, audio: &[u8]) {
    out.push('"');
    STANDARD.encode_string(audio, out);
    out.push('"');
}

/// Length of the padded base64 encoding of `n` bytes.
pub(crate) const fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Extra bytes [`push_str_literal`] needs for `s` beyond its length (quotes included).
pub(crate) fn literal_overhead(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            0x00..=0x1f => 5,
            _ => 0,
        })
        .sum::<usize>()
}

/// Runs `write` on a new `String` and returns it (the `to_json` of the typed frames).
pub(crate) fn new_string(write: impl FnOnce(&mut String)) -> String {
    let mut out = String::new();
    write(&mut out);
    out
}

/// Writes one JSON object whose members may be optional, managing the commas.
pub(crate) struct ObjectWriter<'o> {
    out: &'o mut String,
    empty: bool,
}

impl<'o> ObjectWriter<'o> {
    pub(crate) fn open(out: &'o mut String) -> Self {
        out.push('{');
        ObjectWriter { out, empty: true }
    }

    /// Starts a member and hands back the buffer for its value.
    pub(crate) fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        push_key(self.out, key);
        self.out
    }

    /// Starts a member whose value is a nested object; close it before writing on here.
    pub(crate) fn object(&mut self, key: &str) -> ObjectWriter<'_> {
        ObjectWriter::open(self.key(key))
    }

    pub(crate) fn str(&mut self, key: &str, value: &str) {
        push_str_literal(self.key(key), value);
    }

    pub(crate) fn opt_str(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.str(key, value);
        }
    }

    /// A counter as a decimal string (`"42"`).
    pub(crate) fn decimal(&mut self, key: &str, value: u64) {
        push_decimal_string(self.key(key), value);
    }

    /// A counter as a decimal string, when present.
    pub(crate) fn opt_decimal(&mut self, key: &str, value: Option<u64>) {
        if let Some(value) = value {
            self.decimal(key, value);
        }
    }

    /// An array of strings.
    pub(crate) fn str_array<'s>(&mut self, key: &str, items: impl IntoIterator<Item = &'s str>) {
        let out = self.key(key);
        out.push('[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str_literal(out, item);
        }
        out.push(']');
    }

    /// A flat object of string values. Unlike member keys, its names are data
    /// and are escaped.
    pub(crate) fn string_map(&mut self, key: &str, map: &BTreeMap<String, String>) {
        let out = self.key(key);
        out.push('{');
        for (i, (name, value)) in map.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str_literal(out, name);
            out.push(':');
            push_str_literal(out, value);
        }
        out.push('}');
    }

    pub(crate) fn number(&mut self, key: &str, value: u64) {
        push_number(self.key(key), value);
    }

    pub(crate) fn close(self) {
        self.out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_serde_json() {
        for s in [
            "plain",
            "q\"uote",
            "back\\slash",
            "nl\n\r\t",
            "\u{1}\u{1f}\u{8}\u{c}",
            "é☎",
            "",
        ] {
            let mut out = String::new();
            push_str_literal(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
            assert_eq!(out.len(), s.len() + literal_overhead(s), "{s:?}");
        }
    }

    #[test]
    fn object_writer_matches_serde_json() {
        let map = BTreeMap::from([("a\"b".to_owned(), "v\n".to_owned())]);
        let mut out = String::new();
        let mut w = ObjectWriter::open(&mut out);
        w.str("event", "start");
        w.decimal("seq", 7);
        w.opt_decimal("none", None);
        w.opt_str("absent", None);
        let mut inner = w.object("inner");
        inner.str_array("tags", ["x", "y\""]);
        inner.string_map("params", &map);
        inner.number("n", 3);
        inner.close();
        w.close();
        let expected = serde_json::json!({
            "event": "start",
            "seq": "7",
            "inner": {"tags": ["x", "y\""], "params": {"a\"b": "v\n"}, "n": 3},
        });
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&out).unwrap(),
            expected
        );
        assert_eq!(
            out,
            r#"{"event":"start","seq":"7","inner":{"tags":["x","y\""],"params":{"a\"b":"v\n"},"n":3}}"#
        );
    }

    #[test]
    fn base64_length_is_exact() {
        for n in 0..50 {
            let mut out = String::new();
            push_base64_literal(&mut out, &vec![0xff; n]);
            assert_eq!(out.len(), base64_len(n) + 2);
        }
        assert_eq!(base64_len(160), 216);
    }
}
