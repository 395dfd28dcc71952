//! Helpers shared by the carrier test files (`mod common;`).

use std::fmt::{Debug, Display};

/// Parses every frame with `parse`, panicking with the frame and the error on failure.
pub fn parse_all<'t, T, E: Display>(
    frames: &[&'t str],
    parse: impl Fn(&'t str) -> Result<T, E>,
) -> Vec<T> {
    frames
        .iter()
        .map(|t| parse(t).unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect()
}

/// Asserts that every frame parses and is written back byte for byte.
pub fn assert_reserialises<'t, T, E: Debug>(
    frames: impl IntoIterator<Item = &'t str>,
    parse: impl Fn(&'t str) -> Result<T, E>,
    to_json: impl Fn(&T) -> String,
) {
    for text in frames {
        assert_eq!(to_json(&parse(text).unwrap()), text);
    }
}
