//! JSON plumbing shared by the carrier codecs: capture, typed conversion, output.

pub(crate) mod fields;
pub(crate) mod json;
pub(crate) mod write;

use serde::Deserialize;

use crate::ParseError;
use crate::media::MAX_MESSAGE_BYTES;
use json::Nested;

/// Parses `text` as one JSON object into the wire struct `T`, after the size check.
pub(crate) fn parse_object<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, ParseError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::TooLarge {
            len: text.len(),
            limit: MAX_MESSAGE_BYTES,
        });
    }
    serde_json::from_str::<Nested<'a, T>>(text)?.object("message")
}
